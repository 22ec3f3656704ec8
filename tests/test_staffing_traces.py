"""A diagnosis offers no trace of a relaxation: a joint repair that takes 0.000049 off an admin
ratio of 0.3 (found by the random-instance sentence test) is the MIP's relative gap or a
whole step of releasing staff showing through, not a change a person would make. The repair
offered is re-checked without it, and still makes the plan possible."""

from __future__ import annotations

from typing import Any

from optimiser import SolveStatus, parse_staffing, solve
from optimiser.staffing.solution import Diagnosis


def _group(ident: str, fte: float, cost: int, **more: Any) -> dict[str, Any]:
    role = "admin" if ident == "adm" else "specialist"
    skills = [] if role == "admin" else ["a"]
    return {
        "id": ident,
        "name": ident.upper(),
        "role": role,
        "fte_available": fte,
        "cost_per_fte_gbp": cost,
        "skills": skills,
        **more,
    }


def _function(ident: str, category: str, min_fte: float, income: int | None) -> dict[str, Any]:
    f: dict[str, Any] = {"id": ident, "name": ident.upper(), "category": category}
    f["min_fte"] = min_fte
    if income is not None:
        f["traded"] = {"income_per_fte_gbp": income, "must_recover_cost": False}
    return f


def _instance(
    name: str, groups: list[dict[str, Any]], functions: list[dict[str, Any]], **more: Any
) -> dict[str, Any]:
    """Both instances' common ground: a council cap of £0, an admin ratio of 0.3, no cost
    recovery, and releases in 0.1 FTE steps."""
    return {
        "kind": "staffing",
        "name": name,
        "staff_groups": groups,
        "functions": functions,
        "council_budget_cap_gbp": 0,
        "admin_per_specialist_fte": 0.3,
        "traded_must_recover_cost": False,
        "fte_step": 0.1,
        **more,
    }


def traded_income_short_of_a_cap_of_nothing() -> dict[str, Any]:
    """15.35 specialist FTE and 4.545 admin FTE (at 0.3 admin per specialist FTE, enough for
    15.15); traded income of about £30,000 an FTE cannot bring the council's net to its cap
    of £0. Releases in 0.1 FTE steps make the elastic model a MIP: solved to its default
    relative gap (0.01%), its incumbent took 0.000049 off the admin ratio and £2 off the
    cap's repair; solved to a gap of 0 it relaxes the cap alone, by £153,363."""
    return _instance(
        "cap_of_nothing",
        [
            _group("g0", 6.35546875, 30_000),
            _group("g1", 8.99609375, 30_000, release_cost_per_fte_gbp=0),
            _group("adm", 4.544921875, 25_000),
        ],
        [
            _function("f0", "traded", 0.0, 30_021),
            _function("f1", "traded", 2.0, 20_010),
            _function("f2", "traded", 2.0, 20_004),
            _function("f3", "core", 0.0, None),
        ],
    )


def traded_ceiling_a_trace_short_of_admin() -> dict[str, Any]:
    """Deploying every specialist kept (releases in whole 0.1 FTE steps) needs 0.000205 admin
    FTE more than the 4.5447 there are: the cheapest repair in the elastic weights took the
    admin ratio down by 0.000017 beside 20 points on the traded ceiling, which alone is
    enough."""
    grant = {"id": "s0", "name": "Grant", "amount_gbp": 1, "functions": ["f0"], "ring_fenced": True}
    return _instance(
        "ceiling_short_of_admin",
        [
            _group("g0", 8.99609375, 30_879),
            _group("g1", 6.353515625, 30_000, release_cost_per_fte_gbp=0),
            _group("adm", 4.544677760796843, 25_000),
        ],
        [_function("f0", "traded", 0.0, 47_550)]
        + [_function(f"f{i}", "core", 0.0, None) for i in (1, 2, 3)],
        bands=[
            {"category": "core", "min_share": 0.2, "max_share": 0.3},
            {"category": "traded", "min_share": 0.0, "max_share": 0.6},
            {"category": "core_plus", "min_share": 0.0, "max_share": 0.1},
        ],
        funding_sources=[grant],
    )


def _diagnosis(data: dict[str, Any]) -> Diagnosis:
    solution = solve(parse_staffing(data))
    assert solution.status is SolveStatus.INFEASIBLE
    assert solution.diagnosis is not None
    return solution.diagnosis


def _status(data: dict[str, Any]) -> SolveStatus:
    return solve(parse_staffing(data)).status


def _read(diagnosis: Diagnosis) -> list[str]:
    """What the officer reads: the summary, then each conflict's sentence."""
    return [diagnosis.summary, *(c.sentence for c in diagnosis.conflicts)]


def test_a_cap_of_nothing_is_repaired_by_the_cap_alone() -> None:
    assert _read(_diagnosis(traded_income_short_of_a_cap_of_nothing())) == [
        "The cheapest joint repair relaxes 1 rule (council_cap); "
        "1 rule could restore feasibility alone.",
        "The council's net contribution of at most £0: the cheapest joint repair relaxes it "
        "by £153,363 more; relaxed alone it needs £153,363 more.",
    ]  # nothing off the admin ratio


def test_the_cap_repair_offered_makes_the_plan_possible_and_no_less_does() -> None:
    """Independent of the elastic model: the instance re-solved with the cap raised by the
    repair offered is feasible, and with £20 less it is not."""
    (cap,) = _diagnosis(traded_income_short_of_a_cap_of_nothing()).conflicts
    raised = cap.change_in_combined_repair * 1000
    data = traded_income_short_of_a_cap_of_nothing()
    data["council_budget_cap_gbp"] = raised + 1
    assert _status(data) is SolveStatus.OPTIMAL
    data["council_budget_cap_gbp"] = raised - 20
    assert _status(data) is SolveStatus.INFEASIBLE


def test_a_traded_ceiling_is_repaired_without_a_trace_off_the_admin_ratio() -> None:
    diagnosis = _diagnosis(traded_ceiling_a_trace_short_of_admin())
    assert _read(diagnosis) == [
        "The cheapest joint repair relaxes 1 rule (band_max_traded); "
        "2 rules could restore feasibility alone.",
        "Traded share of at most 60%: the cheapest joint repair relaxes it by 20.0 "
        "percentage points; relaxed alone it needs 20.0 percentage points.",
        "The council's net contribution of at most £0: relaxed alone it needs £393,012 more.",
    ]
    (ceiling, _) = diagnosis.conflicts
    data = traded_ceiling_a_trace_short_of_admin()
    data["bands"][1]["max_share"] = 0.6 + ceiling.change_in_combined_repair / 100 + 1e-4
    assert _status(data) is SolveStatus.OPTIMAL  # the admin ratio of 0.3 unchanged
