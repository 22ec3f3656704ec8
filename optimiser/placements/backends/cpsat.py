"""OR-Tools CP-SAT on the placement model: small hard instances (weekday packing, logic), and
an independent cross-check of the other backends in tests. Money in whole pence."""

from __future__ import annotations

import math
import time
from importlib.metadata import version

import numpy as np
from ortools.sat.python import cp_model

from optimiser.core.errors import BackendError, OptionError
from optimiser.core.options import SolveOptions
from optimiser.core.progress import Progress, ProgressCallback
from optimiser.core.status import SolveStatus
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
    """Each improving solution: objective and bound in pounds (the model counts pence)."""

    def __init__(self, progress: ProgressCallback, offset: float) -> None:
        super().__init__()
        self.progress, self.offset = progress, offset

    def on_solution_callback(self) -> None:
        best = self.objective_value / 100 + self.offset
        bound = self.best_objective_bound / 100 + self.offset
        gap = abs(best - bound) / max(abs(best), 1e-9)
        self.progress(Progress(best, bound, gap))


def _columns(m: cp_model.CpModel, form: LinearForm) -> list[cp_model.IntVar]:
    """One variable per column, with its block's bounds (0/1 columns as Booleans)."""
    cols: list[cp_model.IntVar] = []
    for block in form.blocks.values():
        upper = math.floor(block.upper)
        for j in range(block.size):
            name = f"{block.block.value}{j}"
            cols.append(m.new_bool_var(name) if upper == 1 else m.new_int_var(0, upper, name))
    return cols


def solve_cpsat(
    model: PlacementModel, options: SolveOptions, progress: ProgressCallback | None = None
) -> Assignment:
    form = linear_form(model)
    m = cp_model.CpModel()
    cols = _columns(m, form)
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
    pence = np.rint(form.c * 100).astype(np.int64)
    m.minimize(sum(int(c) * cols[j] for j, c in enumerate(pence) if c != 0))
    solver = cp_model.CpSolver()
    # CP-SAT's portfolio needs its LP-based subsolvers to prove bounds: with 2 workers it found
    # the outreach optimum but could not prove it in 60 s; with 8 it did in 0.05 s (2 cores).
    solver.parameters.num_workers = options.threads or PORTFOLIO_WORKERS
    solver.parameters.random_seed = options.seed
    solver.parameters.relative_gap_limit = options.mip_gap
    if options.time_limit_seconds is not None:
        solver.parameters.max_time_in_seconds = options.time_limit_seconds
    started = time.perf_counter()
    code = solver.solve(m, _Reporter(progress, form.offset) if progress else None)
    seconds = time.perf_counter() - started
    if code == cp_model.MODEL_INVALID:
        raise OptionError(
            "CP-SAT cannot take this instance (its costs overflow CP-SAT's whole-"
            "number arithmetic); use highs or flow"
        )
    if code not in _STATUS:
        raise BackendError(f"CP-SAT ended with status {solver.status_name(code)}")
    status = _STATUS[code]
    values = np.array([solver.value(v) for v in cols] if status.has_solution else [0.0] * len(cols))
    choice, days = decode(form, model.n_referrals, model.pairs.ref, values.astype(float))
    bound = solver.best_objective_bound / 100 + form.offset if status.has_solution else None
    return Assignment(
        choice=choice,
        days=days,
        status=status,
        solver="cpsat",
        solver_version=f"ortools {version('ortools')}",
        backend="cpsat",
        seconds=seconds,
        bound=bound,
        variables=len(cols),
        constraints=form.a.shape[0],
        integer_variables=len(cols),
    )
