"""Prices of a plan over years, per year and for the horizon's objective, checked against an
independent re-solve.

Every binding rule of a plan over years names its year, once ("In 2016-17, ..."), and its
price is the change in the objective: the council's net cost over the years, discounted to
the first year when discounting is on (the sentence says which). Each priced rule of the
Oxfordshire 2015-18 LP relaxation (discounted) and of generated authorities over three years
(discounted and not) is relaxed by a small step in its year and the horizon re-solved from
scratch (tests.staffing_relax_years): the change per step must be the figure the sentence
states.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from optimiser import SolveOptions, SolveStatus, parse_staffing, solve
from optimiser.staffing.generate import generate_staffing_years
from optimiser.staffing.solution import BindingRule, StaffingSolution
from tests.helpers import raw
from tests.staffing_relax import stated_net_change
from tests.staffing_relax_years import relaxed_horizon

PROBE = 0.01  # steps


def _close(found: float, expected: float, slack: float = 5.0) -> bool:
    """Equal within solver noise: £5 a step (a 1% step moves the objective by pennies), 0.2%."""
    return abs(found - expected) <= slack + 2e-3 * abs(expected)


def oxfordshire_lp(*, discount: bool = True) -> dict[str, Any]:
    """Oxfordshire 2015-18 in fractions of an FTE (its LP relaxation: duals exist)."""
    data = raw("oxfordshire_2015_18")
    data["fte_step"] = None
    data["discount"] = discount
    return data


def generated(seed: int, *, discount: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = generate_staffing_years(seed, years=3).model_dump(mode="json")
    data["discount"] = discount
    return data


def _check_rule(data: dict[str, Any], rule: BindingRule, base: float) -> bool:
    delta = PROBE if rule.valid_steps is None else min(PROBE, rule.valid_steps / 2)
    moved = relaxed_horizon(data, rule, delta)
    if moved is None:
        return False
    slope = (moved - base) / delta
    relax = rule.shadow_price_gbp if rule.relax_price_gbp is None else rule.relax_price_gbp
    assert relax is not None
    assert _close(slope, relax), (rule.rule, slope, relax, rule.sentence)
    assert _close(stated_net_change(rule.sentence), slope), (rule.sentence, slope)
    if rule.relax_price_gbp is not None:  # a kink: the price given is the tightening one
        tight = relaxed_horizon(data, rule, -delta)
        assert tight is not None
        assert _close((base - tight) / delta, rule.shadow_price_gbp or 0.0), rule.sentence
    return True


def check_prices(data: dict[str, Any]) -> tuple[int, StaffingSolution]:
    """Check every priced binding rule of a plan over years; (how many, the solution)."""
    solution = solve(parse_staffing(data), SolveOptions(diagnose=False))
    assert solution.status is SolveStatus.OPTIMAL
    base = solution.discounted_net_cost_gbp
    assert base is not None
    priced = [b for b in solution.binding_rules if b.shadow_price_gbp is not None]
    return sum(_check_rule(data, b, base) for b in priced), solution


def read_per_year(solution: StaffingSolution, data: dict[str, Any]) -> None:
    """Every sentence names its year once and says what its price is a change in."""
    first, last = data["years"][0]["id"], data["years"][-1]["id"]
    discounted = f"discounted to {first} at 3.5% a year"
    for rule in solution.binding_rules:
        assert rule.year is not None
        assert rule.sentence.startswith(f"In {rule.year}, "), rule.sentence
        assert f"In {rule.year}, {rule.year}" not in rule.sentence, rule.sentence
        assert "a year more" not in rule.sentence, rule.sentence
        if abs(stated_net_change(rule.sentence)) > 0:
            assert f"over {first} to {last}" in rule.sentence, rule.sentence
            assert (discounted in rule.sentence) == bool(data.get("discount")), rule.sentence
            assert not re.search(r"£[\d,]+ a year", rule.sentence), rule.sentence


def test_oxfordshire_over_three_years_prices_match_a_re_solve() -> None:
    data = oxfordshire_lp(discount=True)
    checked, solution = check_prices(data)
    assert checked >= 20
    read_per_year(solution, data)
    families = {b.family for b in solution.binding_rules if b.shadow_price_gbp}
    assert {"function_min", "admin_ratio", "establishment", "band_max"} <= families


@pytest.mark.parametrize(("seed", "discount"), [(0, True), (1, False)])
def test_generated_authorities_over_three_years_prices_match_a_re_solve(
    seed: int, discount: bool
) -> None:
    data = generated(seed, discount=discount)
    checked, solution = check_prices(data)
    assert checked >= 1
    read_per_year(solution, data)
