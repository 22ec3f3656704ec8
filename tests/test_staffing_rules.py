"""Staffing rules that had no test by hand, each on a tiny instance whose optimum is worked
out in the test's docstring.

Unless said otherwise: one specialist group and nothing releasable, so staff cost is paid
whatever the plan, and the net cost N = staff cost + overheads - income - ring-fenced money
used - other money.
"""

from __future__ import annotations

from typing import Any

import pytest

from optimiser import SolveStatus, parse_staffing, solve
from optimiser.staffing.solution import StaffingSolution


def _instance(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "staffing",
        "name": "tiny",
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
            {"id": "duty", "name": "Duty", "category": "core", "statutory": True, "min_fte": 1.0}
        ],
    }
    data.update(extra)
    return data


def _solve(data: dict[str, Any]) -> StaffingSolution:
    solution = solve(parse_staffing(data))
    assert solution.status is SolveStatus.OPTIMAL
    assert solution.verification is not None
    assert solution.verification.passed
    return solution


def _function(solution: StaffingSolution, function_id: str) -> Any:
    return next(f for f in solution.functions if f.function == function_id)


def test_admin_ratio_on_each_function() -> None:
    """Officers 2 FTE on the duty (min 2); admin 1 FTE at £20,000, releasable at no cost;
    0.25 admin FTE per specialist FTE on the function: 0.5 admin FTE kept, 0.5 released.
    N = 2 x 50,000 + 0.5 x 20,000 = £110,000."""
    data = _instance(admin_per_specialist_fte=0.25)
    data["functions"][0]["min_fte"] = 2.0
    data["staff_groups"].append(
        {
            "id": "admin",
            "name": "Admin",
            "role": "admin",
            "fte_available": 1.0,
            "cost_per_fte_gbp": 20_000,
            "release_cost_per_fte_gbp": 0,
        }
    )
    solution = _solve(data)
    assert solution.net_cost_gbp == pytest.approx(110_000, abs=0.5)
    assert _function(solution, "duty").admin_fte == pytest.approx(0.5)
    admin = next(g for g in solution.groups if g.group == "admin")
    assert admin.released_fte == pytest.approx(0.5)


def test_ring_fenced_money_unspent_is_lost() -> None:
    """A ring-fenced £120,000 for the duty, which costs at most 2 x 50,000 = £100,000 (all
    officers on it): £100,000 is used, £20,000 lost. N = 100,000 - 100,000 = £0."""
    source = {"id": "grant", "name": "Grant", "amount_gbp": 120_000, "functions": ["duty"]}
    solution = _solve(_instance(funding_sources=[source]))
    assert solution.net_cost_gbp == pytest.approx(0, abs=0.5)
    used = sum(e.amount_gbp for e in solution.ledger if e.source == "grant")
    assert used == pytest.approx(100_000, abs=0.5)


def test_other_money_left_over_goes_to_the_council() -> None:
    """The same £120,000 not ring-fenced: all of it counts. N = 100,000 - 120,000 =
    -£20,000."""
    source = {
        "id": "grant",
        "name": "Grant",
        "amount_gbp": 120_000,
        "functions": ["duty"],
        "ring_fenced": False,
    }
    solution = _solve(_instance(funding_sources=[source]))
    assert solution.net_cost_gbp == pytest.approx(-20_000, abs=0.5)


def test_demand_driven_minimum() -> None:
    """Officers 5 FTE at £40,000, releasable at £10,000; the duty has 300 cases at 100 per
    FTE: at least 3 FTE, the stated 1 FTE is lower. Keep 3, release 2:
    N = 3 x 40,000 + 2 x 10,000 = £140,000."""
    data = _instance()
    data["staff_groups"][0].update(
        fte_available=5.0, cost_per_fte_gbp=40_000, release_cost_per_fte_gbp=10_000
    )
    data["functions"][0]["demand"] = {"cases": 300, "cases_per_fte": 100}
    solution = _solve(data)
    assert solution.net_cost_gbp == pytest.approx(140_000, abs=0.5)
    assert _function(solution, "duty").specialist_fte == pytest.approx(3.0)
    rule = next(b for b in solution.binding_rules if b.rule == "min_fte_duty")
    assert "demand-driven minimum (300 cases at 100 per FTE)" in rule.text


