"""HiGHS through highspy on the placement MIP built from arrays (no modelling layer)."""

from __future__ import annotations

import time
from importlib.metadata import version
from typing import Any

import highspy
import numpy as np
from numpy.typing import NDArray

from optimiser.core.errors import BackendError
from optimiser.core.options import SolveOptions
from optimiser.core.progress import Progress, ProgressCallback, finite
from optimiser.core.status import SolveStatus
from optimiser.placements.incumbent import Plan, greedy_plan, start_vector
from optimiser.placements.linear import (
    Block,
    LinearForm,
    column_names,
    decode,
    linear_form,
    safe_name,
)
from optimiser.placements.model import Assignment, PlacementModel

NAMED_UP_TO = 20_000  # columns: larger models go to HiGHS without names (they cost time)

_MS = highspy.HighsModelStatus
_OPTIMAL = frozenset({_MS.kOptimal, _MS.kModelEmpty})  # empty: no eligible pair, nothing to do
_STOPPED = frozenset(
    {
        _MS.kTimeLimit,
        _MS.kIterationLimit,
        _MS.kInterrupt,
        _MS.kHighsInterrupt,
        _MS.kSolutionLimit,
        _MS.kObjectiveBound,
        _MS.kObjectiveTarget,
        _MS.kMemoryLimit,
    }
)
_INFEASIBLE = frozenset({_MS.kInfeasible, _MS.kUnboundedOrInfeasible})


def map_highs_status(model_status: highspy.HighsModelStatus, primal_status: int) -> SolveStatus:
    """HiGHS model status (a `HighsModelStatus`) and primal solution status (the integer of
    `SolutionStatus`, as HighsInfo reports it) onto ours: a stopped run with a feasible
    solution is only `feasible`, one without is `no_solution`."""
    if model_status in _OPTIMAL:
        return SolveStatus.OPTIMAL
    if model_status in _STOPPED:
        has_primal = primal_status == int(highspy.SolutionStatus.kSolutionStatusFeasible)
        return SolveStatus.FEASIBLE if has_primal else SolveStatus.NO_SOLUTION
    if model_status in _INFEASIBLE:
        return SolveStatus.INFEASIBLE
    if model_status == _MS.kUnbounded:
        return SolveStatus.UNBOUNDED
    raise BackendError(f"HiGHS ended with model status {model_status.name}")


def solve_highs(
    model: PlacementModel,
    options: SolveOptions,
    progress: ProgressCallback | None = None,
    *,
    allowed: NDArray[np.bool_] | None = None,
    start: Plan | None = None,
    form: LinearForm | None = None,
) -> Assignment:
    """The MIP on HiGHS. `allowed` (one flag per pair) restricts it to those pairs. `start` (a
    feasible plan: a pair or -1 per referral, and weekdays; by default the greedy plan of
    placements.incumbent) is handed to HiGHS as its first incumbent, and returned as a
    `feasible` plan when HiGHS stops with nothing better."""
    form = form or linear_form(model)
    if start is None:
        start = greedy_plan(model, form)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", options.mip_gap)
    h.setOptionValue("random_seed", options.seed)
    if options.time_limit_seconds is not None:
        h.setOptionValue("time_limit", float(options.time_limit_seconds))
    if options.threads is not None:
        h.setOptionValue("threads", options.threads)
    lp = highs_lp(form, model if form.n_cols <= NAMED_UP_TO else None)
    if allowed is not None:
        upper = np.asarray(lp.col_upper_, float)
        upper[form.columns(Block.ASSIGN)][~allowed] = 0.0
        lp.col_upper_ = upper
    h.passModel(lp)
    _start(h, form, start)
    if progress is not None:
        _report(h, progress)
    started = time.perf_counter()
    if options.time_limit_seconds is not None:
        _enforce(h, started + options.time_limit_seconds)
    h.run()
    seconds = time.perf_counter() - started
    info = h.getInfo()
    status = map_highs_status(h.getModelStatus(), info.primal_solution_status)
    if status.has_solution:
        x = np.asarray(h.getSolution().col_value)
        choice, days = decode(form, model.n_referrals, model.pairs.ref, x)
    elif status is SolveStatus.NO_SOLUTION:
        (choice, days), status = start, SolveStatus.FEASIBLE
    else:  # pragma: no cover - the empty plan is always feasible
        raise BackendError(f"HiGHS found the placement model {status.value}")
    empty = form.n_cols == 0
    bound = None if empty else finite(float(info.mip_dual_bound))  # includes the offset
    return Assignment(
        choice=choice,
        days=days,
        status=status,
        solver="highs",
        solver_version=f"highspy {version('highspy')}",
        backend="highs",
        seconds=seconds,
        bound=bound,
        variables=form.n_cols,
        constraints=form.a.shape[0],
        integer_variables=form.n_cols,
    )


