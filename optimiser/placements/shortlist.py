"""A shortlist for one referral: its eligible providers with cost, travel, quality and lot, and
the extra cost to the whole plan of choosing each instead of the plan's choice, everyone else
re-planned; then every other provider of its lots with the rules that exclude it.

Extra costs, two ways:

* Where min-cost flow is exact (no side rule), from the plan's residual network: forcing a
  unit of flow along pair arc i = (r -> h_i) costs c_i plus the shortest path from h_i back to
  r in the residual network of the optimal flow (arcs with room forward at +cost, arcs with
  flow backward at -cost; no negative cycle at an optimum, so Bellman-Ford applies). This is
  the exact optimum with the pair fixed, in whole pence, for every pair of the referral from
  one shortest-path search (on the reversed residual network, from r).
* Otherwise, by re-solving with the pair fixed: the referral locked there (on the provider's
  first open days; with places counted per weekday this fixes the days too, so the figure is
  an upper bound) and the rest solved again.
"""

from __future__ import annotations

import logging
import time

import numpy as np
from numpy.typing import NDArray
from pydantic import Field
from scipy import sparse
from scipy.sparse.csgraph import NegativeCycleError, shortest_path

from optimiser.core.errors import OptimiserError
from optimiser.core.options import SolveOptions
from optimiser.core.status import SolveStatus
from optimiser.placements import model as placement_model
from optimiser.placements.backends.flow import FlowArrays, flow_arrays
from optimiser.placements.evidence import ProviderArrays, static_failures
from optimiser.placements.model import PlacementModel
from optimiser.placements.pairs import Floats, Ints, grid_km
from optimiser.placements.replan import replan_instance
from optimiser.placements.schema import WEEKDAYS, Lock, PlacementInstance
from optimiser.placements.solution import Out, PlacementSolution, RuleFailure
from optimiser.placements.solve import solve_placements

log = logging.getLogger(__name__)
MIN_RESOLVE_SECONDS = 0.5  # a re-solve given less would end with its starting plan


class Alternative(Out):
    """An eligible provider for the referral, with its cost to the whole plan."""

    provider: str
    lot: str
    days_per_week: int = Field(default=0, description="Days a week (one option of a range).")
    cost_gbp: float = Field(description="The placement's own cost: charge, travel, move.")
    travel_km: float
    quality_rating: int
    extra_cost_gbp: float | None = Field(
        description="What choosing it instead adds to the whole plan's objective (None: it "
        "cannot be forced, or was not worked out in time: see `extra`)."
    )
    chosen: bool
    extra: str = Field(
        default="exact",
        description="exact | at_most (the re-solve stopped at its time limit: the plan it "
        "found costs this much more, the best may cost less) | cannot_be_forced | "
        "not_worked_out (the shortlist's time limit came first)",
    )

    @property
    def extra_words(self) -> str | None:
        """The extra cost's cell in words where there is no figure to show; None otherwise
        (a figure, "at most" before it when `extra` is at_most)."""
        if self.extra == "not_worked_out":
            return "not worked out in time"
        return "cannot be placed there" if self.extra_cost_gbp is None else None


class Excluded(Out):
    """A provider of the referral's lots that a rule excludes, with the rules it fails."""

    provider: str
    lot: str
    distance_km: float
    failures: list[RuleFailure]


class Shortlist(Out):
    """The best providers for one referral and those excluded, with reasons."""

    reference: str
    placed_with: str | None
    lot: str | None
    objective_gbp: float
    method: str = Field(description="reduced_costs (exact, flow) | resolve")
    alternatives: list[Alternative]
    excluded: list[Excluded]
    sentence: str
    notes: list[str] = Field(default_factory=list, description="What the figures leave out.")


