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
from dataclasses import dataclass, replace
from importlib.metadata import version

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog

from optimiser.core.gap import relative_gap
from optimiser.core.options import SolveOptions
from optimiser.core.progress import Progress, ProgressCallback
from optimiser.core.status import SolveStatus
from optimiser.placements.backends.flow import FlowArrays, choice_of, flow_arrays, run_flow
from optimiser.placements.backends.highs import solve_highs
from optimiser.placements.model import Assignment, PlacementModel, objective
from optimiser.placements.side import relaxable_rows

MAX_ROUNDS = 60  # flow solves for the multipliers
KEEP_CHEAPEST = 3  # alternatives per referral offered to the restricted MIP
FULL_MIP_PAIRS = 100_000  # up to this many pairs the polishing MIP is the whole instance
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
    """The network built once; each evaluation only changes the pair arcs' costs."""

    def __init__(self, model: PlacementModel) -> None:
        rows = relaxable_rows(model)
        self.model = model
        self.names = [name for name, _, _ in rows]
        self.a = np.vstack([a for _, a, _ in rows] or [np.zeros((0, len(model.pairs)))])
        self.b = np.array([b for _, _, b in rows])
        self.base: FlowArrays = flow_arrays(model)
        self.n = model.n_referrals
        self.allowance = 0.0  # 2 n (largest rounding error) of the latest evaluation, £

    def evaluate(self, lam: NDArray[np.float64]) -> tuple[_Point, float]:
        """The flow solution at lam and the lower bound L(lam) it proves."""
        model, base = self.model, self.base
        modified = model.pairs.cost + lam @ self.a
        scale = self._scale(max(np.abs(modified).max(initial=0.0), model.penalty.max(initial=0.0)))
        costs = base.costs.copy()
        exact = np.concatenate([modified, model.penalty])
        rounded = np.rint(exact * scale)
        costs[: base.n_pairs + self.n] = rounded
        error = float(np.abs(rounded / scale - exact).max(initial=0.0))
        choice = choice_of(model, run_flow(replace(base, costs=costs)))
        g = self.a[:, choice[choice >= 0]].sum(axis=1) - self.b
        point = _Point(lam, choice, objective(model, choice), g)
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
        for coef in self.a:
            positive = coef > 1e-9
            out.append(float((gain[positive] / coef[positive]).max(initial=1.0)) * 2.0 + 1.0)
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
    model: PlacementModel, options: SolveOptions, progress: ProgressCallback | None = None
) -> Assignment:
    """Solve by Lagrangian relaxation of the capacity rows, within the time limit."""
    started = time.perf_counter()
    deadline = (
        math.inf if options.time_limit_seconds is None else started + options.time_limit_seconds
    )
    relax = _Relaxation(model)
    box = relax.box()
    cuts: list[_Point] = []
    best: _Point | None = None
    bound = -math.inf
    lam = np.zeros(len(box))
    for _ in range(MAX_ROUNDS):
        point, lower = relax.evaluate(lam)
        cuts.append(point)
        bound = max(bound, lower)
        if point.feasible and (best is None or point.cost < best.cost):
            best = point
        if progress is not None:
            progress(_progress(best, bound))
        if _within(best, bound, options.mip_gap) or time.perf_counter() > deadline:
            break
        lam, ceiling = _next_multipliers(cuts, box)
        if ceiling - bound <= relax.allowance + SETTLED * abs(bound):
            break  # settled: no multipliers in the box raise the bound further
        box = np.where(lam >= box * (1 - 1e-9), box * 4.0, box)  # widen where it reached
    rounds = len(cuts)
    if best is None:  # the empty plan keeps both rows (spends nothing, averages nothing)
        empty = np.full(model.n_referrals, -1, np.int64)
        best = _Point(lam, empty, objective(model, empty), -relax.b)
    choice, cost, polished = best.choice, best.cost, False
    if not _within(best, bound, options.mip_gap) and time.perf_counter() < deadline:
        sub = _polish(model, options, relax, cuts, best, deadline, progress)
        polished = True
        found = objective(model, sub.choice) if sub.status.has_solution else math.inf
        if found < cost:
            choice, cost = sub.choice, found
        if sub.bound is not None and len(model.pairs) <= FULL_MIP_PAIRS:
            bound = max(bound, sub.bound)  # HiGHS's bound holds for the whole instance here
    gap = _gap(cost, bound)
    status = SolveStatus.OPTIMAL if gap <= options.mip_gap + 1e-9 else SolveStatus.FEASIBLE
    solver = f"min_cost_flow + lagrangian ({rounds} flow solves)" + (" + highs" if polished else "")
    return Assignment(
        choice=choice,
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
    best: _Point,
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
        start=(best.choice, {}),
    )
