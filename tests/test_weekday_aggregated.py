"""Weekday places aggregated into one row per provider and relaxed into min-cost flow
(placements/backends/weekdays.py, lagrange.py): the plan keeps every weekday row (the
verifier says so), its bound is below the optimum HiGHS proves, and cyclic filling fits every
pupil the aggregated rows admit."""

from __future__ import annotations

import numpy as np
import pytest

from optimiser import SolveOptions, SolveStatus, solve
from optimiser.placements.backends import lagrange, weekdays
from optimiser.placements.backends.flow import solve_flow
from optimiser.placements.generate import generate_placements
from optimiser.placements.model import PlacementModel, build
from optimiser.placements.schema import PlacementInstance


def _weekday(n: int, m: int, seed: int, start_weeks: int = 4) -> PlacementInstance:
    """Places per weekday, pupils on 2-3 days. Starts spread over more than 4 weeks: the
    weekday providers count places per weekday only (their places at any one time would not
    all overlap, which min-cost flow cannot carry)."""
    inst = generate_placements(
        n,
        m,
        seed=seed,
        start_weeks=start_weeks,
        offers=False,
        moves=False,
        weekday_places=True,
        days=(2, 3),
    )
    if start_weeks <= 4:
        return inst
    providers = [
        p.model_copy(update={"places": None}) if p.places_per_weekday else p for p in inst.providers
    ]
    return PlacementInstance.model_validate(
        inst.model_copy(update={"providers": providers}).model_dump(mode="json")
    )


@pytest.mark.parametrize(
    ("n", "m", "seed", "weeks"),
    [(300, 12, 1, 4), (400, 15, 2, 4), (250, 8, 3, 4), (300, 12, 6, 30), (200, 8, 7, 12)],
)
def test_the_relaxation_alone_gives_a_verified_plan_and_a_valid_bound(
    n: int, m: int, seed: int, weeks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No HiGHS afterwards (as above FULL_MIP_PAIRS): the Lagrangian's own plan, days by
    filling, is verified; its bound is at most the optimum HiGHS proves, its plan at least.
    Starts in weeks 1-4 (every placement at a provider overlaps) and spread over 12 or 30
    weeks (one aggregated row per provider and check week)."""
    inst = _weekday(n, m, seed, weeks)
    assert weekdays.applies(build(inst))
    exact = solve(inst, SolveOptions(solver="highs", mip_gap=1e-9))
    assert exact.status is SolveStatus.OPTIMAL
    assert exact.totals is not None
    monkeypatch.setattr(lagrange, "FULL_MIP_PAIRS", 0)
    sol = solve(inst, SolveOptions(solver="lagrange", mip_gap=1e-9))
    assert sol.status.has_solution
    assert sol.verification is not None
    assert sol.verification.passed
    assert sol.totals is not None
    assert sol.statistics.objective_bound is not None
    optimum = exact.totals.objective_gbp
    assert sol.statistics.objective_bound <= optimum + 0.01
    assert sol.totals.objective_gbp >= optimum - 0.01
    assert sol.totals.placed > 0
    assert sol.statistics.gap is not None
    assert sol.statistics.gap < 0.1  # measured: 0.81% at 20,000 x 500 (overlapping)


def _over(model: PlacementModel, choice: np.ndarray) -> np.ndarray:
    _, a, b = weekdays.aggregated_rows(model)
    y = np.zeros(len(model.pairs))
    y[choice[choice >= 0]] = 1.0
    return np.asarray(a @ y - b)


def test_repair_keeps_the_rows_and_filling_places_everyone_they_admit() -> None:
    """The unconstrained flow overfills the weekday providers; after repair every aggregated
    row holds, and choosing days (most room first, i.e. cyclic filling at equal rooms) leaves
    no pupil out, with no day over its places."""
    model = build(_weekday(500, 10, 4))
    _, a, b = weekdays.aggregated_rows(model)
    flow = solve_flow(model).choice
    assert (_over(model, flow) > 0).any()
    repaired = weekdays.repair(model, a, b, flow)
    assert (_over(model, repaired) <= 1e-9).all()
    kept, days = weekdays.days_of(model, repaired)
    assert np.array_equal(kept, repaired)
    load: dict[tuple[int, int], int] = {}
    for i, ds in days.items():
        assert len(set(ds)) == len(ds) == int(weekdays.pair_days(model)[i])
        for d in ds:
            key = (int(model.pairs.prov[i]), d)
            load[key] = load.get(key, 0) + 1
    for (pi, _), used in load.items():
        assert used <= int(model.inst.providers[pi].places_per_weekday or 0)


def test_the_aggregated_row_is_the_sum_of_the_day_rows() -> None:
    """One row per weekday provider over its pairs, days per week as coefficients, the sum of
    its open days' places as the bound (no locks: every day's room is its places)."""
    model = build(_weekday(300, 10, 5))
    names, a, b = weekdays.aggregated_rows(model)
    for k, name in enumerate(names):
        p = next(p for p in model.inst.providers if name.startswith(f"weekdays({p.id},w"))
        assert b[k] == (p.places_per_weekday or 0) * len(p.open_days)
        cols = a.indices[a.indptr[k] : a.indptr[k + 1]]
        assert set(model.pairs.prov[cols].tolist()) == {model.inst.providers.index(p)}
        assert np.array_equal(
            a.data[a.indptr[k] : a.indptr[k + 1]], weekdays.pair_days(model)[cols]
        )
