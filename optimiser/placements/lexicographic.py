"""Lexicographic objectives for placements: levels solved in order on the MIP backends.

`policy.objective` lists levels, each a goal with a tolerance. Over the pair columns y (the
linear form's other columns follow), with the locked placements' share as constants:

    placed        max  sum_i pri_r(i) y_i + P_L                 (priority-weighted placements)
    first_choice  max  sum_i [rank_i = 0] y_i + F_L             (placed in the first-choice lot)
    cost          min  c'x + offset + C_L                       (today's weighted objective)
    quality       max  (sum_i q_i y_i + Q_L) / (sum_i y_i + N_L)   (average rating; 0 if none)

Level k is solved with every earlier level j held by one row at its best b_j less (more, for
cost) its tolerance t_j (absolute, or t_j |b_j| when relative):

    max level:  v_j . y >= b_j - t_j - const_j
    cost:       c . y   <= b_j + t_j + e - offset - C_L     (e: what CP-SAT's whole pence move)
    quality:    sum_i (q_i - a) y_i >= a N_L - Q_L,  a = b_j - t_j rounded down to 1/1000

The average is maximised by Dinkelbach's method: with a the best average so far, maximise
sum_i (q_i - a) y_i + (Q_L - a N_L); a plan scoring above 0 has a higher average, which becomes
the next a, until none does (averages to a thousandth of a rating). Each solve starts from the
previous plan, which keeps every row so far. The status is the last level's; a level stopped
by the time limit, or not reached, makes the whole run `feasible`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from optimiser.core.options import SolveOptions
from optimiser.core.status import SolveStatus
from optimiser.placements import model as placement_model
from optimiser.placements.incumbent import Plan
from optimiser.placements.linear import Block, LinearForm
from optimiser.placements.locks import locked_placements
from optimiser.placements.model import Assignment, PlacementModel
from optimiser.placements.pairs import Floats, Ints
from optimiser.placements.policy import Goal, Level
from optimiser.placements.schema import PlacementInstance
from optimiser.placements.solution import LevelValue

INF = float("inf")
STEP = 1000  # averages are held to a thousandth of a rating
MAX_ROUNDS = 25  # Dinkelbach rounds for the average quality

Backend = Callable[..., Assignment]


@dataclass(frozen=True)
class Constants:
    """What the locked placements add to each level (they leave the optimisation)."""

    priority: float
    first: float
    cost: float
    quality: float
    count: float


def locked_constants(instance: PlacementInstance, built: PlacementModel) -> Constants:
    """P_L, F_L, C_L, Q_L and N_L of the locked placements."""
    kept = locked_placements(instance)
    refs = {r.reference: r for r in instance.referrals}
    ratings = {p.id: p.quality_rating for p in instance.providers}
    return Constants(
        priority=float(sum(refs[p.reference].priority for p in kept)),
        first=float(sum(p.lot == refs[p.reference].lots[0] for p in kept)),
        cost=float(sum(p.total_cost_gbp for p in kept)),
        quality=float(sum(ratings[p.provider] for p in kept)),
        count=float(len(kept)),
    )


def level_vector(built: PlacementModel, goal: Goal) -> Floats:
    """v over the pairs for the linear goals placed and first_choice."""
    pairs = built.pairs
    if goal is Goal.PLACED:
        priority = np.array([r.priority for r in built.inst.referrals], dtype=float)
        weights: Floats = priority[pairs.ref]
        return weights
    first: Floats = (built.ra.rank[pairs.ref, pairs.lot] == 0).astype(float)
    return first


def value(built: PlacementModel, goal: Goal, choice: Ints, k: Constants) -> float:
    """The whole plan's value of one level (locked placements included)."""
    chosen = choice[choice >= 0]
    if goal is Goal.COST:
        return placement_model.objective(built, choice) + k.cost
    if goal is Goal.QUALITY:
        n = len(chosen) + k.count
        return float(built.quality[chosen].sum() + k.quality) / n if n else 0.0
    constant = k.priority if goal is Goal.PLACED else k.first
    return float(level_vector(built, goal)[chosen].sum()) + constant


@dataclass
class _Run:
    """The state of a lexicographic run: the form with its held rows, the plan, the clock."""

    built: PlacementModel
    form: LinearForm
    base: LinearForm
    plan: Plan
    options: SolveOptions
    backend: Backend
    k: Constants
    deadline: float | None
    last: Assignment | None = None

    def remaining(self) -> float | None:
        """Seconds left of the time limit (None: no limit)."""
        return None if self.deadline is None else self.deadline - time.perf_counter()

    def solve(self, c: Floats, offset: float) -> Assignment:
        """The form with objective c'x + offset, from the current plan, within the time left."""
        left = self.remaining()
        options = self.options
        if left is not None:
            options = options.model_copy(update={"time_limit_seconds": max(left, 0.01)})
        form = replace(self.form, c=c, offset=offset)
        result = self.backend(self.built, options, None, start=self.plan, form=form)
        self.plan, self.last = (result.choice, result.days), result
        return result

    def hold(self, coef: Floats, lo: float, hi: float, scale: float, name: str) -> None:
        """Add one row over the pair columns: lo <= coef . y <= hi."""
        row = sparse.csr_matrix(
            np.concatenate([coef, np.zeros(self.form.n_cols - len(coef))])[None, :]
        )
        self.form = replace(
            self.form,
            a=sparse.vstack([self.form.a, row]).tocsr(),
            lo=np.append(self.form.lo, lo),
            hi=np.append(self.form.hi, hi),
            scale=np.append(self.form.scale, scale),
            names=[*self.form.names, name],
        )


