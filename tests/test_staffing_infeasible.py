"""Infeasible instances: status `infeasible` and a diagnosis in the instance's own terms,
naming exactly the rules in conflict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from optimiser import SolveStatus, parse_staffing, solve
from optimiser.staffing.solution import Diagnosis
from tests.helpers import band, function, raw


def traded_floor_beyond_consultancy_capacity() -> dict[str, Any]:
    """Only consultancy staff may trade and 6 FTE hold the skill, too few for a 20% floor."""
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
    return data


def statutory_minimums_beyond_the_core_ceiling() -> dict[str, Any]:
    """Every core minimum tripled cannot fit under a 40% core ceiling."""
    data = raw("oxfordshire_2015_16")
    for f in data["functions"]:
        if f["category"] == "core" and "min_fte" in f:
            f["min_fte"] = f["min_fte"] * 3
    return data


def council_cap_too_low() -> dict[str, Any]:
    data = raw("staffing_small")
    data["council_budget_cap_gbp"] = 20_000  # the optimum is 50,000
    return data


def band_floor_and_function_cap() -> dict[str, Any]:
    data = raw("staffing_small")
    band(data, "traded")["min_share"] = 0.8
    band(data, "traded")["max_share"] = 0.9
    function(data, "traded")["max_fte"] = 1.0
    return data


VARIANTS: dict[str, Callable[[], dict[str, Any]]] = {
    "traded_floor": traded_floor_beyond_consultancy_capacity,
    "core_ceiling": statutory_minimums_beyond_the_core_ceiling,
    "council_cap": council_cap_too_low,
    "band_and_cap": band_floor_and_function_cap,
}


def _diagnosis(name: str) -> Diagnosis:
    solution = solve(parse_staffing(VARIANTS[name]()))
    assert solution.status is SolveStatus.INFEASIBLE
    assert solution.diagnosis is not None
    return solution.diagnosis


def test_traded_floor_beyond_consultancy_capacity() -> None:
    """The 20% traded floor needs 7.1 of 35.6 deployed FTE with the consultancy skill; 6 FTE
    have it. The cheapest joint repair eases the floor and the core ceiling by 5.7 points
    each (and drops a non-statutory minimum); relaxing the floor alone cannot help (the 40%
    core and core-plus ceilings imply it); more consultancy staff can, alone: 3.12 FTE of
    consultants or 3.20 of curriculum advisers (who hold the skill)."""
    diagnosis = _diagnosis("traded_floor")
    assert not diagnosis.among_fixed
    rules = {c.rule: c for c in diagnosis.conflicts}
    assert list(rules) == [
        "min_fte_cp05",
        "band_max_core",
        "band_min_traded",
        "available_consultants",
        "available_curriculum",
    ]
    floor = rules["band_min_traded"]
    assert floor.change_alone is None
    assert floor.change_in_combined_repair == pytest.approx(5.6858, abs=1e-3)
    assert "relaxing it alone cannot restore feasibility" in floor.sentence
    assert "7.1 FTE with skill `consultancy`; 6.0 FTE have it" in floor.sentence
    assert floor.unit == "percentage point"
    assert rules["available_consultants"].change_alone == pytest.approx(3.1158, abs=1e-3)
    assert rules["available_curriculum"].change_alone == pytest.approx(3.2047, abs=1e-3)


def test_statutory_minimums_beyond_the_core_ceiling() -> None:
    """Tripled core minimums under a 40% core ceiling: statutory minimums may not bend, so
    the joint repair adds staff, drops non-statutory core-plus minimums and moves both bands;
    no single rule can do it alone. An equally cheap repair takes a trace (0.0068 FTE) off
    min_fte_cp13 and 0.3 FTE off min_fte_cp10: the trace is dropped, and cp06 moves instead."""
    diagnosis = _diagnosis("core_ceiling")
    assert diagnosis.summary.startswith(
        "The cheapest joint repair relaxes 11 rules (available_attendance, available_data, "
        "available_curriculum, min_fte_cp01, min_fte_cp05, min_fte_cp06, min_fte_cp08, "
        "min_fte_cp09, min_fte_cp12, band_max_core, band_min_core_plus); "
        "0 rules could restore feasibility alone"
    )
    assert all(c.change_alone is None for c in diagnosis.conflicts)
    assert all(c.relaxable for c in diagnosis.conflicts)
    assert not any(c.rule.startswith("min_fte_co") for c in diagnosis.conflicts)


def test_council_cap_too_low_names_the_cap_and_its_shortfall() -> None:
    """Cap £20,000 against an optimum of £50,000: £30,000 more cap, or £30,000 more DSG,
    alone; or a traded ceiling 16.7 points higher (traded up to its 2 FTE cap, 2/3 of 3 FTE:
    0.5 FTE more at £60,000 = £30,000), the cheapest joint repair."""
    diagnosis = _diagnosis("council_cap")
    rules = {c.rule: c for c in diagnosis.conflicts}
    assert list(rules) == ["band_max_traded", "council_cap", "source_dsg"]
    assert rules["band_max_traded"].change_in_combined_repair == pytest.approx(16.6667, abs=1e-3)
    assert rules["council_cap"].change_alone == pytest.approx(30.0, abs=0.01)  # £1,000 steps
    assert rules["council_cap"].unit == "£1,000 more"
    assert rules["source_dsg"].change_alone == pytest.approx(30.0, abs=0.01)


def test_band_floor_and_function_cap_conflict() -> None:
    """An 80% traded floor with traded capped at 1 FTE and the statutory duty (fixed) at
    1 FTE: 2 FTE deployed, traded at most 50%: the floor must come down 30 points; the cap
    alone cannot help (traded >= 0.8 (traded + 1) needs 4 FTE of 3 advisers)."""
    diagnosis = _diagnosis("band_and_cap")
    assert [c.rule for c in diagnosis.conflicts] == ["band_min_traded"]
    floor = diagnosis.conflicts[0]
    assert floor.change_alone == pytest.approx(30.0, abs=1e-3)
    assert floor.change_in_combined_repair == pytest.approx(30.0, abs=1e-3)
