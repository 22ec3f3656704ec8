"""Backends that can report progress do: best objective never below the bound, both in £."""

from __future__ import annotations

import pytest

from optimiser import SolveOptions, solve
from optimiser.core.progress import Progress
from optimiser.placements.generate import generate_placements


@pytest.mark.parametrize("solver", ["highs", "cpsat"])
def test_progress_reports_incumbents_and_bounds(solver: str) -> None:
    instance = generate_placements(300, 20, seed=11, weekday_places=True)
    seen: list[Progress] = []
    sol = solve(instance, SolveOptions(solver=solver, time_limit_seconds=20), seen.append)
    assert seen
    last = seen[-1]
    assert last.best_objective is not None
    assert last.bound is None or last.bound <= last.best_objective + 1e-6
    assert sol.totals is not None
    assert sol.totals.objective_gbp <= seen[0].best_objective + 0.01  # type: ignore[operator]
