"""Relaxing a binding rule by one step (the planner's "relax by one step").

On Oxfordshire 2015-16 (an LP), a rule whose shadow price is not degenerate moves the council's
net cost by exactly its shadow price when relaxed by one step and re-solved: the dual and the
re-solve are two independent routes to the same figure.
"""

from __future__ import annotations

import pytest

from optimiser import (
    SolveOptions,
    StaffingInstance,
    StaffingSolution,
    load_instance,
    relax,
    relaxable,
    solve,
)
from optimiser.staffing.solution import BindingRule
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def planned() -> tuple[StaffingInstance, StaffingSolution]:
    instance = load_instance(ROOT / "instances/oxfordshire_2015_16.json")
    assert isinstance(instance, StaffingInstance)
    solution = solve(instance, SolveOptions())
    assert isinstance(solution, StaffingSolution)
    return instance, solution


def _rule(solution: StaffingSolution, name: str) -> BindingRule:
    return next(r for r in solution.binding_rules if r.rule == name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # one point off the 35% Core Offer Plus floor: the README's sentence, £3,967 a year
        ("band_min_core_plus", -3967.40),
        # one FTE less on the autumn term risk assessment position statement (1.00 -> 0 FTE)
        ("min_fte_cp02", -66700.08),
        # £1,000 more of governor recharges
        ("source_recharges_governor", -173.48),
        # one more school buying Headteacher appraisal (traded), £50
        ("max_fte_tr03", -50.0),
    ],
)
def test_one_step_moves_the_net_cost_by_the_shadow_price(
    planned: tuple[StaffingInstance, StaffingSolution], name: str, expected: float
) -> None:
    instance, solution = planned
    rule = _rule(solution, name)
    assert rule.shadow_price_gbp is not None
    assert rule.shadow_price_gbp == pytest.approx(expected, abs=0.01)
    relaxed = relax(instance, rule)
    assert relaxed is not None
    again = solve(relaxed.instance, SolveOptions())
    assert again.net_cost_gbp is not None
    assert solution.net_cost_gbp is not None
    change = again.net_cost_gbp - solution.net_cost_gbp
    assert change == pytest.approx(rule.shadow_price_gbp, abs=1.0)


def test_each_family_changes_only_its_own_figure(
    planned: tuple[StaffingInstance, StaffingSolution],
) -> None:
    instance, solution = planned
    before = instance.model_dump()
    for rule in solution.binding_rules:
        relaxed = relax(instance, rule)
        assert (relaxed is None) == (not relaxable(rule))
        if relaxed is None:
            continue
        after = relaxed.instance.model_dump()
        changed = [k for k in before if before[k] != after[k]]
        assert len(changed) == 1, (rule.rule, changed)
        assert relaxed.change


def test_the_band_step_is_one_point(planned: tuple[StaffingInstance, StaffingSolution]) -> None:
    instance, solution = planned
    relaxed = relax(instance, _rule(solution, "band_min_core_plus"))
    assert relaxed is not None
    band = next(b for b in relaxed.instance.bands if b.category.value == "core_plus")
    assert band.min_share == pytest.approx(0.34)
    assert relaxed.change == "Core Offer Plus floor 35% to 34%"


def test_a_staff_group_step_adds_one_fte_paid_for(
    planned: tuple[StaffingInstance, StaffingSolution],
) -> None:
    """An extra FTE of a group that cannot be released is paid whether deployed or not: the net
    cost moves by the shadow price plus the FTE's own cost (the sentence says "before its own
    cost"): Governance advisers, -£63,395 + £52,000 = -£11,395."""
    instance, solution = planned
    rule = _rule(solution, "available_governance")
    relaxed = relax(instance, rule)
    assert relaxed is not None
    again = solve(relaxed.instance, SolveOptions())
    assert again.net_cost_gbp is not None
    assert solution.net_cost_gbp is not None
    assert again.net_cost_gbp - solution.net_cost_gbp == pytest.approx(-11395.0, abs=1.0)
