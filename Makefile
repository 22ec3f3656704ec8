# Two commands: `make demo` (set up, solve every bundled instance) and `make test` (set up, lint, type-check, test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench serve clean

$(VENV)/.installed-run: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed-run
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

demo: $(VENV)/.installed-run
	$(BIN)/optimiser solve instances/*.json

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench $(ARGS)
	$(BIN)/python -m bench.api_load

serve: $(VENV)/.installed-run
	$(BIN)/optimiser serve --local-only

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
