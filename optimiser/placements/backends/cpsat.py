"""OR-Tools CP-SAT on the placement model: small hard instances (weekday packing, logic), and
an independent cross-check of the other backends in tests. Money in whole pence."""

from __future__ import annotations

import math
import time
from importlib.metadata import version

import numpy as np
from ortools.sat.python import cp_model

from optimiser.core.errors import BackendError, OptionError
from optimiser.core.gap import relative_gap
from optimiser.core.options import SolveOptions
from optimiser.core.progress import Progress, ProgressCallback
from optimiser.core.status import SolveStatus
from optimiser.placements.incumbent import Plan, greedy_plan, start_vector
from optimiser.placements.linear import LinearForm, decode, linear_form
from optimiser.placements.model import Assignment, PlacementModel

PORTFOLIO_WORKERS = 8

_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.NO_SOLUTION,
}


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Each improving solution: objective and bound in pounds (the model counts pence, its
    constant included), the bound less the rounding allowance."""

    def __init__(self, progress: ProgressCallback, allowance: float) -> None:
        super().__init__()
        self.progress, self.allowance = progress, allowance

    def on_solution_callback(self) -> None:
        best = self.objective_value / 100
        bound = self.best_objective_bound / 100 - self.allowance
        self.progress(Progress(best, bound, relative_gap(best, bound)))


def _columns(m: cp_model.CpModel, form: LinearForm) -> list[cp_model.IntVar]:
    """One variable per column, with its block's bounds (0/1 columns as Booleans)."""
    cols: list[cp_model.IntVar] = []
    for block in form.blocks.values():
        upper = math.floor(block.upper)
        for j in range(block.size):
            name = f"{block.block.value}{j}"
            cols.append(m.new_bool_var(name) if upper == 1 else m.new_int_var(0, upper, name))
    return cols


def _rows(m: cp_model.CpModel, form: LinearForm, cols: list[cp_model.IntVar]) -> None:
    """Each row times its scale, in whole numbers (bounds rounded inwards)."""
    for k in range(form.a.shape[0]):
        lo_, hi_ = form.a.indptr[k], form.a.indptr[k + 1]
        s = form.scale[k]
        coefs = np.rint(form.a.data[lo_:hi_] * s).astype(np.int64)
        expr = sum(int(c) * cols[j] for c, j in zip(coefs, form.a.indices[lo_:hi_], strict=True))
        if math.isinf(form.lo[k]):
            m.add(expr <= math.floor(form.hi[k] * s + 1e-9))
        elif math.isinf(form.hi[k]):
            m.add(expr >= math.ceil(form.lo[k] * s - 1e-9))
        else:
            lo, hi = math.ceil(form.lo[k] * s - 1e-9), math.floor(form.hi[k] * s + 1e-9)
            m.add_linear_constraint(expr, lo, hi)


def _objective(m: cp_model.CpModel, form: LinearForm, cols: list[cp_model.IntVar]) -> float:
    """min c'x + offset in whole pence, the constant inside the objective so that CP-SAT's own
    gap is measured on the whole objective. Returns the rounding allowance E (pounds): each
    referral's y columns sum to at most 1, so any plan's value in pence is within
    E = sum_r max_{i in r} |c_i - c'_i| + |offset - offset'| of its true value."""
    pence = np.rint(form.c * 100).astype(np.int64)
    offset = round(form.offset * 100)
    m.minimize(sum(int(c) * cols[j] for j, c in enumerate(pence) if c != 0) + offset)
    error = np.abs(form.c - pence / 100)
    return float(form.pair_error(error)) + abs(form.offset - offset / 100)


def solve_cpsat(
    model: PlacementModel,
    options: SolveOptions,
    progress: ProgressCallback | None = None,
    *,
    start: Plan | None = None,
    form: LinearForm | None = None,
) -> Assignment:
    """The MIP on CP-SAT, hinted with `start` (by default the greedy plan), which is returned
    as a `feasible` plan when CP-SAT stops with nothing."""
    form = form or linear_form(model)
    m = cp_model.CpModel()
    cols = _columns(m, form)
    _rows(m, form, cols)
    allowance = _objective(m, form, cols)
    if start is None:
        start = greedy_plan(model, form)
    for var, value in zip(cols, start_vector(form, *start), strict=True):
        m.add_hint(var, round(value))
    solver = cp_model.CpSolver()
    # CP-SAT's portfolio needs its LP-based subsolvers to prove bounds: with 2 workers it found
    # the outreach optimum but could not prove it in 60 s; with 8 it did in 0.05 s (2 cores).
    solver.parameters.num_workers = options.threads or PORTFOLIO_WORKERS
    solver.parameters.random_seed = options.seed
    solver.parameters.relative_gap_limit = options.mip_gap
    if options.time_limit_seconds is not None:
        solver.parameters.max_time_in_seconds = options.time_limit_seconds
    started = time.perf_counter()
    code = solver.solve(m, _Reporter(progress, allowance) if progress else None)
    seconds = time.perf_counter() - started
    if code == cp_model.MODEL_INVALID:
        raise OptionError(
            "CP-SAT cannot take this instance (its costs overflow CP-SAT's whole-"
            "number arithmetic); use highs or flow"
        )
    if code not in _STATUS or code == cp_model.INFEASIBLE:
        raise BackendError(f"CP-SAT ended with status {solver.status_name(code)}")
    status = _STATUS[code]
    if status.has_solution:
        values = np.array([solver.value(v) for v in cols], float)
        choice, days = decode(form, model.n_referrals, model.pairs.ref, values)
    else:
        (choice, days), status = start, SolveStatus.FEASIBLE
    bound = solver.best_objective_bound / 100 - allowance
    return Assignment(
        choice=choice,
        days=days,
        status=status,
        solver="cpsat",
        solver_version=f"ortools {version('ortools')}",
        backend="cpsat",
        seconds=seconds,
        bound=bound if math.isfinite(bound) else None,
        resolution=2.0 * allowance,
        variables=len(cols),
        constraints=form.a.shape[0],
        integer_variables=len(cols),
    )
