"""Locked placements: kept as they are, holding their places; hand-worked optima."""

from __future__ import annotations

import pytest

from optimiser import InstanceError, parse_placements
from tests.placements_helpers import instance, provider, referral, run, where

LOCK_A = {"provider": "A", "lot": "therapeutic", "weekdays": ["mon", "tue"]}


def test_lock_holds_capacity() -> None:
    """A (£100/day, 1 place) and B (£150/day, 2 places); three referrals, 2 days x 10 weeks.

    R1 is locked at A: it stays there (2 x 10 x £100 = £2,000) and A has no place left, so R2
    and R3 go to B at 2 x 10 x £150 = £3,000 each, although A is cheaper. Objective £8,000.
    Without the lock R1 would be no more entitled to A than R2 (both cost the same there).
    """
    data = instance(
        [provider("A", 100, places=1), provider("B", 150, places=2)],
        [referral("R1", lock=LOCK_A), referral("R2"), referral("R3")],
    )
    for solver in (None, "highs", "cpsat"):
        sol = run(data, solver)
        assert where(sol) == {"R1": "A", "R2": "B", "R3": "B"}
        assert sol.totals is not None
        assert sol.totals.objective_gbp == pytest.approx(8_000)
        assert sol.verification is not None
        assert sol.verification.passed
        assert [p.locked for p in sol.placements if p.reference == "R1"] == [True]


def test_lock_kept_when_ineligible_now() -> None:
    """R1 (KS3) is locked at A, which now serves KS1-2 only: it stays (locks are not judged
    again) at £2,000. R2 (KS3) cannot go to A, so it goes to B at 2 x 10 x £150 = £3,000.
    Objective £5,000."""
    data = instance(
        [provider("A", 100, places=1, key_stages=[1, 2]), provider("B", 150, places=1)],
        [referral("R1", lock=LOCK_A), referral("R2")],
    )
    sol = run(data)
    assert where(sol) == {"R1": "A", "R2": "B"}
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(5_000)


def test_lock_in_later_weeks_holds_only_its_weeks() -> None:
    """A has one place. R1 is locked at A in weeks 11-20; R2 wants weeks 1-10 and R3 weeks
    15-25. R2 fits at A before the lock starts (£2,000); R3 overlaps the lock and is left
    unplaced (300 x 2 x 11 = £6,600). Objective £2,000 (R1) + £2,000 + £6,600 = £10,600."""
    data = instance(
        [provider("A", 100, places=1)],
        [
            referral("R1", start_week=11, end_week=20, lock=LOCK_A),
            referral("R2", start_week=1, end_week=10),
            referral("R3", start_week=15, end_week=25),
        ],
    )
    sol = run(data)
    assert where(sol) == {"R1": "A", "R2": "A"}
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(10_600)


def test_locks_over_capacity_are_input_errors() -> None:
    data = instance(
        [provider("A", 100, places=1)],
        [referral("R1", lock=LOCK_A), referral("R2", lock=LOCK_A)],
    )
    with pytest.raises(InstanceError) as err:
        run(data)
    assert [p.path for p in err.value.problems] == ["providers[0]"]
    assert "locked placements alone use 2 of 1" in str(err.value.problems[0])


def test_lock_naming_unknown_provider() -> None:
    lock = {"provider": "Z", "lot": "therapeutic", "weekdays": ["mon", "tue"]}
    with pytest.raises(InstanceError) as err:
        parse_placements(instance([provider("A")], [referral("R1", lock=lock)]))
    assert [p.path for p in err.value.problems] == ["referrals[0].lock.provider"]


def test_evidence_counts_locked_places() -> None:
    """A's one place is held by R1's lock; R2 (eligible at A only) is unplaced and its evidence
    says A is full in week 1 with 1 of 1 places used (the locked pupil counted)."""
    data = instance([provider("A", 100, places=1)], [referral("R1", lock=LOCK_A), referral("R2")])
    sol = run(data)
    (u,) = sol.unplaced
    assert u.reason == "all_full"
    assert [f.text for m in u.near_misses for f in m.failures] == [
        "full in week 1 with 1 of 1 places used"
    ]


