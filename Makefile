# Two commands: `make demo` (set up, solve every bundled instance) and `make test` (set up, lint, type-check, test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo planner test lint bench soak serve sweeps vendor browser-deps clean

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
	@echo
	@echo "The planner in the browser: make planner, then open http://127.0.0.1:8000/"

# The planner (and the API) on this machine only, no sign-in: open http://127.0.0.1:8000/
planner: $(VENV)/.installed-run
	@echo "The planner: open http://127.0.0.1:8000/ (stop with Ctrl+C)"
	$(BIN)/optimiser serve --local-only --port 8000

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint browser-deps
	sh scripts/install-libreoffice.sh
	HYPOTHESIS_PROFILE=ci $(BIN)/pytest

# Debian's chromium for the browser tests (tests/browser), installed when it is missing
browser-deps:
	bash scripts/browser-deps.sh

# Refresh the vendored front-end assets (GOV.UK Frontend, Swagger UI, ReDoc, axe-core) from npm
vendor:
	bash scripts/vendor.sh

# after a deliberate change to a bundled optimum: rewrite the golden files (tests/__snapshots__)
golden: $(VENV)/.installed-dev
	$(BIN)/pytest tests/test_staffing_bundled.py tests/test_placements_bundled.py -k golden --snapshot-update

# make bench (full: tens of minutes) or make bench ARGS=--quick (a couple of minutes)
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench $(ARGS)
	$(BIN)/python -m bench.scale $(ARGS)
	$(BIN)/python -m bench.staffing $(ARGS)
	$(BIN)/python -m bench.batch $(ARGS)
	$(BIN)/python -m bench.api_load $(ARGS)
	$(BIN)/python -m bench.pages $(ARGS)
	$(BIN)/python -m bench.limits $(ARGS)

# The job server's full reliability run (about a quarter of an hour): fuzz, canaries, kills
# aimed at dispatch, bursts, job overrun and status latency, with the figures printed.
soak: $(VENV)/.installed-dev
	$(BIN)/python -m bench.soak $(ARGS)

sweeps: $(VENV)/.installed-run
	$(BIN)/optimiser sweep instances/oakfield_traded_offer.json \
		--vary "functions[outreach].traded.take_up_share=0.30:1.00:0.01" \
		--vary "functions[outreach].traded.price_per_school_gbp=4000,5000" \
		--set council_budget_cap_gbp=null --set traded_must_recover_cost=false \
		--jobs 2 --out out/oakfield_break_even
	$(BIN)/optimiser sweep instances/oxfordshire_2015_16.json \
		--vary "funding_sources[grant_lac].amount_gbp=665000,598500,532000,465500,399000" \
		--out out/grant_falls
	$(BIN)/optimiser sweep instances/bromley_outreach_pilot.json \
		--vary "years[2020-21].functions[outreach].price_per_school_gbp=4000:7000:100" \
		--set "years[2020-21].cap_gbp=1000000" --cross "net_gbp[2020-21]" \
		--jobs 2 --out out/bromley_break_even

serve: $(VENV)/.installed-run
	$(BIN)/optimiser serve --local-only

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