def test_take_up_caps_traded_work() -> None:
    """Officers 3 FTE at £30,000 (release at £50,000 is dearer than idling at £30,000);
    a traded offer at £2,000 a school, 0.05 FTE a school, 100 schools at 30% take-up: 30
    schools, 1.5 FTE, £40,000 an FTE. Duty 1 FTE; 1.5 traded; 0.5 idle.
    N = 3 x 30,000 - 1.5 x 40,000 = £30,000."""
    data = _instance()
    data["staff_groups"][0].update(
        fte_available=3.0, cost_per_fte_gbp=30_000, release_cost_per_fte_gbp=50_000
    )
    data["functions"].append(
        {
            "id": "offer",
            "name": "Offer",
            "category": "traded",
            "traded": {
                "price_per_school_gbp": 2_000,
                "schools_in_scope": 100,
                "take_up_share": 0.3,
                "fte_per_school": 0.05,
            },
        }
    )
    solution = _solve(data)
    assert solution.net_cost_gbp == pytest.approx(30_000, abs=0.5)
    offer = _function(solution, "offer")
    assert offer.specialist_fte == pytest.approx(1.5)
    assert offer.income_gbp == pytest.approx(60_000, abs=0.5)
    assert any(b.rule == "max_fte_offer" and b.family == "take_up" for b in solution.binding_rules)


def test_minimum_deployment() -> None:
    """Officers 2 FTE, release free, at least 1.5 FTE deployed; the duty needs 1: keep and
    deploy 1.5, release 0.5. N = 1.5 x 50,000 = £75,000 (without the rule: £50,000)."""
    data = _instance()
    data["staff_groups"][0].update(release_cost_per_fte_gbp=0, min_deployed_fte=1.5)
    solution = _solve(data)
    assert solution.net_cost_gbp == pytest.approx(75_000, abs=0.5)
    officers = next(g for g in solution.groups if g.group == "officers")
    assert officers.deployed_fte == pytest.approx(1.5)
    data["staff_groups"][0]["min_deployed_fte"] = 0.0
    assert _solve(data).net_cost_gbp == pytest.approx(50_000, abs=0.5)


def _losing_offer(must_recover: bool) -> dict[str, Any]:
    data = _instance()
    data["functions"].append(
        {
            "id": "offer",
            "name": "Offer",
            "category": "traded",
            "max_fte": 1.0,
            "traded": {"income_per_fte_gbp": 45_000, "must_recover_cost": must_recover},
        }
    )
    return data


def test_cost_recovery_per_function() -> None:
    """An offer earning £45,000 an FTE from staff costing £50,000 (capped at 1 FTE). Staff
    are paid anyway, so selling 1 FTE lowers N by £45,000: N = 100,000 - 45,000 = £55,000.
    If the offer must recover its cost (45,000 X - 50,000 X >= 0), it sells nothing:
    N = £100,000."""
    free = _solve(_losing_offer(must_recover=False))
    assert free.net_cost_gbp == pytest.approx(55_000, abs=0.5)
    bound = _solve(_losing_offer(must_recover=True))
    assert bound.net_cost_gbp == pytest.approx(100_000, abs=0.5)
    assert _function(bound, "offer").specialist_fte == pytest.approx(0.0)
    assert any(b.rule == "recover_offer" for b in bound.binding_rules)


def test_overheads_land_on_the_unallocated_centre() -> None:
    """£12,000 of overheads tied to no function; the duty takes both officers (min 2), so
    nothing is idle: N = 100,000 + 12,000 = £112,000, the council paying the unallocated
    centre's £12,000."""
    data = _instance(overhead_cost_gbp=12_000)
    data["functions"][0]["min_fte"] = 2.0
    solution = _solve(data)
    assert solution.net_cost_gbp == pytest.approx(112_000, abs=0.5)
    council = sum(
        e.amount_gbp for e in solution.ledger if e.source == "council" and e.centre == "unallocated"
    )
    assert council == pytest.approx(12_000, abs=0.5)