def test_locks_count_in_the_provider_share_cap() -> None:
    """Share cap 50%. R1 is locked at B and R2 at C; R3 and R4 are free, 2 days x 10 weeks,
    cheapest at A (£100/day: £2,000; B £150/day, C £200/day).

    Counting the locks (4 placements in all), A may hold 2: R3 and R4 both go to A.
    Objective £2,000 x 2 + £3,000 (R1) + £4,000 (R2) = £11,000. (Were the locks not counted,
    A could hold only 1 of the 2 new placements, and R4 would go to B at £3,000.)"""
    lock_b = {"provider": "B", "lot": "therapeutic", "weekdays": ["mon", "tue"]}
    lock_c = {"provider": "C", "lot": "therapeutic", "weekdays": ["mon", "tue"]}
    data = instance(
        [provider("A", 100), provider("B", 150), provider("C", 200)],
        [referral("R1", lock=lock_b), referral("R2", lock=lock_c), referral("R3"), referral("R4")],
        max_provider_share=0.5,
    )
    for solver in (None, "highs", "cpsat"):
        sol = run(data, solver)
        assert where(sol) == {"R1": "B", "R2": "C", "R3": "A", "R4": "A"}
        assert sol.totals is not None
        assert sol.totals.objective_gbp == pytest.approx(11_000)
        assert sol.verification is not None
        assert sol.verification.passed


def test_provider_over_its_share_through_locks_takes_no_new_placement() -> None:
    """Share cap 50%. R1 is locked at A (1 of 1 locked placements: above its share), so A takes
    no new placement. R2 and R3 are free at A (£2,000) or B (£3,000); unplaced costs
    300 x 2 x 10 = £6,000. B may hold at most half of all placements: with both at B it would
    hold 2 of 3; with one, 1 of 2. So one goes to B and the other is unplaced.
    Objective £2,000 + £3,000 + £6,000 = £11,000."""
    data = instance(
        [provider("A", 100), provider("B", 150)],
        [referral("R1", lock=LOCK_A), referral("R2"), referral("R3")],
        max_provider_share=0.5,
    )
    for solver in (None, "highs", "cpsat"):
        sol = run(data, solver)
        assert sorted(where(sol).values()) == ["A", "B"]
        assert where(sol)["R1"] == "A"
        assert sol.totals is not None
        assert sol.totals.objective_gbp == pytest.approx(11_000)
        assert sol.verification is not None
        assert sol.verification.passed


def test_lock_counts_in_the_minimum_average_quality() -> None:
    """Minimum average quality 3. R1 is locked at L (rated 5, £200/day: £4,000); R2 is free:
    A rated 2 at £100/day (£2,000), B rated 3 at £150/day (£3,000) or L (£4,000).

    Counting R1, R2 at A averages (5 + 2) / 2 = 3.5 >= 3, so R2 goes to the cheaper A.
    Objective £4,000 + £2,000 = £6,000. (Were the lock not counted, A alone would average 2
    and R2 would go to B.) Solved by the Lagrangian (the default), HiGHS and CP-SAT."""
    lock = {"provider": "L", "lot": "therapeutic", "weekdays": ["mon", "tue"]}
    data = instance(
        [
            provider("L", 200, quality_rating=5),
            provider("A", 100, quality_rating=2),
            provider("B", 150, quality_rating=3),
        ],
        [referral("R1", lock=lock), referral("R2")],
        min_average_quality=3.0,
    )
    for solver in (None, "highs", "cpsat"):
        sol = run(data, solver)
        assert where(sol) == {"R1": "L", "R2": "A"}
        assert sol.totals is not None
        assert sol.totals.objective_gbp == pytest.approx(6_000)
        assert sol.verification is not None
        assert sol.verification.passed


def test_new_placements_meet_the_minimum_quality_when_locks_fall_short() -> None:
    """Minimum average quality 3. R1 is locked at A (rated 2: the locks alone fall short), so
    the new placements must average 3 on their own. R2 is free at A (rated 2, £2,000) or B
    (rated 3, £3,000): it goes to B. Objective £2,000 + £3,000 = £5,000."""
    data = instance(
        [provider("A", 100, quality_rating=2), provider("B", 150, quality_rating=3)],
        [referral("R1", lock=LOCK_A), referral("R2")],
        min_average_quality=3.0,
    )
    for solver in (None, "highs", "cpsat"):
        sol = run(data, solver)
        assert where(sol) == {"R1": "A", "R2": "B"}
        assert sol.totals is not None
        assert sol.totals.objective_gbp == pytest.approx(5_000)
        assert sol.verification is not None
        assert sol.verification.passed
