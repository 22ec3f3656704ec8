"""The sensitivity report of a solved staffing LP, worked by hand on the small instance.

Advisers 3 FTE at £50,000, admin 1 FTE at £20,000, none releasable; traded consultancy earns
£60,000 an FTE, capped at 2 FTE and at 50% of deployed specialist FTE; the statutory duty
needs 1 FTE; the DSG (£30,000, ring-fenced) pays only for the statutory duty. The optimum
deploys 1.5 FTE on traded work (the 50% ceiling), 1.5 on the statutory duty.

* DSG: value £30,000 = limit, binding, dN/d£ = -1; with the same basis it may rise by
  £52,500 (the duty's cost at this basis is 1.5 x 50,000 + 0.375 x 20,000 = £82,500) and
  fall by all £30,000. (The price holds further, to £57,500, once the spare 0.25 admin FTE
  moves onto the duty: another basis; the binding rule's sentence walks on to it.)
* Traded ceiling, X_traded - 0.5 T <= 0: binding; one more FTE allowed above it earns
  £60,000 (dN = -60,000 an FTE); it may rise by 0.5 FTE, when traded reaches its 2 FTE cap.
* Statutory minimum: value 1.5 against 1.0, slack 0.5, not binding, price 0; it may be
  tightened by its 0.5 FTE of room and relaxed without end.
"""

from __future__ import annotations

import pytest

from optimiser import SolveOptions, parse_staffing, solve
from optimiser.staffing.sensitivity import Sensitivity
from tests.helpers import raw


def _report(solver: str = "highs", fte_step: float | None = None) -> Sensitivity:
    data = raw("staffing_small")
    if fte_step is not None:  # whole posts and whole deployments: a MIP
        data["fte_step"] = fte_step
        data["deployment_fte_step"] = fte_step
    sol = solve(parse_staffing(data), SolveOptions(solver=solver, sensitivity=True))
    assert sol.sensitivity is not None
    return sol.sensitivity


def test_every_rule_with_value_limit_price_and_range() -> None:
    report = _report()
    assert report.duals
    assert report.ranging
    rules = {r.rule: r for r in report.rules}
    dsg = rules["source_dsg"]
    assert dsg.value == pytest.approx(30_000)
    assert dsg.limit == pytest.approx(30_000)
    assert dsg.binding
    assert dsg.shadow_price_gbp == pytest.approx(-1.0, abs=1e-4)
    assert dsg.allowable_increase == pytest.approx(52_500)
    assert dsg.allowable_decrease == pytest.approx(30_000)
    ceiling = rules["band_max_traded"]
    assert ceiling.binding
    assert ceiling.shadow_price_gbp == pytest.approx(-60_000, abs=1)
    assert ceiling.allowable_increase == pytest.approx(0.5)
    duty = rules["min_fte_statutory"]
    assert duty.value == pytest.approx(1.5)
    assert duty.slack == pytest.approx(0.5)
    assert not duty.binding
    assert duty.shadow_price_gbp == pytest.approx(0.0, abs=1e-6)
    assert duty.allowable_increase == pytest.approx(0.5)
    assert duty.allowable_decrease is None  # relaxed without end


def test_every_variable_with_reduced_cost_and_range() -> None:
    report = _report()
    variables = {v.variable: v for v in report.variables}
    traded = variables["x_advisers_traded"]
    assert traded.value == pytest.approx(1.5)
    assert traded.reduced_cost == pytest.approx(0.0, abs=1e-6)
    # £50,000 on the function, £50,000 less idle, £60,000 of income: -£60,000 an FTE
    assert traded.objective_coefficient == pytest.approx(-60_000)
    assert variables["pay_dsg_statutory"].value == pytest.approx(30_000)
    assert variables["pay_dsg_statutory"].objective_coefficient == pytest.approx(-1.0)
    assert len(report.variables) == len({v.variable for v in report.variables})


def test_the_admin_rule_of_each_function_shares_one_key() -> None:
    report = _report()
    admin = [r for r in report.rules if r.family == "admin_ratio"]
    assert {r.rule for r in admin} == {"admin_statutory", "admin_strategic", "admin_traded"}
    assert {r.key for r in admin} == {"admin_ratio"}


def test_cbc_gives_duals_without_ranging() -> None:
    report = _report("cbc")
    assert report.duals
    assert not report.ranging
    dsg = next(r for r in report.rules if r.rule == "source_dsg")
    assert dsg.shadow_price_gbp == pytest.approx(-1.0, abs=1e-4)
    assert dsg.allowable_increase is None


def test_whole_posts_have_neither_duals_nor_ranges() -> None:
    report = _report(fte_step=0.5)
    assert not report.duals
    assert not report.ranging
    assert all(r.shadow_price_gbp is None for r in report.rules)
    assert all(v.reduced_cost is None for v in report.variables)


def test_no_report_unless_asked() -> None:
    assert solve(parse_staffing(raw("staffing_small"))).sensitivity is None


def test_limits_hold_the_other_variables() -> None:
    """Excel's Limits report: a variable moved with every other held. Every pound of each
    function's cost is met by the ledger, so changing an FTE alone would leave a pound unpaid:
    each variable's limits are its own value, and the objective there is the optimum."""
    report = _report()
    assert len(report.limits) == len(report.variables)
    for limit in report.limits:
        assert limit.lower_limit is not None
        assert limit.upper_limit is not None
        assert limit.lower_limit <= limit.value + 1e-9 <= limit.upper_limit + 2e-9
    traded = next(v for v in report.limits if v.variable == "x_advisers_traded")
    assert traded.lower_limit == pytest.approx(1.5)
    assert traded.upper_limit == pytest.approx(1.5)
    assert traded.upper_objective == pytest.approx(50_000, abs=0.5)
