"""OR-Tools min-cost flow for placements without side constraints.

Network: each referral supplies one unit; it flows either to `unplaced` (cost pen_r) or along a
pair arc (cost_i) to a provider's node, through at most one capacity node (a lot's places or
the full-time limit) and the provider's shared places, to the sink. Costs are whole pence.
"""

from __future__ import annotations

import time
from importlib.metadata import version

import numpy as np
from ortools.graph.python import min_cost_flow

from optimiser.errors import BackendError
from optimiser.models.placements import Assignment, PlacementModel
from optimiser.status import SolveStatus


def solve_flow(model: PlacementModel) -> Assignment:
    started = time.perf_counter()
    pairs, n_ref, n_prov = model.pairs, model.n_referrals, len(model.inst.providers)
    big = n_ref + 1
    # nodes: referrals [0, n_ref), providers, sink; then one node per capacity sub-resource
    prov0, sink = n_ref, n_ref + n_prov
    head = prov0 + pairs.prov  # where each pair arc ends
    arcs_in: list[tuple[int, int, int]] = []  # (tail, head, capacity), all at zero cost
    shared = {r.provider: r.cap for r in model.rows if r.kind == "places"}
    next_node = sink + 1
    for row in model.rows:
        if row.kind in ("lot_places", "full_time"):
            head[row.pairs] = next_node
            arcs_in.append((next_node, prov0 + row.provider, row.cap))
            next_node += 1
    arcs_in += [(prov0 + pi, sink, shared.get(pi, big)) for pi in range(n_prov)]
    tails, heads, caps = (np.array(col, np.int64) for col in zip(*arcs_in, strict=True))
    arcs = np.arange(len(pairs))
    smcf = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        pairs.ref, head, np.ones(len(pairs), np.int64), np.rint(pairs.cost * 100).astype(np.int64)
    )
    refs = np.arange(n_ref)
    smcf.add_arcs_with_capacity_and_unit_cost(
        refs,
        np.full(n_ref, sink),
        np.ones(n_ref, np.int64),
        np.rint(model.penalty * 100).astype(np.int64),
    )
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, np.zeros(len(tails), np.int64))
    supplies = np.zeros(next_node, np.int64)
    supplies[:n_ref], supplies[sink] = 1, -n_ref
    smcf.set_nodes_supplies(np.arange(next_node), supplies)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise BackendError(f"min-cost flow ended with status {status}")
    used = smcf.flows(pair_arcs) > 0
    choice = np.full(n_ref, -1, np.int64)
    choice[pairs.ref[arcs[used]]] = arcs[used]
    return Assignment(
        choice=choice,
        status=SolveStatus.OPTIMAL,
        solver="min_cost_flow",
        solver_version=f"ortools {version('ortools')}",
        backend="flow",
        seconds=time.perf_counter() - started,
        variables=len(pairs) + n_ref + len(tails),
        constraints=next_node,
    )
