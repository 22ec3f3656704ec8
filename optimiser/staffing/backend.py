"""Run a PuLP problem on HiGHS (default) or CBC and read its status honestly.

PuLP labels a time-limited run "Optimal" for both HiGHS and CBC; the solution status
(`sol_status`) is what tells a proven optimum from an incumbent.
"""

from __future__ import annotations

import logging
import time
import warnings
from dataclasses import dataclass, replace
from importlib.metadata import version
from typing import Any

import pulp

from optimiser.core.errors import BackendError, OptionError
from optimiser.core.gap import honest
from optimiser.core.options import STAFFING_SOLVERS, SolveOptions, Solver
from optimiser.core.progress import finite
from optimiser.core.status import SolveStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunResult:
    """What one solver run gave."""

    status: SolveStatus
    solver: str
    solver_version: str
    seconds: float
    objective: float | None
    bound: float | None = None
    gap: float | None = None


def map_status(status: int, sol_status: int) -> SolveStatus:
    """PuLP's (status, sol_status) pair onto SolveStatus; sol_status decides optimality."""
    if sol_status == pulp.LpSolutionOptimal and status == pulp.LpStatusOptimal:
        return SolveStatus.OPTIMAL
    if sol_status == pulp.LpSolutionIntegerFeasible:
        return SolveStatus.FEASIBLE
    if status == pulp.LpStatusInfeasible or sol_status == pulp.LpSolutionInfeasible:
        return SolveStatus.INFEASIBLE
    if status == pulp.LpStatusUnbounded or sol_status == pulp.LpSolutionUnbounded:
        return SolveStatus.UNBOUNDED
    return SolveStatus.NO_SOLUTION


def lp_solver(options: SolveOptions) -> Solver:
    """The solver for a staffing model: HiGHS unless the caller asks for CBC."""
    which = options.solver or Solver.HIGHS
    if which not in STAFFING_SOLVERS:
        raise OptionError(
            f"staffing plans are solved by {' or '.join(s.value for s in STAFFING_SOLVERS)}"
        )
    return which


def _make_solver(which: Solver, options: SolveOptions, gap_abs: float | None = None) -> Any:
    common: dict[str, Any] = {
        "msg": False,
        "timeLimit": options.time_limit_seconds,
        "gapRel": options.mip_gap if gap_abs is None else 0.0,
    }
    if gap_abs is not None:
        common["gapAbs"] = gap_abs
    if options.threads is not None:
        common["threads"] = options.threads
    if which is Solver.HIGHS:
        return pulp.HiGHS(random_seed=options.seed, **common)
    with warnings.catch_warnings():
        # PuLP 3.x warns that its bundled CBC goes in 4.0; we pin PuLP < 4 and rely on it.
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(options=[f"randomSeed {options.seed + 1}"], **common)


def solver_version(which: Solver) -> str:
    """The solver's name and version."""
    if which is Solver.HIGHS:
        return f"highspy {version('highspy')}"
    return f"CBC bundled with PuLP {version('pulp')}"


def run(problem: pulp.LpProblem, options: SolveOptions) -> RunResult:
    """Solve `problem` in place; values and duals are left on its variables and constraints.

    PuLP keeps the objective's constant outside the solver, so a solver's relative gap is
    measured without it. For a MIP whose constant makes that gap looser than the gap on the
    whole objective, the problem is solved again with the absolute gap the tolerance allows
    on the whole objective; the bound reported includes the constant, and `optimal` needs
    gap = |objective - bound| / max(1, |objective|) within the tolerance (core.gap).
    """
    which = lp_solver(options)
    result = _run(problem, which, options)
    constant = float(problem.objective.constant) if problem.objective is not None else 0.0
    if (
        _is_mip(problem)
        and result.status is SolveStatus.OPTIMAL
        and result.objective is not None
        and abs(result.objective - constant) > abs(result.objective)
    ):
        allowed = options.mip_gap * max(1.0, abs(result.objective))
        result = _run(problem, which, options, gap_abs=allowed)
    if result.objective is None or result.bound is None:
        return result  # an LP's optimum, or a MIP on CBC (which reports no bound through PuLP)
    status, bound, gap = honest(result.status, result.objective, result.bound, options.mip_gap)
    return replace(result, status=status, bound=bound, gap=gap)


def _run(
    problem: pulp.LpProblem, which: Solver, options: SolveOptions, gap_abs: float | None = None
) -> RunResult:
    solver = _make_solver(which, options, gap_abs)
    started = time.perf_counter()
    try:
        problem.solve(solver)
    except pulp.PulpSolverError as exc:
        raise BackendError(f"{which.value} failed: {exc}") from exc
    seconds = time.perf_counter() - started
    status = map_status(problem.status, problem.sol_status)
    if status.has_solution:
        _whole_integers(problem)
    objective = pulp.value(problem.objective) if status.has_solution else None
    bound = _highs_bound(problem) if which is Solver.HIGHS and status.has_solution else None
    log.debug("solved %s with %s: %s in %.3fs", problem.name, which.value, status.value, seconds)
    return RunResult(status, which.value, solver_version(which), seconds, objective, bound)


def _whole_integers(problem: pulp.LpProblem) -> None:
    """Each integer variable's value made the whole number it stands for. A solver accepts
    values within its integrality tolerance (HiGHS: 1e-6), so a release of `step x 0.000001`
    FTE could reach the plan, off the step and worth nothing; rounding moves a plan's rows by
    at most a step times that tolerance, inside the verifier's."""
    for v in problem.variables():
        if v.cat == pulp.LpInteger and v.varValue is not None:
            v.varValue = float(round(v.varValue))


def _is_mip(problem: pulp.LpProblem) -> bool:
    return any(v.cat == pulp.LpInteger for v in problem.variables())


def _highs_bound(problem: pulp.LpProblem) -> float | None:
    """HiGHS's dual bound for a MIP, the objective's constant added (None for an LP)."""
    model = getattr(problem, "solverModel", None)
    if model is None or not _is_mip(problem):
        return None
    constant = float(problem.objective.constant) if problem.objective is not None else 0.0
    return finite(float(model.getInfo().mip_dual_bound) + constant)