def shortlist(
    inst: PlacementInstance,
    plan: PlacementSolution,
    reference: str,
    *,
    k: int = 5,
    options: SolveOptions | None = None,
    started: float | None = None,
) -> Shortlist:
    """The k best eligible providers for one referral (by extra cost to the plan), and every
    other provider of its lots with the rules that exclude it. `inst` is checked and `plan` is
    its solution. A time limit in `options` holds for the whole shortlist, counted from
    `started` (time.monotonic(); default now): re-solves share it, cheapest pair first."""
    started = time.monotonic() if started is None else started
    limit = options.time_limit_seconds if options is not None else None
    deadline = None if limit is None else started + limit
    kept = [p for p in plan.placements if p.locked]
    if kept:  # the plan's locked placements are part of the instance it solved
        inst = replan_instance(inst, plan.model_copy(update={"placements": kept}))
    r = next(i for i, x in enumerate(inst.referrals) if x.reference == reference)
    if inst.referrals[r].lock is not None:  # a locked referral: its alternatives, unlocked
        inst = _unlocked(inst, r)
    built = placement_model.build(inst)
    fr = next(i for i, x in enumerate(built.inst.referrals) if x.reference == reference)
    mine = np.flatnonzero(built.pairs.ref == fr)
    choice = _choice(built, plan)
    objective = float(plan.totals.objective_gbp) if plan.totals else 0.0
    exact = not placement_model.flow_blockers(built) and plan.status is SolveStatus.OPTIMAL
    try:
        extra = _residual_extra(built, choice, fr, mine) if exact else None
    except NegativeCycleError:  # the plan is not an optimum of this instance
        extra = None
    method, kinds = "reduced_costs", ["exact"] * len(mine)
    if extra is None:
        extra, kinds = _resolve_extra(inst, built, mine, objective, (options, deadline))
        method = "resolve"
    alternatives = _alternatives(built, mine, extra, int(choice[fr]), kinds)
    ordered = sorted(alternatives, key=lambda a: (not a.chosen, _key(a.extra_cost_gbp)))
    chosen = next((a for a in alternatives if a.chosen), None)
    return Shortlist(
        reference=reference,
        placed_with=chosen.provider if chosen else None,
        lot=chosen.lot if chosen else None,
        objective_gbp=objective,
        method=method,
        alternatives=ordered[: k + (1 if chosen else 0)],
        excluded=_excluded(built, fr),
        sentence=_sentence(_Names.of(inst), chosen, [a for a in ordered if not a.chosen]),
        notes=_notes(kinds, limit),
    )


def _notes(kinds: list[str], limit: float | None) -> list[str]:
    """What the time limit left out, in words."""
    out = []
    late, capped = kinds.count("not_worked_out"), kinds.count("at_most")
    if late:
        out.append(
            f"{late} of {len(kinds)} providers' extra costs were not worked out within the "
            f"time limit of {limit:g} s (the cheapest placements were worked out first)."
        )
    if capped:
        out.append(
            f"{capped} re-plans stopped at the time limit: their extra costs are at most the "
            "figures shown."
        )
    return out


def _key(extra: float | None) -> float:
    return float("inf") if extra is None else extra


def _unlocked(inst: PlacementInstance, r: int) -> PlacementInstance:
    refs = list(inst.referrals)
    refs[r] = refs[r].model_copy(update={"lock": None})
    return inst.model_copy(update={"referrals": refs})


def _choice(built: PlacementModel, plan: PlacementSolution) -> Ints:
    """The plan's pair for each unlocked referral (-1: unplaced)."""
    inst, pairs = built.inst, built.pairs
    n_p, n_l = len(inst.providers), len(inst.lots)
    keys = (pairs.ref * n_p + pairs.prov) * n_l + pairs.lot
    where = {int(key): i for i, key in enumerate(keys)}
    ref_i = {x.reference: i for i, x in enumerate(inst.referrals)}
    prov_i = {p.id: i for i, p in enumerate(inst.providers)}
    lot_i = {x.id: i for i, x in enumerate(inst.lots)}
    choice = np.full(built.n_referrals, -1, np.int64)
    for pl in plan.placements:  # a placement naming ids the instance lacks is not its plan's
        if pl.reference in ref_i and pl.provider in prov_i and pl.lot in lot_i:
            key = (ref_i[pl.reference] * n_p + prov_i[pl.provider]) * n_l + lot_i[pl.lot]
            choice[ref_i[pl.reference]] = where.get(key, -1)
    return choice


