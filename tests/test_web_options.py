"""The Advanced section of the planner's forms (solver, time limit, solver reports), read
without a browser: every wrong field named at once, in words a person acts on."""

from __future__ import annotations

import pytest

from api.web.planning import Advanced, advanced_of, read_advanced, solvers
from optimiser import Solver

CAP = 600.0


def test_blank_fields_leave_the_choice_to_the_engine_and_the_server() -> None:
    typed, options, errors = read_advanced({}, "staffing", CAP)
    assert errors == []
    assert options is not None
    assert (options.solver, options.time_limit_seconds, options.sensitivity) == (None, None, False)
    assert not typed.changed


def test_a_solver_a_limit_and_the_reports() -> None:
    form = {"solver": "cbc", "time-limit": "1,200 s", "reports": "yes"}
    typed, options, errors = read_advanced(form, "staffing", 2000.0)
    assert errors == []
    assert options is not None
    assert options.solver is Solver.CBC
    assert options.time_limit_seconds == 1200.0
    assert options.sensitivity is True
    assert typed.changed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ten", "Enter the time limit in seconds, for example 60"),
        ("0", "Enter a time limit of more than 0 seconds"),
        ("-5", "Enter a time limit of more than 0 seconds"),
        ("601", "Enter a time limit of 600 seconds or less"),
    ],
)
def test_a_wrong_time_limit_is_explained(text: str, message: str) -> None:
    _, options, errors = read_advanced({"time-limit": text}, "placements", CAP)
    assert options is None
    assert [(e.field, e.text) for e in errors] == [("time-limit", message)]


def test_every_wrong_field_at_once_with_the_forms_prefix() -> None:
    """A placement plan cannot use CBC (a staffing solver); the upload form's fields carry
    its prefix so that the error summary links to the right form's field."""
    form = {"upload-solver": "cbc", "upload-time-limit": "soon"}
    _, options, errors = read_advanced(form, "placements", CAP, "upload-")
    assert options is None
    assert [e.field for e in errors] == ["upload-solver", "upload-time-limit"]
    assert errors[0].text == "Select a solver from the list"


def test_reports_are_for_staffing_only() -> None:
    _, options, _ = read_advanced({"reports": "yes"}, "placements", CAP)
    assert options is not None
    assert options.sensitivity is False


def test_each_kind_lists_its_own_solvers() -> None:
    assert [v for v, _ in solvers("staffing")] == ["highs", "cbc"]
    assert [v for v, _ in solvers("placements")] == ["flow", "lagrange", "highs", "cpsat"]


def test_a_replan_starts_from_its_sources_options() -> None:
    """The server's cap is shown as a blank field (it applies when blank)."""
    _, options, _ = read_advanced({"solver": "highs", "time-limit": "30"}, "staffing", CAP)
    assert options is not None
    assert advanced_of(options, CAP) == Advanced(solver="highs", time_limit="30")
    capped = options.model_copy(update={"time_limit_seconds": CAP})
    assert advanced_of(capped, CAP) == Advanced(solver="highs")
