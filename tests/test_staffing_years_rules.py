"""Rules of a plan over years are each year's own: unique names and keys per year in the
model, the binding rules, the sensitivity report and a diagnosis (the admin ratio included);
relaxing one year's rule by a step moves that year's figure only, and the horizon's objective
moves by the rule's price."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from optimiser import SolveOptions, SolveStatus, parse_staffing, relax, relaxable, solve
from optimiser.staffing import model
from optimiser.staffing.horizon import year_views
from optimiser.staffing.schema import StaffingInstance
from optimiser.staffing.solution import StaffingSolution
from tests.helpers import raw


def oxfordshire_lp() -> dict[str, Any]:
    data = raw("oxfordshire_2015_18")
    data["fte_step"] = None
    return data


@pytest.fixture(scope="module")
def planned() -> tuple[StaffingInstance, StaffingSolution]:
    instance = parse_staffing(oxfordshire_lp())
    return instance, solve(instance, SolveOptions(sensitivity=True))


def test_admin_ratio_is_one_rule_key_a_year_everywhere(
    planned: tuple[StaffingInstance, StaffingSolution],
) -> None:
    instance, solution = planned
    years = [y.id for y in instance.years]
    book = model.build(instance).book.rules.values()
    keys = {r.key for r in book if r.family == "admin_ratio"}
    assert keys == {f"admin_ratio_{y.replace('-', '_')}" for y in years}
    for rule in book:
        assert rule.year in years, rule.name
        assert rule.year in rule.ids, rule.name
    bound = [b.rule for b in solution.binding_rules]
    assert len(bound) == len(set(bound))
    assert {b.rule for b in solution.binding_rules if b.family == "admin_ratio"} == keys
    sens = solution.sensitivity
    assert sens is not None
    assert sens.duals
    assert "over 2015-16 to 2017-18" in sens.objective
    names = Counter(r.rule for r in sens.rules)
    assert max(names.values()) == 1
    assert {r.key for r in sens.rules if r.family == "admin_ratio"} == keys
    for row in sens.rules:
        assert row.year in years


def test_a_diagnosis_names_the_admin_ratio_of_its_year_once() -> None:
    data = oxfordshire_lp()
    data["admin_per_specialist_fte"] = 1.5  # more admin than the council can pay for
    solution = solve(parse_staffing(data))
    assert solution.status is SolveStatus.INFEASIBLE
    assert solution.first_infeasible_year == "2015-16"
    assert solution.diagnosis is not None
    conflicts = {c.rule: c for c in solution.diagnosis.conflicts}
    assert "admin_ratio_2015_16" in conflicts
    for conflict in conflicts.values():
        assert conflict.sentence.startswith(f"In {conflict.year}, "), conflict.sentence
        assert f"{conflict.year}, {conflict.year}" not in conflict.sentence


def _views(instance: StaffingInstance) -> list[dict[str, Any]]:
    return [v.instance.model_dump() for v in year_views(instance)]


def test_relaxing_a_rule_of_one_year_moves_that_year_only(
    planned: tuple[StaffingInstance, StaffingSolution],
) -> None:
    instance, solution = planned
    before = _views(instance)
    years = [y.id for y in instance.years]
    checked: Counter[str] = Counter()
    for rule in solution.binding_rules:
        relaxed = relax(instance, rule)
        if rule.family in ("admin_ratio", "establishment", "max_change"):
            assert not relaxable(rule)  # no figure of its own in a year
        if relaxed is None:
            continue
        assert relaxed.change.startswith(f"{rule.year}: ")
        after = _views(relaxed.instance)
        changed = [years[t] for t in range(len(years)) if before[t] != after[t]]
        assert changed == [rule.year], (rule.rule, changed)
        checked[rule.family] += 1
    assert {"function_min", "band_max", "funding_amount"} <= set(checked)


def test_one_step_in_its_year_moves_the_horizon_by_the_price(
    planned: tuple[StaffingInstance, StaffingSolution],
) -> None:
    """Rules whose price holds for a whole step (HiGHS ranging) and is no kink. A band's
    point is 1% of the year's specialist FTE, which moves as the plan moves: its price holds
    at the margin (tests/test_staffing_years_prices.py), not exactly for a whole point."""
    instance, solution = planned
    assert solution.discounted_net_cost_gbp is not None
    checked = 0
    for rule in solution.binding_rules:
        whole_step = rule.valid_steps is None or rule.valid_steps >= 1.0
        if rule.shadow_price_gbp is None or rule.relax_price_gbp is not None or not whole_step:
            continue
        if rule.family in ("band_min", "band_max"):
            continue
        relaxed = relax(instance, rule)
        if relaxed is None:
            continue
        again = solve(relaxed.instance, SolveOptions(shadow_prices=False, diagnose=False))
        assert again.discounted_net_cost_gbp is not None
        change = again.discounted_net_cost_gbp - solution.discounted_net_cost_gbp
        assert change == pytest.approx(rule.shadow_price_gbp, abs=1.0, rel=1e-3), rule.sentence
        checked += 1
    assert checked >= 5
