"""Rules that must not bend: statutory minimums are fixed, the instance may fix or free any
rule by name or family, and a conflict among fixed rules alone is said to be one.

Officers: 2 FTE at £50,000, nothing releasable; the statutory duty needs 3 FTE. The only
rules in play are the officers' availability (2 FTE) and the duty's minimum (3 FTE): one FTE
apart.
"""

from __future__ import annotations

from typing import Any

import pytest

from optimiser import InstanceError, SolveStatus, parse_staffing, solve
from optimiser.staffing.solution import Diagnosis


def _short_of_staff(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "staffing",
        "name": "short",
        "staff_groups": [
            {
                "id": "officers",
                "name": "Officers",
                "role": "specialist",
                "fte_available": 2.0,
                "cost_per_fte_gbp": 50_000,
            }
        ],
        "functions": [
            {"id": "duty", "name": "Duty", "category": "core", "statutory": True, "min_fte": 3.0},
        ],
    }
    data.update(extra)
    return data


def _diagnosis(data: dict[str, Any]) -> Diagnosis:
    solution = solve(parse_staffing(data))
    assert solution.status is SolveStatus.INFEASIBLE
    assert solution.diagnosis is not None
    return solution.diagnosis


def test_a_statutory_minimum_is_not_relaxed() -> None:
    """Only the staff may bend: one more officer FTE, alone and jointly."""
    diagnosis = _diagnosis(_short_of_staff())
    assert not diagnosis.among_fixed
    assert [c.rule for c in diagnosis.conflicts] == ["available_officers"]
    officers = diagnosis.conflicts[0]
    assert officers.change_alone == pytest.approx(1.0)
    assert officers.change_in_combined_repair == pytest.approx(1.0)
    assert officers.relaxable
    assert "1 rule may not be relaxed and is held" in diagnosis.summary


def test_the_instance_may_free_a_statutory_minimum() -> None:
    """With the duty's minimum relaxable, either rule can close the 1 FTE gap alone; the
    joint repair takes the cheaper (an FTE of minimum is weighted half an FTE of staff)."""
    diagnosis = _diagnosis(_short_of_staff(relaxable_rules=["min_fte_duty"]))
    rules = {c.rule: c for c in diagnosis.conflicts}
    assert set(rules) == {"available_officers", "min_fte_duty"}
    assert rules["min_fte_duty"].change_alone == pytest.approx(1.0)
    assert rules["min_fte_duty"].change_in_combined_repair == pytest.approx(1.0)
    assert rules["available_officers"].change_alone == pytest.approx(1.0)


def test_a_conflict_among_fixed_rules_alone_is_named() -> None:
    """Staff availability fixed too (by family): nothing may bend. The diagnosis says so and
    names both fixed rules with the change the cheapest repair would need."""
    diagnosis = _diagnosis(_short_of_staff(fixed_rules=["staff_available"]))
    assert diagnosis.among_fixed
    assert diagnosis.summary.startswith("The conflict is among rules that may not be relaxed")
    rules = {c.rule: c for c in diagnosis.conflicts}
    assert set(rules) == {"min_fte_duty"}
    assert not rules["min_fte_duty"].relaxable
    assert rules["min_fte_duty"].change_in_combined_repair == pytest.approx(1.0)
    assert "it may not be relaxed" in rules["min_fte_duty"].sentence


def test_unknown_rule_names_are_refused_with_their_place() -> None:
    with pytest.raises(InstanceError) as raised:
        parse_staffing(
            _short_of_staff(fixed_rules=["council_cap", "min_fte_duty"], relaxable_rules=["x"])
        )
    paths = [p.path for p in raised.value.problems]
    assert paths == ["fixed_rules[0]", "relaxable_rules[0]"]