def _residual_extra(built: PlacementModel, choice: Ints, r: int, mine: Ints) -> Floats:
    """c_i + dist(h_i -> r) in the plan's residual network, pounds (0 for the plan's pair)."""
    arrays = flow_arrays(built)
    flows = _arc_flows(arrays, choice, built.n_referrals)
    room, back = flows < arrays.caps, flows > 0
    tails = np.concatenate([arrays.tails[room], arrays.heads[back]])
    heads = np.concatenate([arrays.heads[room], arrays.tails[back]])
    costs = np.concatenate([arrays.costs[room], -arrays.costs[back]]).astype(float)
    n = len(arrays.supplies)
    # reversed network, one arc (the cheapest) per node pair: dist_rev(r -> v) = dist(v -> r)
    order = np.lexsort((costs, tails, heads))
    h, t, c = heads[order], tails[order], costs[order]
    first = np.ones(len(h), dtype=bool)
    first[1:] = (h[1:] != h[:-1]) | (t[1:] != t[:-1])
    graph = sparse.csr_matrix((c[first], (h[first], t[first])), shape=(n, n))
    dist = shortest_path(graph, method="BF", directed=True, indices=r)
    head_of = arrays.heads[: arrays.n_pairs][mine]
    extra = (arrays.costs[: arrays.n_pairs][mine] + dist[head_of]) / 100.0
    extra[mine == choice[r]] = 0.0
    extra[~np.isfinite(extra)] = np.nan  # no way back to r: the pair cannot be forced
    return np.asarray(np.round(extra, 2), dtype=float)


def _arc_flows(arrays: FlowArrays, choice: Ints, n_ref: int) -> NDArray[np.int64]:
    """The flow on every arc of the network for a plan: pair arcs and unplaced arcs from the
    choice, then each inner arc carries what reaches its tail (capacity nodes first)."""
    flows = np.zeros(len(arrays.tails), np.int64)
    placed = choice >= 0
    flows[choice[placed]] = 1
    flows[arrays.n_pairs + np.flatnonzero(~placed)] = 1
    inflow = np.bincount(
        arrays.heads[: arrays.n_pairs + n_ref],
        weights=flows[: arrays.n_pairs + n_ref],
        minlength=len(arrays.supplies),
    ).astype(np.int64)
    inner = np.arange(arrays.n_pairs + n_ref, len(arrays.tails))
    providers = set(arrays.tails[inner][np.isin(arrays.tails[inner], arrays.heads[inner])])
    for stage in (False, True):  # capacity nodes, then providers (which they feed)
        for a in inner:
            if (int(arrays.tails[a]) in providers) is stage:
                flows[a] = inflow[arrays.tails[a]]
                inflow[arrays.heads[a]] += flows[a]
    return flows


def _resolve_extra(
    inst: PlacementInstance,
    built: PlacementModel,
    mine: Ints,
    objective: float,
    budget: tuple[SolveOptions | None, float | None],
) -> tuple[Floats, list[str]]:
    """Solve again with the referral locked at each pair (nan: the pair cannot be forced, or
    was not reached), cheapest pair first, each re-solve within what is left of the deadline;
    with each figure, how far to trust it (Alternative.extra)."""
    options, deadline = budget
    extra = np.full(len(mine), np.nan)
    kinds = ["not_worked_out"] * len(mine)
    pairs = built.pairs
    reference = built.inst.referrals[int(pairs.ref[mine[0]])].reference if len(mine) else ""
    at = next((i for i, x in enumerate(inst.referrals) if x.reference == reference), -1)
    for j in np.argsort(pairs.cost[mine], kind="stable").tolist():
        i = int(mine[j])
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left < MIN_RESOLVE_SECONDS:
            break
        p = inst.providers[int(pairs.prov[i])]
        days = int(pairs.days[i])
        lock = Lock(
            provider=p.id,
            lot=inst.lots[int(pairs.lot[i])].id,
            weekdays=[d for d in WEEKDAYS if d in p.open_days][:days],
        )
        refs = list(inst.referrals)
        refs[at] = refs[at].model_copy(update={"lock": lock})
        given = options or SolveOptions()
        if left is not None:
            given = given.model_copy(update={"time_limit_seconds": left})
        kinds[j] = "cannot_be_forced"
        try:
            forced = solve_placements(inst.model_copy(update={"referrals": refs}), given)
        except OptimiserError:  # the pair cannot be forced (locked places fill it)
            continue
        if forced.totals is not None:
            kept = forced.totals.objective_gbp + float(pairs.move[i] + pairs.preference[i])
            extra[j] = round(kept - objective, 2)
            kinds[j] = "exact" if forced.status is SolveStatus.OPTIMAL else "at_most"
    return extra, kinds


def _alternatives(
    built: PlacementModel, mine: Ints, extra: Floats, chosen: int, kinds: list[str]
) -> list[Alternative]:
    inst, pairs = built.inst, built.pairs
    return [
        Alternative(
            provider=inst.providers[int(pairs.prov[i])].id,
            lot=inst.lots[int(pairs.lot[i])].id,
            days_per_week=int(pairs.days[i]),
            cost_gbp=round(float(pairs.cost[i]), 2),
            travel_km=round(float(pairs.distance_km[i]), 2),
            quality_rating=int(built.quality[i]),
            extra_cost_gbp=None if np.isnan(extra[j]) else float(extra[j]),
            chosen=int(i) == chosen,
            extra="cannot_be_forced" if np.isnan(extra[j]) and kinds[j] == "exact" else kinds[j],
        )
        for j, i in enumerate(mine.tolist())
    ]


