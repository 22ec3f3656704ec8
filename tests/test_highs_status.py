"""HiGHS's statuses read through highspy's own enums (HighsModelStatus, SolutionStatus), never
through their printed names or magic numbers."""

from __future__ import annotations

import highspy
import pytest

from optimiser.core.errors import BackendError
from optimiser.core.status import SolveStatus
from optimiser.placements.backends.highs import map_highs_status

MS = highspy.HighsModelStatus
FEASIBLE = int(highspy.SolutionStatus.kSolutionStatusFeasible)
NONE = int(highspy.SolutionStatus.kSolutionStatusNone)
INFEASIBLE = int(highspy.SolutionStatus.kSolutionStatusInfeasible)


@pytest.mark.parametrize(
    ("model_status", "expected"),
    [
        (MS.kOptimal, SolveStatus.OPTIMAL),
        (MS.kModelEmpty, SolveStatus.OPTIMAL),
        (MS.kInfeasible, SolveStatus.INFEASIBLE),
        (MS.kUnboundedOrInfeasible, SolveStatus.INFEASIBLE),
        (MS.kUnbounded, SolveStatus.UNBOUNDED),
    ],
)
def test_final_statuses(model_status: highspy.HighsModelStatus, expected: SolveStatus) -> None:
    for primal in (NONE, INFEASIBLE, FEASIBLE):
        assert map_highs_status(model_status, primal) is expected


@pytest.mark.parametrize(
    "model_status",
    [
        MS.kTimeLimit,
        MS.kIterationLimit,
        MS.kInterrupt,
        MS.kHighsInterrupt,
        MS.kSolutionLimit,
        MS.kObjectiveBound,
        MS.kObjectiveTarget,
        MS.kMemoryLimit,
    ],
)
def test_a_stopped_run_is_feasible_only_with_a_feasible_solution(
    model_status: highspy.HighsModelStatus,
) -> None:
    assert map_highs_status(model_status, FEASIBLE) is SolveStatus.FEASIBLE
    assert map_highs_status(model_status, NONE) is SolveStatus.NO_SOLUTION
    assert map_highs_status(model_status, INFEASIBLE) is SolveStatus.NO_SOLUTION


@pytest.mark.parametrize(
    "model_status",
    [
        MS.kNotset,
        MS.kLoadError,
        MS.kModelError,
        MS.kPresolveError,
        MS.kSolveError,
        MS.kPostsolveError,
        MS.kUnknown,
    ],
)
def test_a_failure_is_an_error_naming_the_status(model_status: highspy.HighsModelStatus) -> None:
    with pytest.raises(BackendError, match=model_status.name):
        map_highs_status(model_status, FEASIBLE)


def test_every_status_highspy_defines_is_mapped_or_refused() -> None:
    """A new HighsModelStatus in a later highspy is noticed here rather than misread."""
    named = {n for n in dir(MS) if n.startswith("k")}
    covered = {
        "kOptimal",
        "kModelEmpty",
        "kInfeasible",
        "kUnboundedOrInfeasible",
        "kUnbounded",
        "kTimeLimit",
        "kIterationLimit",
        "kInterrupt",
        "kHighsInterrupt",
        "kSolutionLimit",
        "kObjectiveBound",
        "kObjectiveTarget",
        "kMemoryLimit",
        "kNotset",
        "kLoadError",
        "kModelError",
        "kPresolveError",
        "kSolveError",
        "kPostsolveError",
        "kUnknown",
    }
    assert named == covered


def _knapsack(time_limit: float | None) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if time_limit is not None:
        h.setOptionValue("time_limit", time_limit)
    x = [h.addIntegral(lb=0, ub=1) for _ in range(3)]
    h.addConstr(3 * x[0] + 4 * x[1] + 5 * x[2] <= 7)
    h.maximize(5 * x[0] + 6 * x[1] + 7 * x[2])
    return h


def test_real_runs_read_as_highspy_reports_them() -> None:
    """A tiny knapsack (weights 3, 4, 5 <= 7; values 5, 6, 7: the optimum takes the first two,
    11). Given no time at all HiGHS stops with no solution: `no_solution`; run to the end it
    is `optimal` at 11."""
    stopped = _knapsack(0.0)
    assert stopped.getModelStatus() == MS.kTimeLimit
    status = map_highs_status(stopped.getModelStatus(), stopped.getInfo().primal_solution_status)
    assert status is SolveStatus.NO_SOLUTION
    done = _knapsack(None)
    status = map_highs_status(done.getModelStatus(), done.getInfo().primal_solution_status)
    assert status is SolveStatus.OPTIMAL
    assert done.getInfo().objective_function_value == pytest.approx(11.0)
