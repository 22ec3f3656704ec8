"""Referrals left unplaced because every eligible provider is full, found and described in bulk.

At scale most unplaced referrals are `all_full` (20,000 x 500: 8,522 of 9,158, each naming
about 27 full providers), and judging their candidates one by one in Python was the largest
part of the engine's time after the flow solve. Here the whole set is judged with array
operations over the plan's full rows (explain.Load's CSR of pair -> capacity rows without
room): a referral is `all_full` when every candidate pair has a full row; its full providers
are the (provider, limit) groups of the union of those rows, each with the weeks of its rows.
Every (group, weeks) combination is described once and shared. Referrals with a
weekday-packed candidate (judged per pair and day) are left to explain.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimiser.core.rounding import round_all
from optimiser.placements.model import PlacementModel
from optimiser.placements.pairs import Ints
from optimiser.placements.solution import FullProvider, Unplaced

Describe = Callable[[int], tuple[str, str]]  # capacity row -> (provider id, limit in words)
Record = Callable[[str, str, tuple[int, ...]], FullProvider]  # shared FullProvider records
Csr = tuple[Ints, Ints]  # starts (n + 1) and values


@dataclass(frozen=True)
class _Groups:
    """Each capacity row's (provider, limit) group, numbered in the order explanations list
    them (by provider id, then limit), and its bit among its group's rows (ordered by week)."""

    group: Ints
    bit: NDArray[np.int64]
    keys: list[tuple[str, str]]
    members: list[list[int]]  # group -> its rows, by week

    @classmethod
    def of(cls, model: PlacementModel, describe: Describe) -> _Groups | None:
        """None when a group has more rows than a 62-bit mask holds (the caller falls back)."""
        names = [describe(k) for k in range(len(model.rows))]
        keys = sorted(set(names))
        number = {key: g for g, key in enumerate(keys)}
        members: list[list[int]] = [[] for _ in keys]
        for k in sorted(range(len(names)), key=lambda k: model.rows[k].week):
            members[number[names[k]]].append(k)
        if max((len(m) for m in members), default=0) > 62:
            return None
        group = np.array([number[n] for n in names], dtype=np.int64)
        bit = np.zeros(len(names), dtype=np.int64)
        for rows in members:
            bit[rows] = np.left_shift(1, np.arange(len(rows), dtype=np.int64))
        return cls(group, bit, keys, members)


def _expand(starts: Ints, counts: Ints) -> Ints:
    """The indices starts[j] .. starts[j] + counts[j] - 1 of every j, concatenated."""
    total = int(counts.sum())
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + offsets


def _distinct(keys: Ints) -> Ints:
    """The distinct keys, sorted (a sort and a comparison: np.unique hashes, slower here)."""
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def _combos(g: Ints, masks: NDArray[np.int64]) -> tuple[list[tuple[int, int]], Ints]:
    """The distinct (group, mask) pairs and, for each input, the number of its pair."""
    order = np.lexsort((masks, g))
    gs, ms = g[order], masks[order]
    new = np.r_[True, (gs[1:] != gs[:-1]) | (ms[1:] != ms[:-1])]
    number = np.empty(len(g), dtype=np.int64)
    number[order] = np.cumsum(new) - 1
    return list(zip(gs[new].tolist(), ms[new].tolist(), strict=True)), number


def all_full(
    model: PlacementModel,
    refs: Ints,
    candidates: Csr,
    full: Csr,
    describe: tuple[Describe, Record],
) -> dict[int, Unplaced]:
    """The `all_full` answers of the referrals in `refs` (unplaced) whose candidate pairs
    (candidates: referral -> pairs, as bounds into an order of the pairs) all have a full
    row (full: pair -> rows) and none is weekday-packed."""
    groups = _Groups.of(model, describe[0]) if model.rows else None
    bounds, order = candidates
    counts = bounds[refs + 1] - bounds[refs]
    refs, counts = refs[counts > 0], counts[counts > 0]
    if groups is None or len(refs) == 0:
        return {}
    owner = np.repeat(np.arange(len(refs)), counts)
    pair = order[_expand(bounds[refs], counts)]
    n_full = full[0][pair + 1] - full[0][pair]
    packed = np.isin(pair, np.fromiter(model.weekday, np.int64, len(model.weekday)))
    room = np.bincount(owner, weights=(n_full == 0) | packed, minlength=len(refs)) > 0
    if room.all():
        return {}
    take = ~room[owner]
    rows = full[1][_expand(full[0][pair[take]], n_full[take])]
    n_rows = len(model.rows)
    held = _distinct(np.repeat(owner[take], n_full[take]) * n_rows + rows)
    who, row = held // n_rows, held % n_rows
    by_group = np.argsort(who * len(groups.keys) + groups.group[row], kind="stable")
    who, row = who[by_group], row[by_group]
    g = groups.group[row]
    runs = np.flatnonzero(np.r_[True, (who[1:] != who[:-1]) | (g[1:] != g[:-1])])
    masks = np.bitwise_or.reduceat(groups.bit[row], runs)
    combos, inverse = _combos(g[runs], masks)
    records = [_record(groups, describe[1], model, int(g), int(m)) for g, m in combos]
    texts = [f"{f.provider} ({f.limit}, weeks {', '.join(map(str, f.weeks))})" for f in records]
    per: list[int] = np.searchsorted(who[runs], np.arange(len(refs) + 1)).tolist()
    which: list[int] = inverse.tolist()
    numbers: list[int] = refs.tolist()  # plain ints and floats: numpy's scalars are slow
    penalties = round_all(model.penalty[refs], 2)
    said: dict[tuple[int, ...], tuple[list[FullProvider], str]] = {}  # neighbours share lists
    out = {}
    for j in np.flatnonzero(~room).tolist():
        ids = tuple(which[per[j] : per[j + 1]])
        if ids not in said:
            said[ids] = [records[c] for c in ids], "; ".join([texts[c] for c in ids])
        named, text = said[ids]
        r = numbers[j]
        out[r] = Unplaced(
            reference=model.inst.referrals[r].reference,
            reason="all_full",
            full=named,
            penalty_gbp=penalties[j],
            explanation=f"every eligible provider is full: {text}.",
        )
    return out


def _record(
    groups: _Groups, record: Record, model: PlacementModel, g: int, mask: int
) -> FullProvider:
    """The shared record of group g at the weeks of the rows its mask sets."""
    rows = [k for b, k in enumerate(groups.members[g]) if mask >> b & 1]
    provider, limit = groups.keys[g]
    return record(provider, limit, tuple(sorted({model.rows[k].week for k in rows})))