def _start(h: Any, form: LinearForm, start: Plan) -> None:
    """A plan as HiGHS's starting incumbent: every column (pairs, weekdays, placed count)."""
    solution = highspy.HighsSolution()
    solution.col_value = start_vector(form, *start).tolist()
    solution.value_valid = True
    h.setSolution(solution)


BOUND_EVERY = 1.0  # seconds between reports of the proven bound while HiGHS searches


def _report(h: Any, progress: ProgressCallback) -> None:
    """Every improving solution, and the proven bound at most once a BOUND_EVERY seconds
    (so that a run stopped from outside still knows the best bound)."""
    h.cbMipImprovingSolution.subscribe(lambda event: progress(_progress(event.data_out)))
    last = [time.perf_counter()]

    def bound(event: Any) -> None:
        now = time.perf_counter()
        if now - last[0] >= BOUND_EVERY and finite(event.data_out.mip_dual_bound) is not None:
            last[0] = now
            progress(_progress(event.data_out))

    h.cbMipInterrupt.subscribe(bound)


def _enforce(h: Any, deadline: float) -> None:
    """HiGHS's own time limit is not checked everywhere (measured: a 30 s limit ran 395 s on a
    725,000-column MIP); its interrupt callbacks stop it once the deadline has passed."""

    def stop(event: Any) -> None:
        if time.perf_counter() > deadline:
            event.data_in.user_interrupt = True

    for callback in (h.cbSimplexInterrupt, h.cbIpmInterrupt, h.cbMipInterrupt):
        callback.subscribe(stop)


def _progress(data: Any) -> Progress:
    return Progress(
        finite(data.mip_primal_bound), finite(data.mip_dual_bound), finite(data.mip_gap)
    )


def highs_lp(form: LinearForm, names: PlacementModel | None = None) -> Any:
    """The linear form as a HighsLp: bounds and integrality from its column blocks; with
    `names` (the model), row and column names built from the instance's ids."""
    csc = form.a.tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = form.n_cols, form.a.shape[0]
    lp.col_cost_ = form.c
    lp.offset_ = form.offset
    lp.col_lower_ = form.col_lower
    lp.col_upper_ = form.col_upper
    lp.row_lower_ = np.where(np.isinf(form.lo), -highspy.kHighsInf, form.lo)
    lp.row_upper_ = np.where(np.isinf(form.hi), highspy.kHighsInf, form.hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(float)
    kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
    lp.integrality_ = [kinds[int(flag)] for flag in form.integer]
    if names is not None:
        lp.col_names_ = column_names(form, names)
        lp.row_names_ = [safe_name(n) for n in form.names]
    return lp


def write_placement_model(model: PlacementModel, path: str) -> None:
    """The MIP as a file HiGHS writes (.lp or .mps by its extension), names from the ids."""
    form = linear_form(model)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.passModel(highs_lp(form, model))
    status = h.writeModel(path)
    if status != highspy.HighsStatus.kOk:
        raise BackendError(f"HiGHS could not write the model ({status.name})")
