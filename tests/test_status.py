"""Statuses are read honestly: a time-limited incumbent is `feasible`, never `optimal`."""

from __future__ import annotations

import random

import pulp
import pytest

from optimiser.core.options import SolveOptions
from optimiser.core.status import SolveStatus
from optimiser.staffing.backend import map_status, run


@pytest.mark.parametrize(
    ("status", "sol_status", "expected"),
    [
        (pulp.LpStatusOptimal, pulp.LpSolutionOptimal, SolveStatus.OPTIMAL),
        (pulp.LpStatusOptimal, pulp.LpSolutionIntegerFeasible, SolveStatus.FEASIBLE),
        (pulp.LpStatusInfeasible, pulp.LpSolutionInfeasible, SolveStatus.INFEASIBLE),
        (pulp.LpStatusInfeasible, pulp.LpSolutionNoSolutionFound, SolveStatus.INFEASIBLE),
        (pulp.LpStatusUnbounded, pulp.LpSolutionUnbounded, SolveStatus.UNBOUNDED),
        (pulp.LpStatusNotSolved, pulp.LpSolutionNoSolutionFound, SolveStatus.NO_SOLUTION),
        (pulp.LpStatusUndefined, pulp.LpSolutionNoSolutionFound, SolveStatus.NO_SOLUTION),
    ],
)
def test_status_map(status: int, sol_status: int, expected: SolveStatus) -> None:
    assert map_status(status, sol_status) is expected


def _market_split(seed: int) -> pulp.LpProblem:
    """A market-split instance (Cornuéjols-Dawande): tiny, and far beyond a second's search."""
    rng = random.Random(seed)
    n, m = 40, 4
    prob = pulp.LpProblem("market_split", pulp.LpMinimize)
    x = [prob.add_variable(f"x{j}", 0, 1, pulp.LpBinary) for j in range(n)]
    slack = [prob.add_variable(f"s{i}", 0, None) for i in range(m)]
    prob += pulp.lpSum(slack) + pulp.lpSum(rng.random() * 1e-3 * v for v in x)
    for i in range(m):
        a = [rng.randint(0, 99) for _ in range(n)]
        prob += pulp.lpSum(a[j] * x[j] for j in range(n)) + slack[i] >= sum(a) // 2, f"row{i}"
        prob += pulp.lpSum(a[j] * x[j] for j in range(n)) - slack[i] <= sum(a) // 2, f"rowu{i}"
    return prob


@pytest.mark.parametrize("solver", ["cbc", "highs"])
def test_time_limited_mip_is_never_optimal(solver: str) -> None:
    result = run(_market_split(7), SolveOptions(solver=solver, time_limit_seconds=1, mip_gap=0.0))
    assert result.status in (SolveStatus.FEASIBLE, SolveStatus.NO_SOLUTION)


def test_infeasible_lp_is_infeasible() -> None:
    prob = pulp.LpProblem("nope", pulp.LpMinimize)
    x = prob.add_variable("x", 0, 1)
    prob += x
    prob += x >= 2, "impossible"
    for solver in ("highs", "cbc"):
        assert run(prob, SolveOptions(solver=solver)).status is SolveStatus.INFEASIBLE


def test_unknown_solver_is_an_option_error() -> None:
    from optimiser.core.errors import OptionError

    with pytest.raises(OptionError, match="unknown LP solver"):
        run(_market_split(1), SolveOptions(solver="gurobi"))
