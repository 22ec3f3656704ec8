"""Does pricing out the flow network pay? `python -m bench.pricing [--sizes 20000x500]
[--keep 10] [--add 0]`.

The plain case is one min-cost flow over every eligible pair (668,695 arcs at 20,000 x 500).
Column generation could solve it on fewer arcs, exactly:

1. keep each referral's `keep` cheapest pair arcs (with every unplaced and capacity arc);
2. solve that network; from its optimal flow, node potentials d with
   `d_j <= d_i + c_ij` on every residual arc (shortest paths from a virtual root joined to
   every node at cost 0). A referral's only arc in is the reverse of the arc its unit takes,
   so the referral nodes are eliminated: `d_r = min(0, d_h(r) - c_r)` and the shortest
   paths run over the provider, capacity and sink nodes only (Bellman-Ford in arrays);
3. an omitted arc (r, h) with reduced cost `c_rh + d_r - d_h < 0` could improve the plan: add
   them (every one, or with --add k each referral's k most negative) and go to 2. With none,
   the potentials prove the flow optimal on the whole network.

Each size runs the whole network once and then the rounds, and prints each round's arcs, solve
and pricing seconds, and the total as a ratio to the whole network's solve. The objectives
must agree to the penny (whole pence, as the engine's flow).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from ortools.graph.python import min_cost_flow

from bench.scale import make_instance
from optimiser.placements.backends.flow import FlowArrays, flow_arrays, run_flow
from optimiser.placements.pairs import Ints


def _solve(arrays: FlowArrays, keep: Ints) -> tuple[Ints, Ints, int]:
    """The network with only the kept pair arcs: the arcs used (indices into the whole
    network), their flows, and the cost in pence."""
    chosen = np.concatenate([keep, np.arange(arrays.n_pairs, len(arrays.tails))])
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        arrays.tails[chosen], arrays.heads[chosen], arrays.caps[chosen], arrays.costs[chosen]
    )
    smcf.set_nodes_supplies(np.arange(len(arrays.supplies)), arrays.supplies)
    if smcf.solve() != smcf.OPTIMAL:
        raise RuntimeError("the restricted network has no optimal flow")
    return chosen, smcf.flows(arcs), int(smcf.optimal_cost())


def _potentials(arrays: FlowArrays, chosen: Ints, flows: Ints, n_ref: int) -> tuple[Ints, Ints]:
    """Node potentials (d of every node, d_r of every referral) from an optimal flow of the
    restricted network, over its residual arcs with the referral nodes eliminated."""
    tails, heads = arrays.tails[chosen], arrays.heads[chosen]
    costs, caps, n = arrays.costs[chosen], arrays.caps[chosen], len(arrays.supplies)
    from_ref = tails < n_ref
    used, free = from_ref & (flows > 0), from_ref & (flows == 0)
    head_of, cost_of = np.zeros(n_ref, np.int64), np.zeros(n_ref, np.int64)
    head_of[tails[used]], cost_of[tails[used]] = heads[used], costs[used]
    start = np.zeros(n, np.int64)  # the virtual root: 0, or less through a referral
    np.minimum.at(start, heads[free], costs[free])
    inner = ~from_ref
    ahead, back = flows[inner] < caps[inner], flows[inner] > 0
    t = np.concatenate([head_of[tails[free]], tails[inner][ahead], heads[inner][back]])
    h = np.concatenate([heads[free], heads[inner][ahead], tails[inner][back]])
    w = np.concatenate([costs[free] - cost_of[tails[free]], np.zeros(ahead.sum() + back.sum())])
    d = start
    for _ in range(n + 1):
        nxt = d.copy()
        np.minimum.at(nxt, h, d[t] + w.astype(np.int64))
        if np.array_equal(nxt, d):
            return d, np.minimum(0, d[head_of] - cost_of)
        d = nxt
    raise RuntimeError("a negative cycle: the restricted flow is not optimal")


def priced(arrays: FlowArrays, n_ref: int, keep: int, add: int) -> tuple[int, list[str]]:
    """Column generation as above: the optimal cost in pence and a line per round."""
    ref, cost = arrays.tails[: arrays.n_pairs], arrays.costs[: arrays.n_pairs]
    order = np.lexsort((cost, ref))
    first = np.searchsorted(ref[order], np.arange(n_ref))
    rank = np.empty(len(ref), np.int64)
    rank[order] = np.arange(len(ref)) - first[ref[order]]
    kept = rank < keep
    lines = []
    while True:
        t = time.perf_counter()
        chosen, flows, total = _solve(arrays, np.flatnonzero(kept))
        solved = time.perf_counter()
        d, d_ref = _potentials(arrays, chosen, flows, n_ref)
        reduced = cost + d_ref[ref] - d[arrays.heads[: arrays.n_pairs]]
        better = ~kept & (reduced < 0)
        if add and better.any():
            cand = np.flatnonzero(better)
            by = np.lexsort((reduced[cand], ref[cand]))
            cand = cand[by]
            at = np.searchsorted(ref[cand], ref[cand], side="left")
            better[:] = False
            better[cand[np.arange(len(cand)) - at < add]] = True
        lines.append(
            f"  arcs {int(kept.sum()):>9,}  solve {solved - t:6.3f} s  pricing "
            f"{time.perf_counter() - solved:6.3f} s  improving arcs added {int(better.sum()):,}"
        )
        if not better.any():
            return total, lines
        kept |= better


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="20000x500", help="comma-separated NxM")
    ap.add_argument("--keep", type=int, default=10, help="cheapest pair arcs kept per referral")
    ap.add_argument("--add", type=int, default=0, help="improving arcs added per referral (0: all)")
    args = ap.parse_args()
    from optimiser import parse_placements  # noqa: PLC0415
    from optimiser.placements.model import build  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            n, m = (int(x) for x in size.split("x"))
            path = make_instance(n, m, "plain", Path(tmp))
            model = build(parse_placements(json.loads(path.read_text())))
            arrays = flow_arrays(model)
            t = time.perf_counter()
            flows = run_flow(arrays)
            whole = time.perf_counter() - t
            pence = _pence(arrays, flows, model.n_referrals)
            t = time.perf_counter()
            total, lines = priced(arrays, model.n_referrals, args.keep, args.add)
            took = time.perf_counter() - t
            print(f"{n:,} x {m:,}: whole network {len(arrays.tails):,} arcs, {whole:.3f} s")
            print("\n".join(lines))
            agree = "the same optimum" if total == pence else f"DIFFERENT: {total} vs {pence}"
            print(f"  priced: {took:.3f} s = {took / whole:.2f}x the whole network; {agree}")


def _pence(arrays: FlowArrays, flows: Ints, n_ref: int) -> int:
    """The whole network's cost in pence: pair arcs used, and unplaced referrals' penalties."""
    placed = np.zeros(n_ref, dtype=bool)
    placed[arrays.tails[: arrays.n_pairs][flows > 0]] = True
    unplaced = arrays.costs[arrays.n_pairs : arrays.n_pairs + n_ref][~placed]
    return int((arrays.costs[: arrays.n_pairs] * flows).sum() + unplaced.sum())


if __name__ == "__main__":
    main()
