"""OR-Tools min-cost flow for placements without side constraints.

Network: each referral supplies one unit; it flows either to `unplaced` (cost pen_r) or along a
pair arc (cost_i) to a provider's node, through at most one capacity node (a lot's places or
the full-time limit) and the provider's shared places, to the sink. Costs are whole pence.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from importlib.metadata import version

import numpy as np
from ortools.graph.python import min_cost_flow

from optimiser.core.errors import BackendError
from optimiser.core.status import SolveStatus
from optimiser.placements.model import Assignment, PlacementModel, objective
from optimiser.placements.pairs import Floats, Ints


@dataclass(frozen=True)
class FlowArrays:
    """The network as arrays: tails, heads, capacities, unit costs (pence), node supplies."""

    tails: Ints
    heads: Ints
    caps: Ints
    costs: Ints
    supplies: Ints
    n_pairs: int  # the first n_pairs arcs are the pair arcs


def flow_arrays(model: PlacementModel) -> FlowArrays:
    """The arrays of the model's min-cost flow network (referrals -> providers -> sink)."""
    pairs, n_ref, n_prov = model.pairs, model.n_referrals, len(model.inst.providers)
    prov0, sink = n_ref, n_ref + n_prov
    head = prov0 + pairs.prov  # where each pair arc ends
    extra: list[tuple[int, int, int]] = []  # (tail, head, capacity), zero cost
    shared = {r.provider: r.cap for r in model.rows if r.kind == "places"}
    next_node = sink + 1
    for row in model.rows:
        if row.kind in ("lot_places", "full_time"):
            head[row.pairs] = next_node
            extra.append((next_node, prov0 + row.provider, row.cap))
            next_node += 1
    extra += [(prov0 + pi, sink, shared.get(pi, n_ref + 1)) for pi in range(n_prov)]
    refs = np.arange(n_ref, dtype=np.int64)
    tails = np.concatenate([pairs.ref, refs, np.array([e[0] for e in extra], np.int64)])
    heads = np.concatenate(
        [head, np.full(n_ref, sink, np.int64), np.array([e[1] for e in extra], np.int64)]
    )
    caps = np.concatenate(
        [np.ones(len(pairs) + n_ref, np.int64), np.array([e[2] for e in extra], np.int64)]
    )
    costs = np.concatenate(
        [np.rint(pairs.cost * 100), np.rint(model.penalty * 100), np.zeros(len(extra))]
    ).astype(np.int64)
    supplies = np.zeros(next_node, np.int64)
    supplies[:n_ref], supplies[sink] = 1, -n_ref
    return FlowArrays(tails, heads, caps, costs, supplies, len(pairs))


def run_flow(arrays: FlowArrays) -> Ints:
    """Solve the network; the flow on each pair arc."""
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        arrays.tails, arrays.heads, arrays.caps, arrays.costs
    )
    smcf.set_nodes_supplies(np.arange(len(arrays.supplies)), arrays.supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise BackendError(f"min-cost flow ended with status {status}")
    flows: Ints = smcf.flows(arcs[: arrays.n_pairs])
    return flows


def choice_of(model: PlacementModel, flows: Ints) -> Ints:
    """The pair each referral takes (-1: unplaced), from the flow on the pair arcs."""
    used = np.flatnonzero(flows > 0)
    choice = np.full(model.n_referrals, -1, np.int64)
    choice[model.pairs.ref[used]] = used
    return choice


def rounding_allowance(model: PlacementModel) -> float:
    """How far whole pence move any plan's value: each referral's unit crosses one costed arc
    (a pair or unplaced), so sum_r of the largest rounding error among its arcs. The flow's
    plan is optimal in pence, hence within twice this of the true optimum."""

    def err(x: Floats) -> Floats:
        return np.abs(x - np.rint(x * 100) / 100)

    worst = err(model.penalty)
    np.maximum.at(worst, model.pairs.ref, err(model.pairs.cost))
    return float(worst.sum())


def solve_flow(model: PlacementModel) -> Assignment:
    """Solve by min-cost flow (exact when there are no side rules)."""
    started = time.perf_counter()
    arrays = flow_arrays(model)
    choice = choice_of(model, run_flow(arrays))
    allowance = rounding_allowance(model)
    return Assignment(
        choice=choice,
        status=SolveStatus.OPTIMAL,
        bound=objective(model, choice) - 2.0 * allowance,
        resolution=2.0 * allowance,
        solver="min_cost_flow",
        solver_version=f"ortools {version('ortools')}",
        backend="flow",
        seconds=time.perf_counter() - started,
        variables=len(arrays.tails),
        constraints=len(arrays.supplies),
    )