def _objective(run: _Run, coef: Floats) -> Floats:
    """A full column vector with coef on the pair columns (the rest 0)."""
    c = np.zeros(run.form.n_cols)
    c[run.form.columns(Block.ASSIGN)] = coef
    return c


def _tolerance(level: Level, best: float) -> float:
    return level.tolerance * abs(best) if level.relative else level.tolerance


def _solve_linear(run: _Run, level: Level) -> tuple[float, float, SolveStatus]:
    """Maximise v . y (placed, first choice) or minimise the cost; hold it; (best, tol,
    status)."""
    goal, n = level.goal, run.form.n_pairs
    if goal is Goal.COST:
        result = run.solve(run.base.c, run.base.offset)
    else:
        result = run.solve(_objective(run, -level_vector(run.built, goal)), 0.0)
    best = value(run.built, goal, result.choice, run.k)
    tol = _tolerance(level, best)
    if goal is Goal.COST:
        c = run.base.c[:n]
        slack = run.form.pair_error(np.abs(run.base.c - np.rint(run.base.c * 100) / 100))
        hi = best + tol + slack + 1e-6 * max(1.0, abs(best)) - run.base.offset - run.k.cost
        run.hold(c, -INF, hi, 100.0, "level(cost)")
    else:
        const = run.k.priority if goal is Goal.PLACED else run.k.first
        v = level_vector(run.built, goal)
        run.hold(v, best - tol - const - 1e-9, INF, 1.0, f"level({goal.value})")
    return best, tol, result.status


def _solve_quality(run: _Run, level: Level) -> tuple[float, float, SolveStatus]:
    """Dinkelbach's method on the average rating (the best plan kept), then the row holding
    it. Not converged within the rounds or the time limit: `feasible`."""
    q, k = run.built.quality, run.k
    best_plan, best = run.plan, value(run.built, Goal.QUALITY, run.plan[0], k)
    status, converged = SolveStatus.OPTIMAL, False
    for _ in range(MAX_ROUNDS):
        a = math.floor(best * STEP) / STEP
        result = run.solve(_objective(run, -(q - a) * 10.0), 0.0)
        if result.status is not SolveStatus.OPTIMAL:
            status = SolveStatus.FEASIBLE
        found = value(run.built, Goal.QUALITY, result.choice, k)
        if found > best + 1e-9:
            best_plan, best = run.plan, found
        else:
            converged = True
            break
        left = run.remaining()
        if left is not None and left <= 0:
            break
    run.plan = best_plan
    tol = _tolerance(level, best)
    a = math.floor((best - tol) * STEP) / STEP
    run.hold(q - a, a * k.count - k.quality - 1e-9, INF, float(STEP), "level(quality)")
    return best, tol, status if converged else SolveStatus.FEASIBLE


def solve_levels(
    instance: PlacementInstance,
    built: PlacementModel,
    form: LinearForm,
    options: SolveOptions,
    *,
    backend: Backend,
    start: Plan,
) -> tuple[Assignment, list[LevelValue]]:
    """Each level in turn, holding the earlier ones, on `backend` (solve_highs or solve_cpsat)
    from the `start` plan; the last plan and every level's record."""
    levels = instance.policy.objective or []
    started = time.perf_counter()
    limit = options.time_limit_seconds
    run = _Run(
        built,
        form,
        form,
        start,
        options,
        backend,
        locked_constants(instance, built),
        None if limit is None else started + limit,
    )
    solved: list[tuple[Level, float | None, float, SolveStatus]] = []
    for level in levels:
        left = run.remaining()
        if left is not None and left <= 0:
            solved.append((level, None, 0.0, SolveStatus.FEASIBLE))
            continue
        solve = _solve_quality if level.goal is Goal.QUALITY else _solve_linear
        solved.append((level, *solve(run, level)))
    return _result(run, solved, time.perf_counter() - started)


def _result(
    run: _Run,
    solved: list[tuple[Level, float | None, float, SolveStatus]],
    seconds: float,
) -> tuple[Assignment, list[LevelValue]]:
    """The final plan as an Assignment (the last level's bound, in its unit, where linear)
    and each level's value in that plan."""
    choice, days = run.plan
    every = all(status is SolveStatus.OPTIMAL for *_, status in solved)
    status = SolveStatus.OPTIMAL if every else SolveStatus.FEASIBLE
    records = [
        LevelValue(
            goal=level.goal.value,
            sense="minimise" if level.goal is Goal.COST else "maximise",
            value=round(value(run.built, level.goal, choice, run.k), 6),
            best=None if best is None else round(best, 6),
            tolerance=round(tol, 6),
            status=level_status,
        )
        for level, best, tol, level_status in solved
    ]
    last = run.last
    assignment = Assignment(
        choice=choice,
        days=days,
        status=status,
        solver="" if last is None else last.solver,
        solver_version="" if last is None else last.solver_version,
        backend="" if last is None else last.backend,
        seconds=seconds,
        bound=None,
        variables=run.form.n_cols,
        constraints=run.form.a.shape[0],
        integer_variables=run.form.n_cols,
    )
    return assignment, records
