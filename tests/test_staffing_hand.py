"""The small instance, solved by hand.

Advisers: 3 FTE at £50,000; admin: 1 FTE at £20,000; nothing can be released, so staff cost
is £170,000 whatever the plan. Traded consultancy earns £60,000 per FTE, is capped at 2 FTE
and at 50% of deployed specialist FTE; the statutory duty needs 1 FTE; DSG (£30,000) pays
only for the statutory duty. Deploying all 3 adviser FTE, traded gets 0.5 * 3 = 1.5 FTE:
income £90,000. DSG is fully used (the statutory duty costs at least £50,000).
Net = 170,000 - 90,000 - 30,000 = £50,000.

Shadow prices, stated net: one more point on the traded ceiling allows 0.01 * 3 FTE more
traded work, 0.03 * 60,000 = £1,800, until traded reaches its 2 FTE cap at 2 / 3 = 66.7%, 16.7
points on; one more adviser FTE costs £50,000 and lets traded grow to 2.0 FTE (0.5 * 4),
+0.5 FTE = £30,000 of income: net +£20,000, until traded reaches its 2 FTE cap with the 4th
FTE (and the one admin FTE supports exactly 4 x 0.25); £1,000 more DSG saves £1,000 while the
statutory duty's cost can grow to take it: its 1.5 advisers (£75,000) and 0.375 admin (£7,500)
and the 0.25 admin FTE not needed elsewhere (£5,000): £87,500, £57,500 more than the £30,000
it has (HiGHS's first basis stops at £52,500; the next basis holds the same price).
"""

from __future__ import annotations

import pytest

from optimiser import SolveOptions, SolveStatus, parse_staffing, solve
from optimiser.staffing.schema import Category
from tests.helpers import raw


def test_hand_worked_optimum_and_shares() -> None:
    sol = solve(parse_staffing(raw("staffing_small")))
    assert sol.status is SolveStatus.OPTIMAL
    assert sol.net_cost_gbp == pytest.approx(50_000, abs=0.5)
    shares = {c.category: c for c in sol.categories}
    assert shares[Category.TRADED].specialist_fte == pytest.approx(1.5)
    assert shares[Category.TRADED].share == pytest.approx(0.5)
    assert shares[Category.TRADED].binds == "max"
    assert sum(c.specialist_fte for c in sol.categories) == pytest.approx(3.0)
    assert sol.verification is not None
    assert sol.verification.passed


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_hand_worked_shadow_prices(solver: str) -> None:
    sol = solve(parse_staffing(raw("staffing_small")), SolveOptions(solver=solver))
    prices = {b.rule: b.shadow_price_gbp for b in sol.binding_rules}
    assert prices["band_max_traded"] == pytest.approx(-1_800, abs=1)
    assert prices["available_advisers"] == pytest.approx(20_000, abs=1)
    assert prices["source_dsg"] == pytest.approx(-1_000, abs=1)
    sentences = {b.rule: b.sentence for b in sol.binding_rules}
    if solver == "cbc":  # no ranging: no range in the sentence
        assert sentences["band_max_traded"] == (
            "Each extra point allowed above the 50% Traded ceiling would save the council "
            "£1,800 a year."
        )
        return
    assert sentences["band_max_traded"] == (
        "Each extra point allowed above the 50% Traded ceiling would save the council "
        "£1,800 a year (valid for up to 16.7 percentage points)."
    )
    assert sentences["source_dsg"] == (
        "Each extra £1,000 of DSG high needs would save the council £1,000 a year (valid "
        "for up to £57,500 more)."
    )
    assert sentences["available_advisers"] == (
        "One more FTE of Advisers would add £20,000 a year (valid for up to 1.00 FTE): it "
        "costs £50,000 and frees £30,000 elsewhere."
    )


def test_hand_worked_ledger_meets_every_pound() -> None:
    sol = solve(parse_staffing(raw("staffing_small")))
    by_source: dict[str, float] = {}
    for e in sol.ledger:
        by_source[e.source] = by_source.get(e.source, 0.0) + e.amount_gbp
    assert by_source["dsg"] == pytest.approx(30_000, abs=0.5)
    total_cost = sum(f.cost_gbp for f in sol.functions)
    assert sum(by_source.values()) == pytest.approx(total_cost, abs=1)
    # traded income pays for its own function before the council does
    traded = next(f for f in sol.functions if f.function == "traded")
    applied = sum(e.amount_gbp for e in sol.ledger if e.source == "traded_income")
    assert applied == pytest.approx(min(traded.cost_gbp, traded.income_gbp), abs=1)


def test_whole_posts_make_a_mip_with_the_same_optimum_and_no_duals() -> None:
    data = raw("staffing_small")
    data["fte_step"] = 0.5
    data["deployment_fte_step"] = 0.5
    sol = solve(parse_staffing(data))
    assert sol.status is SolveStatus.OPTIMAL
    assert sol.statistics.integer_variables > 0
    assert sol.net_cost_gbp == pytest.approx(50_000, abs=0.5)
    assert all(d.fte / 0.5 == pytest.approx(round(d.fte / 0.5)) for d in sol.deployments)
    assert sol.binding_rules
    assert all(b.shadow_price_gbp is None for b in sol.binding_rules)


def test_release_is_chosen_when_cheaper_than_keeping() -> None:
    """With release at £10,000 an FTE, an idle adviser costs £50,000 kept or £10,000 released.
    Capping traded at 1 FTE and the statutory duty at 1 FTE (max), 1 adviser FTE is idle
    and is released: net = 2*50,000 + 10,000 + 20,000 - 60,000 - 30,000 = £40,000."""
    data = raw("staffing_small")
    data["staff_groups"][0]["release_cost_per_fte_gbp"] = 10_000
    data["functions"][2]["max_fte"] = 1.0
    data["functions"][0]["max_fte"] = 1.0
    data["functions"][1]["max_fte"] = 0.0
    sol = solve(parse_staffing(data))
    advisers = next(g for g in sol.groups if g.group == "advisers")
    assert advisers.released_fte == pytest.approx(1.0)
    assert sol.net_cost_gbp == pytest.approx(40_000, abs=0.5)


def test_max_strategic_value_then_cheapest() -> None:
    """Strategic value 5 per FTE on the strategic project. Net = 140,000 - 60,000 X_traded, so a
    council cap of £80,000 needs X_traded >= 1; with the statutory 1 FTE, 1 FTE is left for the
    strategic project: value 5, net exactly at the cap."""
    data = raw("staffing_small")
    data["functions"][1]["strategic_value_per_fte"] = 5.0
    data["objective"] = "max_strategic_value"
    data["council_budget_cap_gbp"] = 80_000
    sol = solve(parse_staffing(data))
    assert sol.status is SolveStatus.OPTIMAL
    assert sol.strategic_value == pytest.approx(5.0, abs=1e-4)
    assert sol.net_cost_gbp == pytest.approx(80_000, abs=1)