def _excluded(built: PlacementModel, r: int) -> list[Excluded]:
    """Every provider of the referral's lots that a rule excludes, with the rules' figures."""
    inst, out = built.inst, []
    pa = ProviderArrays.of(inst, built.ra.need_ids)
    refs = np.array([r], dtype=np.int64)
    for lot_id in inst.referrals[r].lots:
        lot = built.ra.lot_index[lot_id]
        cols = np.array(
            [[i for i, p in enumerate(inst.providers) if lot_id in {x.lot for x in p.lots}]],
            dtype=np.int64,
        )
        km = grid_km(pa.east[cols] - built.ra.easting[r], pa.north[cols] - built.ra.northing[r])
        texts = static_failures(built, pa, (lot, refs, cols), km)
        out += [
            Excluded(
                provider=inst.providers[int(cols[0, c])].id,
                lot=inst.lots[lot].id,
                distance_km=round(float(km[0, c]), 2) * _travels(pa, int(cols[0, c])),
                failures=failed,
            )
            for (_, c), failed in sorted(texts.items(), key=lambda kv: float(km[0, kv[0][1]]))
        ]
    return out


def _travels(pa: ProviderArrays, pi: int) -> int:
    """1 where the pupil travels to the provider, 0 online or outreach."""
    return 0 if pa.online[pi] or pa.outreach[pi] else 1


class _Names:
    """The instance's names of providers and lots, by id, for sentences an officer reads."""

    def __init__(self, providers: dict[str, str], lots: dict[str, str]) -> None:
        self.providers, self.lots = providers, lots

    @classmethod
    def of(cls, inst: PlacementInstance) -> _Names:
        return cls({p.id: p.name for p in inst.providers}, {x.id: x.name for x in inst.lots})

    def who(self, a: Alternative) -> str:
        return self.providers.get(a.provider, a.provider)

    def what(self, a: Alternative, ranged: bool) -> str:
        """The lot's name, and the days a week where the referral gives a range (commas, not
        brackets: a lot's name may hold brackets of its own)."""
        lot = self.lots.get(a.lot, a.lot)
        return f"{lot}, {a.days_per_week} days a week" if ranged else lot


def _sentence(names: _Names, chosen: Alternative | None, others: list[Alternative]) -> str:
    """Why this provider and not the next cheapest (by the placement's own cost), with the
    providers' and lots' names; the days a week named where the referral gives a range (one
    alternative per number of days)."""
    rivals = sorted(others, key=lambda a: a.cost_gbp)
    if not rivals:
        return "No other eligible provider." if chosen else "No eligible provider."
    nxt = rivals[0]
    every = [*others, *([chosen] if chosen else [])]
    ranged = len({(a.provider, a.lot) for a in every}) < len(every)
    head = (
        f"Placed with {names.who(chosen)}, {names.what(chosen, ranged)}, "
        f"at £{chosen.cost_gbp:,.0f}. "
        if chosen
        else "Not placed. "
    )
    if nxt.extra == "not_worked_out":
        return head + (
            f"Next cheapest: {names.who(nxt)}, {names.what(nxt, ranged)}, at "
            f"£{nxt.cost_gbp:,.0f}; what choosing it instead adds to the plan was not worked "
            "out within the time limit."
        )
    if nxt.extra_cost_gbp is None:
        return head + (
            f"{names.who(nxt)} (£{nxt.cost_gbp:,.0f}) cannot be chosen instead: locked "
            "placements hold its places in these weeks."
        )
    text = (
        f"{head}Next cheapest: {names.who(nxt)}, {names.what(nxt, ranged)}, at "
        f"£{nxt.cost_gbp:,.0f}; choosing it instead adds "
        f"{'at most ' if nxt.extra == 'at_most' else ''}£{nxt.extra_cost_gbp:,.0f} to the plan"
    )
    own = nxt.cost_gbp - (chosen.cost_gbp if chosen else 0.0)
    if chosen and nxt.extra_cost_gbp > own + 0.5:
        return text + " (its places serve other referrals more cheaply)."
    return text + "."
