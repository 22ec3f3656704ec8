"""Infeasible instances: status `infeasible` and a diagnosis in the instance's own terms."""

from __future__ import annotations

import pytest

from optimiser import SolveStatus, parse_staffing, solve
from tests.helpers import band, function, raw


def test_traded_floor_beyond_consultancy_capacity() -> None:
    """Only consultancy staff may trade and 6 FTE hold the skill, too few for a 20% floor.
    The floor is also implied by the 40% core and core-plus ceilings, so relaxing it alone
    cannot help; more consultancy staff can."""
    data = raw("oxfordshire_2015_16")
    for g in data["staff_groups"]:
        if g["role"] == "specialist":
            g["skills"] = [s for s in g["skills"] if s != "consultancy"]
            if g["id"] == "curriculum":
                g["skills"].append("consultancy")
    data["staff_groups"].append(
        {
            "id": "consultants",
            "name": "Consultants",
            "role": "specialist",
            "fte_available": 4.0,
            "cost_per_fte_gbp": 60000,
            "skills": ["consultancy"],
        }
    )
    data["staff_groups"][0]["fte_available"] = 12.0  # keep 48.37 specialist FTE in all
    for f in data["functions"]:
        if f["category"] == "traded":
            f["required_skill"] = "consultancy"
            f.pop("max_fte", None)
    data["traded_must_recover_cost"] = False
    for f in data["functions"]:
        if f.get("traded"):
            f["traded"]["must_recover_cost"] = False
    sol = solve(parse_staffing(data))
    assert sol.status is SolveStatus.INFEASIBLE
    assert sol.diagnosis is not None
    rules = {c.rule: c for c in sol.diagnosis.conflicts}
    assert "band_min_traded" in rules
    conflict = rules["band_min_traded"]
    assert conflict.change_alone is None
    assert "relaxing it alone cannot restore feasibility" in conflict.sentence
    assert "FTE with skill `consultancy`; 6.0 FTE have it" in conflict.sentence
    assert conflict.unit == "percentage point"
    consultants = rules["available_consultants"]
    assert consultants.change_alone is not None
    assert 0 < consultants.change_alone < 4


def test_statutory_minimums_beyond_the_core_ceiling() -> None:
    """Raising every statutory minimum tenfold cannot fit under a 40% core ceiling."""
    data = raw("oxfordshire_2015_16")
    for f in data["functions"]:
        if f["category"] == "core" and "min_fte" in f:
            f["min_fte"] = f["min_fte"] * 3
    sol = solve(parse_staffing(data))
    assert sol.status is SolveStatus.INFEASIBLE
    assert sol.diagnosis is not None
    families = {c.family for c in sol.diagnosis.conflicts}
    assert families & {"band_max", "function_min", "staff_available", "establishment"}
    assert all(c.sentence for c in sol.diagnosis.conflicts)
    assert sol.diagnosis.summary.startswith("The cheapest joint repair relaxes")


def test_council_cap_too_low_names_the_cap_and_its_shortfall() -> None:
    data = raw("staffing_small")
    data["council_budget_cap_gbp"] = 20_000  # the optimum is 50,000
    sol = solve(parse_staffing(data))
    assert sol.status is SolveStatus.INFEASIBLE
    assert sol.diagnosis is not None
    cap = next(c for c in sol.diagnosis.conflicts if c.rule == "council_cap")
    assert cap.change_alone == pytest.approx(30.0, abs=0.01)  # £30,000 in £1,000 steps
    assert cap.unit == "£1,000 more"


def test_band_floor_and_function_cap_conflict() -> None:
    data = raw("staffing_small")
    band(data, "traded")["min_share"] = 0.8
    band(data, "traded")["max_share"] = 0.9
    function(data, "traded")["max_fte"] = 1.0
    sol = solve(parse_staffing(data))
    assert sol.status is SolveStatus.INFEASIBLE
    assert sol.diagnosis is not None
    rules = {c.rule for c in sol.diagnosis.conflicts}
    assert rules & {"band_min_traded", "max_fte_traded", "min_fte_statutory"}
