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
