"""Week-by-week re-planning and plan diffs on the bundled county instance."""

from __future__ import annotations

from pathlib import Path

from optimiser import load_instance, solve
from optimiser.commissioning import diff, move_penalty_sweep, replan
from optimiser.placements.schema import PlacementInstance

INSTANCES = Path(__file__).resolve().parents[1] / "instances"


def _load(name: str) -> PlacementInstance:
    inst = load_instance(INSTANCES / f"{name}.json")
    assert isinstance(inst, PlacementInstance)
    return inst


def test_week_two_moves_no_locked_pupil() -> None:
    """Week 1: the county term. Week 2: the same register and 10 new referrals, every week-1
    placement locked. Each keeps its provider, lot and weekdays; the diff lists no move and
    no newly unplaced referral; the plan passes the verifier."""
    week1 = solve(_load("county_600x80"))
    _, week2 = replan(_load("county_week2"), week1)
    assert week2.verification is not None
    assert week2.verification.passed
    before = {p.reference: (p.provider, p.lot, p.weekdays) for p in week1.placements}
    after = {p.reference: (p.provider, p.lot, p.weekdays) for p in week2.placements}
    assert all(after[ref] == where for ref, where in before.items())
    assert all(p.locked for p in week2.placements if p.reference in before)
    changes = diff(week1, week2)
    assert {c.change for c in changes.referrals} <= {"newly_placed"}
    new = {c.reference for c in changes.referrals}
    assert new <= {f"R00{600 + i}" for i in range(10)} | {u.reference for u in week1.unplaced}
    assert week2.totals is not None
    assert week2.totals.referrals == 610


def test_diff_of_a_plan_with_itself_is_empty() -> None:
    plan = solve(_load("county_600x80"))
    d = diff(plan, plan)
    assert d.empty
    assert d.objective_delta_gbp == 0


def test_unlocked_with_free_moves_never_costs_more() -> None:
    """Unlocked with a zero move penalty, the plan can only be cheaper than (or as cheap as)
    the locked one: the sweep's saving at £0 is >= 0, and it shrinks as the penalty grows
    while pupils moved never grow."""
    week1 = solve(_load("dps_small"))
    rows = move_penalty_sweep(_load("dps_small"), week1, [0.0, 500.0, 5_000.0])
    assert rows[0].saved_gbp >= 0
    assert [r.moved for r in rows] == sorted((r.moved for r in rows), reverse=True)
    assert all(r.status == "optimal" for r in rows)
