"""The bulk `all_full` judgement (placements.fullness) gives, for every referral it answers,
exactly what judging its candidates one by one gives (explain._with_candidates), and leaves
no `all_full` referral to the one-by-one path."""

from __future__ import annotations

import numpy as np
import pytest

from optimiser.core.options import SolveOptions
from optimiser.placements import explain, fullness
from optimiser.placements.backends.flow import solve_flow
from optimiser.placements.backends.highs import solve_highs
from optimiser.placements.generate import generate_placements
from optimiser.placements.model import Assignment, PlacementModel, build, flow_blockers
from optimiser.placements.solution import Unplaced


def _judged(
    model: PlacementModel, plan: Assignment
) -> tuple[dict[int, Unplaced], dict[int, Unplaced]]:
    load = explain._Load.of(model, plan)
    order = np.argsort(model.pairs.ref, kind="stable")
    bounds = np.searchsorted(model.pairs.ref[order], np.arange(model.n_referrals + 1))
    unplaced = np.flatnonzero(plan.choice < 0)
    describe = (lambda k: explain._limit(model, k), lambda *key: explain._full(load.seen, *key))
    bulk = fullness.all_full(
        model, unplaced, (bounds, order), (load.full_starts, load.full_rows), describe
    )
    one_by_one = {
        r: explain._with_candidates(model, plan, load, r, order[bounds[r] : bounds[r + 1]].tolist())
        for r in unplaced.tolist()
        if bounds[r + 1] > bounds[r]
    }
    return bulk, one_by_one


@pytest.mark.parametrize(
    ("n", "m", "seed", "weeks"), [(600, 30, 7, 4), (800, 10, 3, 30), (600, 8, 11, 8)]
)
def test_bulk_all_full_matches_one_by_one(n: int, m: int, seed: int, weeks: int) -> None:
    inst = generate_placements(n, m, seed=seed, start_weeks=weeks, offers=False, moves=False)
    model = build(inst)
    if flow_blockers(model):
        plan = solve_highs(model, SolveOptions(time_limit_seconds=20))
    else:
        plan = solve_flow(model)
    bulk, one_by_one = _judged(model, plan)
    assert len(bulk) >= 10  # tight instances: many referrals find every provider full
    for r, answer in bulk.items():
        assert answer == one_by_one[r]
    left = {r for r, u in one_by_one.items() if r not in bulk}
    assert all(one_by_one[r].reason != "all_full" for r in left)


def test_weekday_packed_referrals_are_left_to_the_one_by_one_path() -> None:
    """Every provider counts weekday places here: each candidate is weekday-packed, so the
    bulk path answers none, and the one-by-one path still finds the `all_full` ones."""
    inst = generate_placements(
        200, 6, seed=5, start_weeks=4, offers=False, moves=False, weekday_places=True, days=(2, 3)
    )
    model = build(inst)
    plan = solve_highs(model, SolveOptions(time_limit_seconds=20))
    bulk, one_by_one = _judged(model, plan)
    assert bulk == {}
    assert any(u.reason == "all_full" for u in one_by_one.values())
