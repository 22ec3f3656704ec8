"""Each placement rule on a hand-built instance, with the answer worked out by hand.

Costs: price per day * days a week * weeks (travel cost 0 here); leaving a referral unplaced
costs £300 a day of attendance (a spot purchase) times its priority.
"""

from __future__ import annotations

import pytest

from optimiser import SolveStatus, parse_placements
from optimiser.placements.schema import PriceUnit, ProviderLot, price_per_day
from tests.placements_helpers import instance, provider, reasons, referral, run, where

ALL = ["flow", "lagrange", "highs", "cpsat"]
MIP = ["highs", "cpsat"]
SIDE = ["lagrange", "highs", "cpsat"]  # rules the Lagrangian backend relaxes


@pytest.mark.parametrize("solver", ALL)
def test_capacity_binds_and_priority_decides(solver: str) -> None:
    """One place, two overlapping referrals of £2,000 each; leaving R1 unplaced costs
    2 * 6,000 (priority 2), R2 6,000: R1 is placed. Objective 2,000 + 6,000."""
    data = instance([provider("P", places=1)], [referral("R1", priority=2), referral("R2")])
    sol = run(data, solver)
    assert sol.status is SolveStatus.OPTIMAL
    assert where(sol) == {"R1": "P"}
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(8_000)
    full = sol.unplaced[0]
    assert full.reason == "all_full"
    assert full.full[0].provider == "P"
    assert full.full[0].weeks == [1]
    assert "every eligible provider is full: P (all places, weeks 1)" in full.explanation


@pytest.mark.parametrize("solver", ALL)
def test_places_are_reused_when_placements_do_not_overlap(solver: str) -> None:
    data = instance(
        [provider("P", places=1)],
        [referral("R1", end_week=5), referral("R2", start_week=6, end_week=10)],
    )
    sol = run(data, solver)
    assert where(sol) == {"R1": "P", "R2": "P"}
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(2_000)


def test_places_are_checked_at_start_weeks_only() -> None:
    """R1 weeks 1-10 and R2 weeks 5-12 overlap at R2's start: one place is not enough."""
    data = instance(
        [provider("P", places=1)],
        [referral("R1", priority=2), referral("R2", start_week=5, end_week=12)],
    )
    sol = run(data)
    assert sol.backend == "flow"
    assert where(sol) == {"R1": "P"}
    assert sol.unplaced[0].full[0].weeks == [5]


@pytest.mark.parametrize("solver", MIP)
def test_weekday_packing(solver: str) -> None:
    """One pupil a day, open Monday to Friday: a 2-day and a 3-day pupil share the week; a
    third pupil (1 day) finds no day free."""
    data = instance(
        [provider("P", places_per_weekday=1)],
        [
            referral("A", days_per_week=2),
            referral("B", days_per_week=3),
            referral("C", days_per_week=1),
        ],
    )
    sol = run(data, solver)
    placed = {p.reference: set(p.weekdays) for p in sol.placements}
    assert set(placed) == {"A", "B"}
    assert placed["A"].isdisjoint(placed["B"])
    assert len(placed["A"] | placed["B"]) == 5
    assert all(p.weekdays_chosen for p in sol.placements)
    assert reasons(sol) == {"C": "all_full"}
    assert "places on" in sol.unplaced[0].explanation


def test_weekday_packing_is_not_left_to_flow() -> None:
    data = instance([provider("P", places_per_weekday=1)], [referral("A")])
    assert run(data).backend == "highs"
    with pytest.raises(Exception, match="min-cost flow cannot express weekday places"):
        run(data, "flow")


@pytest.mark.parametrize("solver", ALL)
def test_unregistered_provider_rule(solver: str) -> None:
    """No EHCP pupil full time at an unregistered provider, and at most 4 full-time pupils."""
    refs = [referral(f"F{i}", days_per_week=5) for i in range(5)]
    refs.append(referral("E", days_per_week=5, ehcp=True))
    data = instance([provider("U", places=10, registered_school=False)], refs)
    sol = run(data, solver)
    assert len(sol.placements) == 4
    why = reasons(sol)
    assert why["E"] == "no_eligible_provider"
    assert "unregistered: takes no EHCP or looked-after pupil full time" in next(
        u.explanation for u in sol.unplaced if u.reference == "E"
    )
    assert sorted(why.values()) == ["all_full", "no_eligible_provider"]
    assert "full-time limit" in next(u.explanation for u in sol.unplaced if u.reference != "E")


@pytest.mark.parametrize("solver", ALL)
def test_move_penalty(solver: str) -> None:
    """Currently at A (£2,200); B costs £2,000 but moving costs £1,500: stay. Free moves: move."""
    provs = [provider("A", price=110), provider("B", price=100)]
    stay = run(
        instance(provs, [referral("R", current_provider="A")], move_penalty_gbp=1500), solver
    )
    assert where(stay) == {"R": "A"}
    move = run(instance(provs, [referral("R", current_provider="A")], move_penalty_gbp=0), solver)
    assert where(move) == {"R": "B"}
    assert move.placements[0].move_penalty_gbp == 0


