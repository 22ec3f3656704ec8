"""Capacity rows of the placement model, shared by every backend.

Places at any one time are checked at the weeks where a placement starts (not week by week):
for a resource R (a provider's shared places, one lot's places, an unregistered provider's
full-time pupils, or one open weekday) and each such week w,

    sum_{i in R, start_i <= w <= end_i} use_i y_i <= cap_R      (weekday rows: z_{i,d} for y_i).

Rows that can never bind (all candidates fit) are dropped; when every candidate of a resource
is active at its latest start week, that week's row dominates the rest and is the only one kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimiser.placements.pairs import Ints, Pairs, ReferralArrays
from optimiser.placements.schema import WEEKDAYS, PlacementInstance


@dataclass(frozen=True)
class CapacityRow:
    kind: str  # places | lot_places | full_time | weekday
    provider: int
    lot: int | None
    week: int
    day: int | None  # index into WEEKDAYS, for weekday rows
    cap: int
    pairs: Ints
    coef: Ints
    covers_all: bool  # every candidate of the resource is active at this week


def capacity_rows(inst: PlacementInstance, ra: ReferralArrays, pairs: Pairs) -> list[CapacityRow]:
    rows: list[CapacityRow] = []
    ctx = (ra, pairs)
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
            sub = mine[ra.days[pairs.ref[mine]] >= inst.policy.full_time_days]
            rows += _rows(ctx, "full_time", pi, cap, sub, coef=np.ones(len(sub), np.int64))
        if p.places_per_weekday is not None:
            ones = np.ones(len(mine), np.int64)
            for day in p.open_days:
                di = WEEKDAYS.index(day)
                rows += _rows(ctx, "weekday", pi, p.places_per_weekday, mine, coef=ones, day=di)
    return rows


def _rows(
    ctx: tuple[ReferralArrays, Pairs],
    kind: str,
    pi: int,
    cap: int,
    idx: Ints,
    *,
    coef: Ints,
    lot: int | None = None,
    day: int | None = None,
) -> list[CapacityRow]:
    """One row per start week at which the candidates could exceed the capacity."""
    ra, pairs = ctx
    if len(idx) == 0 or int(coef.sum()) <= cap:
        return []
    start, end = ra.start[pairs.ref[idx]], ra.end[pairs.ref[idx]]
    weeks = [int(start.max())] if end.min() >= start.max() else sorted({int(w) for w in start})
    out = []
    for w in weeks:
        active = (start <= w) & (end >= w)
        if int(coef[active].sum()) > cap:
            row = CapacityRow(
                kind, pi, lot, w, day, cap, idx[active], coef[active], bool(active.all())
            )
            out.append(row)
    return out


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
