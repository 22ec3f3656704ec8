"""The Lagrangian backend: its bound never passes the true optimum, its plans are within the gap,
and the restricted polishing MIP keeps the answer honest."""

from __future__ import annotations

import pytest

from bench.instances import with_binding_side_rules
from optimiser import SolveOptions, SolveStatus, solve
from optimiser.core.errors import OptionError
from optimiser.core.progress import Progress
from optimiser.placements.backends import lagrange
from optimiser.placements.generate import generate_placements
from optimiser.placements.schema import PlacementInstance
from optimiser.placements.solution import PlacementSolution


def _instance(seed: int) -> PlacementInstance:
    """One term's intake with a budget of 80% of the unconstrained plan's spend and a minimum
    average rating of 3.5: both rules bind."""
    inst = generate_placements(400, 40, seed, start_weeks=4, offers=False, moves=False)
    return with_binding_side_rules(inst)


def _objective(sol: PlacementSolution) -> float:
    assert sol.totals is not None
    return sol.totals.objective_gbp


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bound_and_plan_against_the_proven_optimum(seed: int) -> None:
    inst = _instance(seed)
    exact = solve(inst, SolveOptions(solver="highs", mip_gap=0.0))
    assert exact.status is SolveStatus.OPTIMAL
    optimum = _objective(exact)
    assert exact.statistics.objective_bound == pytest.approx(optimum, rel=1e-6)  # HiGHS's own
    seen: list[Progress] = []
    sol = solve(inst, SolveOptions(mip_gap=1e-3), progress=seen.append)
    assert sol.backend == "lagrange"
    assert "budget cap and a minimum average quality relaxed" in sol.backend_reason
    assert sol.status is SolveStatus.OPTIMAL
    assert sol.verification is not None
    assert sol.verification.passed
    bound, gap = sol.statistics.objective_bound, sol.statistics.gap
    assert bound is not None
    assert gap is not None
    assert bound <= optimum + 1e-6
    assert optimum - 1e-6 <= _objective(sol) <= optimum * (1 + 1e-3)
    assert gap <= 1e-3
    bounds = [p.bound for p in seen if p.bound is not None]
    assert bounds
    assert bounds == sorted(bounds)  # the best bound so far never falls


def test_restricted_polish_reports_only_the_lagrangian_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the whole-instance MIP switched off, a gap of 0 cannot be proven by the bound: the
    answer is the restricted MIP's plan, `feasible` unless the bound meets it."""
    monkeypatch.setattr(lagrange, "FULL_MIP_PAIRS", 0)
    inst = _instance(1)
    optimum = _objective(solve(inst, SolveOptions(solver="highs", mip_gap=0.0)))
    sol = solve(inst, SolveOptions(solver="lagrange", mip_gap=0.0))
    assert sol.statistics.solver is not None
    assert sol.statistics.solver.endswith("+ highs")
    assert sol.verification is not None
    assert sol.verification.passed
    bound = sol.statistics.objective_bound
    assert bound is not None
    assert bound <= optimum + 1e-6
    assert _objective(sol) >= optimum - 1e-6
    if sol.status is SolveStatus.OPTIMAL:
        assert _objective(sol) - bound <= 1e-9 * _objective(sol)
    else:
        assert sol.status is SolveStatus.FEASIBLE


def test_forced_where_it_cannot_relax() -> None:
    inst = _instance(1)
    policy = inst.policy.model_copy(update={"max_provider_share": 0.5})
    shared = inst.model_copy(update={"policy": policy})
    with pytest.raises(OptionError, match="cannot relax a provider share cap"):
        solve(shared, SolveOptions(solver="lagrange"))