@pytest.mark.parametrize("solver", MIP)
def test_offer_with_provider_specific_capacity_use(solver: str) -> None:
    """Two places. R1's offer (£1,500) takes both; R2 costs £2,000 and one place. Both cannot
    fit: R1 alone costs 1,500 + 6,000; R2 alone 2,000 + 6,000. R1 is placed."""
    offer = {
        "reference": "R1",
        "provider": "P",
        "lot": "therapeutic",
        "total_cost_gbp": 1500,
        "places_used": 2,
    }
    data = instance([provider("P", places=2)], [referral("R1"), referral("R2")], offers=[offer])
    sol = run(data, solver)
    assert where(sol) == {"R1": "P"}
    assert sol.placements[0].offer
    assert sol.placements[0].places_used == 2
    assert sol.placements[0].charge_gbp == pytest.approx(1500)
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(7_500)
    assert run(data).backend == "highs"


@pytest.mark.parametrize("solver", MIP)
def test_provider_share_cap(solver: str) -> None:
    """Four referrals; P1 £2,000 each, P2 £3,000; no provider over half: 2 and 2."""
    provs = [provider("P1", price=100), provider("P2", price=150)]
    refs = [referral(f"R{i}") for i in range(4)]
    sol = run(instance(provs, refs, max_provider_share=0.5), solver)
    assert sorted(where(sol).values()) == ["P1", "P1", "P2", "P2"]
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(10_000)


@pytest.mark.parametrize("solver", SIDE)
def test_budget_cap(solver: str) -> None:
    refs = [referral("R1"), referral("R2")]
    sol = run(instance([provider("P")], refs, budget_cap_gbp=3000), solver)
    assert len(sol.placements) == 1
    assert list(reasons(sol).values()) == ["budget_cap"]
    assert "budget cap of £3,000 is reached" in sol.unplaced[0].explanation


@pytest.mark.parametrize("solver", SIDE)
def test_minimum_average_quality(solver: str) -> None:
    """P1 rated 2 at £2,000, P2 rated 5 at £4,000, average at least 4 over three referrals:
    one at P1 and two at P2 (average 4): £10,000."""
    provs = [
        provider("P1", price=100, quality_rating=2),
        provider("P2", price=200, quality_rating=5),
    ]
    refs = [referral(f"R{i}") for i in range(3)]
    sol = run(instance(provs, refs, min_average_quality=4), solver)
    assert sorted(where(sol).values()) == ["P1", "P2", "P2"]
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(10_000)


@pytest.mark.parametrize("solver", ALL)
def test_cheaper_to_leave_unplaced(solver: str) -> None:
    sol = run(instance([provider("P", price=400)], [referral("R")]), solver)
    assert reasons(sol) == {"R": "cheaper_unplaced"}
    assert "costs more than leaving it unplaced" in sol.unplaced[0].explanation


def test_no_eligible_provider_names_the_rules_of_the_nearest_three() -> None:
    provs = [
        provider("LOW", quality_rating=1),
        provider("FAR", easting_m=50_000.0),
        provider("KS", key_stages=[1, 2]),
        provider("NEEDS", needs_supported=["asd"]),
    ]
    sol = run(instance(provs, [referral("R", needs=["semh"])], min_quality_rating=2))
    u = sol.unplaced[0]
    assert u.reason == "no_eligible_provider"
    rules = {e.provider: e.rules for e in u.excluded}
    assert set(rules) == {"LOW", "KS", "NEEDS"}  # the nearest three; FAR is 50 km away
    assert "quality rating below the minimum" in rules["LOW"]
    assert "does not serve the key stage" in rules["KS"]
    assert "does not support every need" in rules["NEEDS"]
    far = run(instance([provider("FAR", easting_m=50_000.0)], [referral("R")]))
    assert far.unplaced[0].excluded[0].rules == ["beyond the maximum travel distance"]
    assert far.unplaced[0].excluded[0].distance_km == pytest.approx(50.0)


def test_price_conversions() -> None:
    policy = parse_placements(instance([provider("P")], [referral("R")], hours_per_day=3)).policy
    cases = {
        PriceUnit.DAY: 100.0,
        PriceUnit.SESSION: 200.0,
        PriceUnit.HOUR: 300.0,
        PriceUnit.WEEK: 20.0,
        PriceUnit.PLACE_YEAR: 100.0 / 195,
    }
    for unit, per_day in cases.items():
        assert price_per_day(
            ProviderLot(lot="x", price_gbp=100, per=unit), policy
        ) == pytest.approx(per_day)


def test_travel_cost_counts_return_journeys() -> None:
    """3 km away, 2 days a week for 10 weeks, £0.45 a km: 3 * 2 * 2 * 10 * 0.45 = £54."""
    data = instance([provider("P", easting_m=3000.0)], [referral("R")], travel_cost_per_km_gbp=0.45)
    sol = run(data)
    assert sol.placements[0].travel_gbp == pytest.approx(54.0)
    assert sol.placements[0].travel_km == pytest.approx(3.0)
