"""Capacity rows of the placement model, shared by every backend.

Places at any one time are checked at the weeks where a placement starts (not week by week):
for a resource R (a provider's shared places, one lot's places, an unregistered provider's
full-time pupils, or one open weekday) and each such week w,

    sum_{i in R, start_i <= w <= end_i} use_i y_i <= cap_R      (weekday rows: z_{i,d} for y_i).

Locked placements hold part of a resource in their weeks (placements/locks.py): cap_R becomes
cap_R - held_R(w), and their start weeks are check weeks too.

Rows that can never bind (all candidates fit) are dropped; when every candidate of a resource
is active at one check week whose room is the least, that week's row dominates the rest and is
the only one kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimiser.placements.locks import Held
from optimiser.placements.pairs import Ints, Pairs, ReferralArrays
from optimiser.placements.schema import WEEKDAYS, PlacementInstance


@dataclass(frozen=True)
class CapacityRow:
    """One capacity row: at one week, sum of coef times y over its pairs <= cap."""

    kind: str  # places | lot_places | full_time | weekday
    provider: int
    lot: int | None
    week: int
    day: int | None  # index into WEEKDAYS, for weekday rows
    cap: int
    pairs: Ints
    coef: Ints
    covers_all: bool  # every candidate of the resource is active at this week


def capacity_rows(
    inst: PlacementInstance, ra: ReferralArrays, pairs: Pairs, held: Held | None = None
) -> list[CapacityRow]:
    """Every capacity row, less what locked placements hold."""
    rows: list[CapacityRow] = []
    ctx = (ra, pairs, held or Held())
    order = np.argsort(pairs.prov, kind="stable")
    bounds = np.searchsorted(pairs.prov[order], np.arange(len(inst.providers) + 1))
    for pi, p in enumerate(inst.providers):
        mine = order[bounds[pi] : bounds[pi + 1]]
        if len(mine) == 0:
            continue
        if p.places is not None:
            rows += _rows(ctx, "places", pi, p.places, mine, coef=pairs.use[mine])
        for pl in p.lots:
            if pl.places is not None:
                li = ra.lot_index[pl.lot]
                sub = mine[pairs.lot[mine] == li]
                rows += _rows(ctx, "lot_places", pi, pl.places, sub, coef=pairs.use[sub], lot=li)
        if not p.registered_school:
            cap = inst.policy.unregistered_max_full_time
            sub = mine[pairs.days[mine] >= inst.policy.full_time_days]
            rows += _rows(ctx, "full_time", pi, cap, sub, coef=np.ones(len(sub), np.int64))
        if p.places_per_weekday is not None:
            ones = np.ones(len(mine), np.int64)
            for day in p.open_days:
                di = WEEKDAYS.index(day)
                rows += _rows(ctx, "weekday", pi, p.places_per_weekday, mine, coef=ones, day=di)
    return rows


def _rows(
    ctx: tuple[ReferralArrays, Pairs, Held],
    kind: str,
    pi: int,
    cap: int,
    idx: Ints,
    *,
    coef: Ints,
    lot: int | None = None,
    day: int | None = None,
) -> list[CapacityRow]:
    """One row per check week at which the candidates could exceed the room left."""
    ra, pairs, held = ctx
    locked = held.of((kind, pi, lot, day))
    if len(idx) == 0 or int(coef.sum()) <= cap - _peak(locked):
        return []
    start, end = ra.start[pairs.ref[idx]], ra.end[pairs.ref[idx]]
    if not locked and end.min() >= start.max():
        weeks = [int(start.max())]
    else:
        first, last = int(start.min()), int(end.max())
        weeks = sorted({int(w) for w in start} | {s for s, *_ in locked if first <= s <= last})
    out = []
    for w in weeks:
        active = (start <= w) & (end >= w)
        room = cap - held.at((kind, pi, lot, day), w)
        if int(coef[active].sum()) > room:
            row = CapacityRow(
                kind, pi, lot, w, day, room, idx[active], coef[active], bool(active.all())
            )
            out.append(row)
    tightest = min((r.cap for r in out), default=0)
    whole = [r for r in out if r.covers_all and r.cap == tightest]
    return whole[:1] if whole else out


def _peak(locked: list[tuple[int, int, int]]) -> int:
    """Most places the locked placements hold at once (at one of their start weeks)."""
    return max(
        (sum(u for s, e, u in locked if s <= w <= e) for w, *_ in locked),
        default=0,
    )


def weekday_pairs(inst: PlacementInstance, pairs: Pairs) -> dict[int, list[int]]:
    """Pairs at providers that count places per weekday -> the weekday indices they may use."""
    days = {
        pi: [WEEKDAYS.index(d) for d in p.open_days]
        for pi, p in enumerate(inst.providers)
        if p.places_per_weekday is not None
    }
    return {
        int(i): days[int(pairs.prov[i])] for i in np.flatnonzero(np.isin(pairs.prov, list(days)))
    }
