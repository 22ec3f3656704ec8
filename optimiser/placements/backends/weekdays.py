"""Places per weekday, aggregated: one row per provider and week, relaxed into min-cost flow.

Where every placement that may go to a weekday provider p overlaps in time (each of its
weekday rows covers all its pairs: one term's intake), p's rows, one per open day d,

    sum_i z_{i,d} <= c_d        with sum_d z_{i,d} = days_i y_i,

admit a choice of days for the placed pupils exactly when

    sum_{i at p} days_i y_i <= sum_d c_d      (c_d all equal)

(each pupil attends at most as many days as p opens, an eligibility rule): cyclic filling
(each pupil in turn takes the next days_i open days, round the week) gives every pupil distinct
days and loads every day within one of every other (tests/test_oracle.py proves it on every
small case); taking the days with most room left does the same. Where placements do not all
overlap, there is one such row per provider and check week w (its pairs active at w, the
rooms at w): still implied by the day rows, so still a valid bound, but no longer enough for
days that stay the same all through a placement; days are then chosen with the most room left
over the weeks a pupil attends, and a pupil who cannot be fitted is left unplaced. The same
holds where rooms differ by day (locked placements hold some days).

The aggregated rows have the shape a . y <= b, so the Lagrangian backend relaxes them with
the side rules: each flow solve gives a lower bound, its plan is made to keep the rows by
`repair` (a provider over its days drops its placements worth least per day), and `days_of`
gives the days.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy import sparse

from optimiser.placements.model import PlacementModel
from optimiser.placements.pairs import Floats, Ints

TOL = 1e-9


def pair_days(model: PlacementModel) -> Ints:
    """Days a week of each pair (a referral with a range of days has a pair per number)."""
    return model.pairs.days


def applies(model: PlacementModel) -> bool:
    """Whether the instance counts places per weekday (it has weekday rows)."""
    return any(r.kind == "weekday" for r in model.rows)


def aggregated_rows(model: PlacementModel) -> tuple[list[str], sparse.csr_matrix, Floats]:
    """One row per weekday provider and check week: sum_i days_i y_i over its pairs active
    that week <= the sum of its open days' rooms that week (a day with no row, one where every
    candidate fits or another week's row dominates, counts its declared places); days_i are
    the pair's days (a referral with a range has one pair per number of days)."""
    by_week: dict[tuple[int, int], list[int]] = defaultdict(list)
    for k, r in enumerate(model.rows):
        if r.kind == "weekday":
            by_week[r.provider, r.week].append(k)
    days = pair_days(model).astype(float)
    names, b, cols, row_of = [], [], [], []
    for n, ((pi, week), ks) in enumerate(sorted(by_week.items())):
        p = model.inst.providers[pi]
        declared = p.places_per_weekday or 0
        rooms = [model.rows[k].cap for k in ks] + [declared] * (len(p.open_days) - len(ks))
        names.append(f"weekdays({p.id},w{week})")
        b.append(float(sum(rooms)))
        mine = np.unique(np.concatenate([model.rows[k].pairs for k in ks]))
        cols.append(mine)
        row_of.append(np.full(len(mine), n, np.int64))
    col = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    row = np.concatenate(row_of) if row_of else np.zeros(0, np.int64)
    a = sparse.csr_matrix((days[col], (row, col)), shape=(len(names), len(model.pairs)))
    return names, a, np.array(b, float)


def repair(model: PlacementModel, a: sparse.csr_matrix, b: Floats, choice: Ints) -> Ints:
    """The plan with every aggregated row kept: at a provider over its days, its placements
    worth least per day (penalty saved less cost, over days) are dropped until it fits."""
    choice = choice.copy()
    chosen = choice[choice >= 0]
    over = (a[:, chosen] @ np.ones(len(chosen))) - b > TOL
    if not over.any():
        return choice
    pairs = model.pairs
    for k in np.flatnonzero(over).tolist():
        mine = chosen[np.isin(chosen, a.indices[a.indptr[k] : a.indptr[k + 1]])]
        days = np.asarray(a[k, mine].todense()).ravel()
        worth = (model.penalty[pairs.ref[mine]] - pairs.cost[mine]) / days
        keep = np.cumsum(days[np.argsort(-worth, kind="stable")]) <= b[k] + TOL
        dropped = mine[np.argsort(-worth, kind="stable")[~keep]]
        choice[pairs.ref[dropped]] = -1
    return choice


def days_of(model: PlacementModel, choice: Ints) -> tuple[Ints, dict[int, list[int]]]:
    """Days for every placed pupil at a weekday provider: each in turn takes the days_i open
    days with the most room left over the weeks it attends (cyclic filling where placements
    overlap and rooms are equal); a pupil who cannot be fitted is left unplaced."""
    choice = choice.copy()
    room: dict[tuple[int, int, int], int] = {}  # (provider, day, week) -> room left
    weeks: dict[tuple[int, int], list[int]] = defaultdict(list)  # (provider, day) -> weeks
    for r in model.rows:
        if r.kind == "weekday" and r.day is not None:
            room[r.provider, r.day, r.week] = r.cap
            weeks[r.provider, r.day].append(r.week)
    out: dict[int, list[int]] = {}
    per_pair, ra = pair_days(model), model.ra
    for ref in np.flatnonzero(choice >= 0).tolist():
        i = int(choice[ref])
        if i not in model.weekday:
            continue
        pi, need = int(model.pairs.prov[i]), int(per_pair[i])
        span = (int(ra.start[ref]), int(ra.end[ref]))
        held = {
            d: [(pi, d, w) for w in weeks.get((pi, d), []) if span[0] <= w <= span[1]]
            for d in model.weekday[i]
        }
        left = {d: min((room[k] for k in keys), default=need + 1) for d, keys in held.items()}
        best = sorted(left, key=lambda d: -left[d])[:need]
        if len(best) < need or min((left[d] for d in best), default=0) < 1:
            choice[ref] = -1
            continue
        for d in best:
            for k in held[d]:
                room[k] -= 1
        out[i] = sorted(best)
    return choice, out
