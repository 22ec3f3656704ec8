"""A budget cap and a minimum average quality, relaxed into min-cost flow (Lagrangian relaxation).

The side rows sum_i a_ki y_i <= b_k (placements.side.relaxable_rows) go into the objective with
multipliers lam_k >= 0:

    L(lam) = min_{y in the network}  sum_i (cost_i + sum_k lam_k a_ki) y_i
                                    + sum_r pen_r (1 - sum_{i in r} y_i) - sum_k lam_k b_k

Each L(lam) is one min-cost flow, and a lower bound on the optimum; because the network is
integral, max_{lam >= 0} L(lam) equals the bound of the linear relaxation. The multipliers are
found by Kelley's cutting planes: each flow solution y^j gives the affine function
c(y^j) + lam . g(y^j) (g = A y - b) that lies above L everywhere, and the next lam maximises
the lowest of them (a linear programme in 1 + k variables). Every flow solution that keeps the
side rows is a plan. When the best plan is not within the gap of the best bound once the
multipliers have settled, HiGHS takes over from the best plan: on the whole MIP up to
FULL_MIP_PAIRS pairs (so that it can prove what the bound cannot), beyond that on the MIP
restricted to the pairs the flow solutions used and each referral's cheapest alternatives under
the final multipliers. The better of the two bounds is reported; a restricted MIP proves nothing
about the pairs it left out, so there only the Lagrangian bound counts.

Costs go to the network as whole numbers of 1/S pounds. Each referral's unit crosses exactly one
costed arc, so rounding (at most e per arc, e <= 1/(2S)) moves any plan's value by at most n e,
and the flow's plan is within 2 n e of the true minimum: that allowance is taken off every bound.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib.metadata import version

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.optimize import linprog

from optimiser.core.gap import relative_gap
from optimiser.core.options import SolveOptions
from optimiser.core.progress import Progress, ProgressCallback
from optimiser.core.status import SolveStatus
from optimiser.placements.backends import weekdays
from optimiser.placements.backends.flow import FlowArrays, choice_of, flow_arrays, run_flow
from optimiser.placements.backends.highs import solve_highs
from optimiser.placements.incumbent import Plan
from optimiser.placements.model import Assignment, PlacementModel, objective
from optimiser.placements.side import relaxable_rows

MAX_ROUNDS = 60  # flow solves for the multipliers
KEEP_CHEAPEST = 3  # alternatives per referral offered to the restricted MIP
FULL_MIP_PAIRS = 100_000  # up to this many pairs the polishing MIP is the whole instance
FINISH = 0.1  # share of a time limit kept for days, explanations and the verifier
FINISH_FACTOR = 1.5  # or this many times the set-up and first flow solve, if more
KELLEY_ROWS = 8  # more relaxed rows than this: subgradient steps instead of Kelley's
PATIENCE = 3  # subgradient rounds without a better bound before the step halves
MIN_STEP = 1e-3
SETTLED = 1e-7  # relative rise of the bound below which the multipliers count as settled
COST_CEILING = 2.0**62  # |scaled cost| * (nodes + 1) must stay below this (OR-Tools' check)


@dataclass(frozen=True)
class _Point:
    lam: NDArray[np.float64]
    choice: NDArray[np.int64]
    cost: float  # the plan's true objective, £
    g: NDArray[np.float64]  # A y - b

    @property
    def feasible(self) -> bool:
        return bool(np.all(self.g <= 1e-6 * (1.0 + np.abs(self.g))))


class _Relaxation:
    """The network built once; each evaluation only changes the pair arcs' costs. The relaxed
    rows: the side rules' (placements.side) and, with places per weekday, one aggregated row
    per weekday provider (backends.weekdays), as a sparse matrix."""

    def __init__(self, model: PlacementModel) -> None:
        rows = relaxable_rows(model)
        self.model = model
        self.names = [name for name, _, _ in rows]
        dense = np.vstack([a for _, a, _ in rows] or [np.zeros((0, len(model.pairs)))])
        self.a = sparse.csr_matrix(dense)
        self.b = np.array([b for _, _, b in rows], float)
        self.weekday = bool(model.weekday)
        self.week = slice(len(self.b), len(self.b))  # the aggregated weekday rows
        if self.weekday:
            names, a, b = weekdays.aggregated_rows(model)
            self.names += names
            self.a = sparse.csr_matrix(sparse.vstack([self.a, a]))
            self.week = slice(len(self.b), len(self.b) + len(b))
            self.b = np.concatenate([self.b, b])
        self.base: FlowArrays = flow_arrays(model)
        self.n = model.n_referrals
        self.allowance = 0.0  # 2 n (largest rounding error) of the latest evaluation, £

    def usage(self, choice: NDArray[np.int64]) -> NDArray[np.float64]:
        """A y - b for a plan."""
        y = np.zeros(len(self.model.pairs))
        y[choice[choice >= 0]] = 1.0
        return np.asarray(self.a @ y - self.b, float)

    def primal(self, point: _Point) -> _Point:
        """A plan from a flow solution: as it is, or (weekday rows) repaired to keep them."""
        if not self.weekday or point.feasible:
            return point
        a, b = self.a[self.week], self.b[self.week]
        choice = weekdays.repair(self.model, sparse.csr_matrix(a), b, point.choice)
        return _Point(point.lam, choice, objective(self.model, choice), self.usage(choice))

    def evaluate(self, lam: NDArray[np.float64]) -> tuple[_Point, float]:
        """The flow solution at lam and the lower bound L(lam) it proves."""
        model, base = self.model, self.base
        modified = model.pairs.cost + self.a.T @ lam
        scale = self._scale(max(np.abs(modified).max(initial=0.0), model.penalty.max(initial=0.0)))
        costs = base.costs.copy()
        exact = np.concatenate([modified, model.penalty])
        rounded = np.rint(exact * scale)
        costs[: base.n_pairs + self.n] = rounded
        error = float(np.abs(rounded / scale - exact).max(initial=0.0))
        choice = choice_of(model, run_flow(replace(base, costs=costs)))
        point = _Point(lam, choice, objective(model, choice), self.usage(choice))
        g = point.g
        self.allowance = 2.0 * self.n * error
        return point, point.cost + float(lam @ g) - self.allowance

    def _scale(self, largest: float) -> float:
        """Units per pound: tenths of a penny, or coarser if OR-Tools' range needs it (finer
        scales slow the cost-scaling solve and gain nothing: the allowance is at most n/S)."""
        nodes = len(self.base.supplies) + 1
        ceiling = COST_CEILING / (64.0 * nodes * max(largest, 1.0))
        return float(min(1e3, 10.0 ** math.floor(math.log10(ceiling))))

    def box(self) -> NDArray[np.float64]:
        """Multipliers past which no pair that uses the row is worth more than leaving its
        referral unplaced (a starting box, widened when the search reaches its edge)."""
        pairs, pen = self.model.pairs, self.model.penalty
        gain = np.maximum(pen[pairs.ref] - pairs.cost, 0.0)
        out = []
        for k in range(self.a.shape[0]):
            cols = self.a.indices[self.a.indptr[k] : self.a.indptr[k + 1]]
            coef = self.a.data[self.a.indptr[k] : self.a.indptr[k + 1]]
            positive = coef > 1e-9
            ratio = gain[cols[positive]] / coef[positive]
            out.append(float(ratio.max(initial=1.0)) * 2.0 + 1.0)
        return np.array(out)


def _next_multipliers(
    cuts: list[_Point], box: NDArray[np.float64]
) -> tuple[NDArray[np.float64], float]:
    """Kelley's step: max theta s.t. theta <= c(y^j) + lam . g(y^j) for every cut, 0 <= lam <= box.
    Returns the maximiser and theta, an upper bound on max L."""
    k = len(box)
    a_ub = np.array([np.concatenate([[1.0], -p.g]) for p in cuts])
    b_ub = np.array([p.cost for p in cuts])
    bounds = [(None, None)] + [(0.0, float(hi)) for hi in box]
    c = np.zeros(1 + k)
    c[0] = -1.0
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0 or res.x is None or res.fun is None:  # pragma: no cover - bounded LP
        return cuts[-1].lam, math.inf
    return np.asarray(res.x[1:], float), -float(res.fun)


def solve_lagrange(
    model: PlacementModel,
    options: SolveOptions,
    progress: ProgressCallback | None = None,
    *,
    incumbent: Callable[[Assignment], None] | None = None,
) -> Assignment:
    """Solve by Lagrangian relaxation of the capacity rows, within the time limit. The limit
    counts the model's build; after the first flow solve, time is kept for the plan's days,
    explanations and verification (FINISH of the limit, or what reporting the first plan took
    with a quarter more, or else FINISH_FACTOR times the set-up and first solve, whichever is
    more), and no round starts that would end past that.
    With a limit, the first plan is handed to `incumbent` (reported as a whole verified plan,
    so that a run stopped from outside still has it)."""
    started = time.perf_counter()
    relax = _Relaxation(model)
    found = _search(relax, options, (progress, incumbent), started)
    cuts, bound, deadline = found.cuts, found.bound, found.deadline
    best, lam = found.best, cuts[-1].lam
    rounds = len(cuts)
    if best is None:  # the empty plan keeps every relaxed row
        empty = np.full(model.n_referrals, -1, np.int64)
        best = _Point(lam, empty, objective(model, empty), -relax.b)
    choice, days = weekdays.days_of(model, best.choice) if relax.weekday else (best.choice, {})
    cost, polished = objective(model, choice), False
    small = len(model.pairs) <= FULL_MIP_PAIRS
    if (
        _gap(cost, bound) > options.mip_gap
        and time.perf_counter() < deadline
        and (small or not relax.weekday)  # a large weekday MIP is beyond HiGHS in the time
    ):
        sub = _polish(model, options, relax, cuts, (choice, days), deadline, progress)
        polished = True
        value = objective(model, sub.choice) if sub.status.has_solution else math.inf
        if value < cost:
            choice, days, cost = sub.choice, sub.days, value
        if sub.bound is not None and small:
            bound = max(bound, sub.bound)  # HiGHS's bound holds for the whole instance here
    gap = _gap(cost, bound)
    status = SolveStatus.OPTIMAL if gap <= options.mip_gap + 1e-9 else SolveStatus.FEASIBLE
    solver = f"min_cost_flow + lagrangian ({rounds} flow solves)" + (" + highs" if polished else "")
    return Assignment(
        choice=choice,
        days=days,
        status=status,
        solver=solver,
        solver_version=f"ortools {version('ortools')}",
        backend="lagrange",
        seconds=time.perf_counter() - started,
        bound=bound,
        gap=gap,
        variables=len(relax.base.tails),
        constraints=len(relax.base.supplies) + len(relax.b),
    )


@dataclass
class _Found:
    """What the multiplier search found: its flow solutions, best plan, best bound, and the
    time by which the plan must be finished."""

    cuts: list[_Point]
    best: _Point | None
    bound: float
    deadline: float


def _search(
    relax: _Relaxation,
    options: SolveOptions,
    listeners: tuple[ProgressCallback | None, Callable[[Assignment], None] | None],
    started: float,
) -> _Found:
    """Flow solves under changing multipliers: Kelley's cuts for a few rows, subgradient steps
    for many; stops within the gap, when the multipliers settle, or before a round that would
    end past the deadline (set after the first solve, see solve_lagrange)."""
    model, (progress, incumbent) = relax.model, listeners
    limit = options.time_limit_seconds
    box = relax.box()
    found = _Found([], None, -math.inf, math.inf)
    lam = np.zeros(len(box))
    step = _Steps()
    for _ in range(MAX_ROUNDS):
        round_started = time.perf_counter()
        point, lower = relax.evaluate(lam)
        found.cuts.append(point)
        found.bound = max(found.bound, lower)
        plan = relax.primal(point)
        finish = FINISH_FACTOR * (time.perf_counter() - started)  # a first guess
        if plan.feasible and (found.best is None or plan.cost < found.best.cost):
            if found.best is None and limit is not None and incumbent is not None:
                reported = time.perf_counter()
                incumbent(_first(model, plan, found.bound, reported - started))
                finish = 1.25 * (time.perf_counter() - reported)  # the same work as the end
            found.best = plan
        if limit is not None and math.isinf(found.deadline):
            keep = max(FINISH * limit, finish)
            found.deadline = started + limit - model.build_seconds - keep
        if progress is not None:
            progress(_progress(found.best, found.bound))
        late = 2 * time.perf_counter() - round_started > found.deadline
        if _within(found.best, found.bound, options.mip_gap) or late:
            break  # within the gap, or the next round would end past the deadline
        if len(box) > KELLEY_ROWS:  # many rows (weekday providers): subgradient steps
            lam = step.next(lam, point.g, lower, found.bound, found.best)
            if step.settled:
                break
            continue
        lam, ceiling = _next_multipliers(found.cuts, box)
        if ceiling - found.bound <= relax.allowance + SETTLED * abs(found.bound):
            break  # settled: no multipliers in the box raise the bound further
        box = np.where(lam >= box * (1 - 1e-9), box * 4.0, box)  # widen where it reached
    return found


class _Steps:
    """Subgradient steps for many multipliers (Polyak's rule): lam + t (target - L) g / |g|^2,
    the target the best plan's cost (or 1% above the bound before there is one); t halves
    when the bound has not risen for PATIENCE rounds, and the search settles below MIN_STEP."""

    def __init__(self) -> None:
        self.t, self.best, self.still = 1.0, -math.inf, 0

    @property
    def settled(self) -> bool:
        """Steps too short to move the bound."""
        return self.t < MIN_STEP

    def next(
        self,
        lam: NDArray[np.float64],
        g: NDArray[np.float64],
        lower: float,
        bound: float,
        best: _Point | None,
    ) -> NDArray[np.float64]:
        """The next multipliers after a flow solve with subgradient g and value `lower`."""
        if bound > self.best + SETTLED * abs(bound):
            self.best, self.still = bound, 0
        else:
            self.still += 1
            if self.still >= PATIENCE:
                self.t, self.still = self.t / 2.0, 0
        target = best.cost if best is not None else bound + 0.01 * abs(bound) + 1.0
        norm = float(g @ g)
        if norm <= 0.0:
            return lam
        return np.maximum(0.0, lam + self.t * max(target - lower, 0.0) / norm * g)


def _first(model: PlacementModel, plan: _Point, bound: float, seconds: float) -> Assignment:
    """The first plan as an Assignment (days given where places are counted per weekday)."""
    choice, days = weekdays.days_of(model, plan.choice) if model.weekday else (plan.choice, {})
    return Assignment(
        choice=choice,
        days=days,
        status=SolveStatus.FEASIBLE,
        solver="min_cost_flow + lagrangian (first plan)",
        solver_version=f"ortools {version('ortools')}",
        backend="lagrange",
        seconds=seconds,
        bound=bound,
    )


def _gap(cost: float, bound: float) -> float:
    """Relative gap of a plan's cost over a lower bound (core.gap)."""
    return relative_gap(cost, bound)


def _within(best: _Point | None, bound: float, gap: float) -> bool:
    return best is not None and _gap(best.cost, bound) <= gap


def _progress(best: _Point | None, bound: float) -> Progress:
    if best is None:
        return Progress(None, bound, None)
    return Progress(best.cost, bound, _gap(best.cost, bound))


def _polish(  # noqa: PLR0917
    model: PlacementModel,
    options: SolveOptions,
    relax: _Relaxation,
    cuts: list[_Point],
    best: Plan,
    deadline: float,
    progress: ProgressCallback | None,
) -> Assignment:
    """HiGHS from the best plan: the whole MIP when small enough, otherwise the MIP on the pairs
    any flow solution used plus each referral's cheapest alternatives under the last
    multipliers."""
    pairs = model.pairs
    allowed: NDArray[np.bool_] | None = None
    if len(pairs) > FULL_MIP_PAIRS:
        allowed = np.zeros(len(pairs), dtype=bool)
        for p in cuts:
            allowed[p.choice[p.choice >= 0]] = True
        modified = pairs.cost + cuts[-1].lam @ relax.a
        order = np.lexsort((modified, pairs.ref))
        starts = np.searchsorted(pairs.ref[order], np.arange(model.n_referrals + 1))
        rank = np.arange(len(order)) - np.repeat(starts[:-1], np.diff(starts))
        allowed[order[rank < KEEP_CHEAPEST]] = True
    remaining = deadline - time.perf_counter()
    limit = None if math.isinf(remaining) else max(remaining, 0.5)
    return solve_highs(
        model,
        options.model_copy(update={"time_limit_seconds": limit}),
        progress if allowed is None else None,  # a restricted MIP's bound is not the instance's
        allowed=allowed,
        start=best,
    )
