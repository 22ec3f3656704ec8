"""A feasible placement plan built fast, without a solver: the first incumbent of every MIP run
and the answer when nothing better is found in time.

Greedy on the linear form (placements.linear): referrals in order of what placing them saves
(penalty minus their cheapest cost), each given the cheapest of its MAX_TRIES cheapest pairs
that keeps every inequality row (each referral once, capacity, side rules) within its bounds;
where places are counted per weekday, the days chosen are those with the most places left. The
equality rows (weekday links, the placed count) hold by construction. The empty plan keeps
every row and each step keeps them all, so the plan is feasible whatever the instance.
"""

from __future__ import annotations

import numpy as np

from optimiser.placements.linear import Block, LinearForm
from optimiser.placements.model import PlacementModel
from optimiser.placements.pairs import Floats, Ints

Plan = tuple[Ints, dict[int, list[int]]]  # a pair or -1 per referral; weekdays per packed pair

MAX_TRIES = 20  # cheapest pairs tried per referral
TOL = 1e-7


class _Columns:
    """Column access on the form's CSC matrix, and the row activities of the plan so far."""

    def __init__(self, form: LinearForm) -> None:
        csc = form.a.tocsc()
        self.ptr, self.idx, self.val = csc.indptr, csc.indices, csc.data
        self.act = np.zeros(form.a.shape[0])
        self.lo = form.lo - TOL * (1.0 + np.abs(form.lo))
        self.hi = form.hi + TOL * (1.0 + np.abs(form.hi))
        self.free = form.lo == form.hi  # equality rows: kept by construction, not checked

    def delta(self, cols: list[int]) -> tuple[Ints, Floats]:
        rows = np.concatenate([self.idx[self.ptr[j] : self.ptr[j + 1]] for j in cols])
        vals = np.concatenate([self.val[self.ptr[j] : self.ptr[j + 1]] for j in cols])
        keys, inverse = np.unique(rows, return_inverse=True)
        change: Floats = np.bincount(inverse, weights=vals).astype(float)
        return keys.astype(np.int64), change

    def take(self, cols: list[int]) -> bool:
        """Set these columns to 1 (one more placement) if every inequality row still holds."""
        rows, change = self.delta(cols)
        new = self.act[rows] + change
        ok = self.free[rows] | ((new >= self.lo[rows]) & (new <= self.hi[rows]))
        if not ok.all():
            return False
        self.act[rows] = new
        return True

    def slack(self, col: int) -> float:
        """Room left in the tightest inequality row of a weekday column."""
        rows = self.idx[self.ptr[col] : self.ptr[col + 1]]
        rows = rows[~self.free[rows]]
        return float((self.hi[rows] - self.act[rows]).min(initial=np.inf))


def greedy_plan(model: PlacementModel, form: LinearForm) -> Plan:
    """A feasible plan: the chosen pair per referral (-1 unplaced) and each packed pair's days."""
    pairs = model.pairs
    choice = np.full(model.n_referrals, -1, np.int64)
    days: dict[int, list[int]] = {}
    gain = model.penalty[pairs.ref] - pairs.cost
    cand = np.flatnonzero(gain > 1e-9)
    if len(cand) == 0:
        return choice, days
    cols = _Columns(form)
    z_first, z_count = _weekday_columns(form, len(pairs))
    placed = form.blocks.get(Block.PLACED)
    extra = [] if placed is None else [placed.start]
    z0 = form.blocks[Block.WEEKDAY].start
    order = cand[np.lexsort((pairs.cost[cand], -_best_gain(model, gain)[pairs.ref[cand]]))]
    tries = np.zeros(model.n_referrals, np.int64)
    for i in order.tolist():
        r = int(pairs.ref[i])
        if choice[r] >= 0 or tries[r] >= MAX_TRIES:
            continue
        tries[r] += 1
        chosen = [i]
        if z_count[i]:
            picked = _pick_days(cols, int(z_first[i]), int(z_count[i]), int(pairs.days[i]))
            if picked is None:
                continue
            chosen += picked
        if cols.take(chosen + extra):
            choice[r] = i
            if z_count[i]:
                days[i] = [int(form.z_day[j - z0]) for j in chosen[1:]]
    return choice, days


def _best_gain(model: PlacementModel, gain: Floats) -> Floats:
    best = np.zeros(model.n_referrals)
    np.maximum.at(best, model.pairs.ref, gain)
    return best


def _weekday_columns(form: LinearForm, n_pairs: int) -> tuple[Ints, Ints]:
    """For each pair, its first weekday column and how many it has (0: not weekday-packed)."""
    first = np.zeros(n_pairs, np.int64)
    count = np.zeros(n_pairs, np.int64)
    if len(form.z_pair):
        pair_ids, start, n = np.unique(form.z_pair, return_index=True, return_counts=True)
        first[pair_ids] = form.blocks[Block.WEEKDAY].start + start
        count[pair_ids] = n
    return first, count


def _pick_days(cols: _Columns, first: int, count: int, need: int) -> list[int] | None:
    """The `need` weekday columns with the most room, or None when fewer have room."""
    room = np.array([cols.slack(first + k) for k in range(count)])
    best = np.argsort(-room, kind="stable")[:need]
    if len(best) < need or room[best].min(initial=np.inf) < 1.0 - TOL:
        return None
    return sorted(first + int(k) for k in best)


def start_vector(form: LinearForm, choice: Ints, days: dict[int, list[int]]) -> Floats:
    """Every column's value for a plan (y, z and the placed count)."""
    x = np.zeros(form.n_cols)
    x[choice[choice >= 0]] = 1.0
    z0 = form.blocks[Block.WEEKDAY].start
    for k, (i, d) in enumerate(zip(form.z_pair.tolist(), form.z_day.tolist(), strict=True)):
        if d in days.get(i, ()):
            x[z0 + k] = 1.0
    placed = form.blocks.get(Block.PLACED)
    if placed is not None:
        x[placed.start] = float((choice >= 0).sum())
    return x
