"""The placement MIP as arrays: min c'x + offset s.t. lo <= A x <= hi, 0 <= x <= 1 (binary).

Built once from the model with numpy and scipy.sparse (no per-term Python objects), and read
by the HiGHS backend directly and by the CP-SAT backend row by row (with each row's scale to
whole numbers: pence for money, tenths for quality ratings, hundredths for shares).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from optimiser.placements.model import PlacementModel
from optimiser.placements.pairs import Floats, Ints

INF = float("inf")


@dataclass(frozen=True)
class LinearForm:
    c: Floats
    offset: float
    a: sparse.csr_matrix
    lo: Floats
    hi: Floats
    scale: Floats  # per row: multiply to make coefficients whole
    n_pairs: int
    z_pair: Ints  # for each z column: its pair
    z_day: Ints  # and its weekday
    names: list[str]

    @property
    def n_cols(self) -> int:
        return len(self.c)


class _Rows:
    def __init__(self) -> None:
        self.r: list[Ints] = []
        self.c: list[Ints] = []
        self.v: list[Floats] = []
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.scale: list[float] = []
        self.names: list[str] = []

    def add(
        self, cols: Ints, vals: Floats, lo: float, hi: float, *, scale: float, name: str
    ) -> None:
        self.r.append(np.full(len(cols), len(self.lo), np.int64))
        self.c.append(cols.astype(np.int64))
        self.v.append(vals.astype(float))
        self.lo.append(lo)
        self.hi.append(hi)
        self.scale.append(scale)
        self.names.append(name)


def linear_form(model: PlacementModel) -> LinearForm:
    """Columns: y (one per pair), then z (one per weekday-packed pair and open day), then Y
    (placements in all) when a provider share cap applies."""
    pairs, inst = model.pairs, model.inst
    n = len(pairs)
    z_pair = np.array([i for i, days in model.weekday.items() for _ in days], np.int64)
    z_day = np.array([d for days in model.weekday.values() for d in days], np.int64)
    z_col = {(int(i), int(d)): n + k for k, (i, d) in enumerate(zip(z_pair, z_day, strict=True))}
    share = inst.policy.max_provider_share
    n_cols = n + len(z_pair) + (1 if share is not None else 0)
    rows = _Rows()
    _referral_rows(rows, model)
    _capacity_rows(rows, model, z_col)
    _weekday_link_rows(rows, model, z_col)
    _budget_row(rows, model)
    if share is not None:
        _share_rows(rows, model, share, n_cols - 1)
    _quality_row(rows, model)
    c = np.zeros(n_cols)
    c[:n] = pairs.cost - model.penalty[pairs.ref]
    a = sparse.csr_matrix(
        (
            np.concatenate(rows.v or [np.zeros(0)]),
            (
                np.concatenate(rows.r or [np.zeros(0, np.int64)]),
                np.concatenate(rows.c or [np.zeros(0, np.int64)]),
            ),
        ),
        shape=(len(rows.lo), n_cols),
    )
    return LinearForm(
        c,
        float(model.penalty.sum()),
        a,
        np.array(rows.lo),
        np.array(rows.hi),
        np.array(rows.scale),
        n,
        z_pair,
        z_day,
        rows.names,
    )


def _referral_rows(rows: _Rows, model: PlacementModel) -> None:
    """sum_{i in r} y_i <= 1 for each referral with at least two pairs."""
    ref = model.pairs.ref
    order = np.argsort(ref, kind="stable")
    bounds = np.searchsorted(ref[order], np.arange(model.n_referrals + 1))
    for r in range(model.n_referrals):
        cols = order[bounds[r] : bounds[r + 1]]
        if len(cols) > 1:
            rows.add(cols, np.ones(len(cols)), -INF, 1.0, scale=1.0, name=f"once[{r}]")


def _capacity_rows(rows: _Rows, model: PlacementModel, z_col: dict[tuple[int, int], int]) -> None:
    """sum use_i y_i <= cap at each check week; weekday rows count z_{i,d} instead."""
    for k, row in enumerate(model.rows):
        if row.day is None:
            cols, vals = row.pairs, row.coef.astype(float)
        else:
            cols = np.array([z_col[int(i), row.day] for i in row.pairs], np.int64)
            vals = np.ones(len(cols))
        rows.add(cols, vals, -INF, float(row.cap), scale=1.0, name=f"{row.kind}[{k}]")


def _weekday_link_rows(
    rows: _Rows, model: PlacementModel, z_col: dict[tuple[int, int], int]
) -> None:
    """sum_d z_{i,d} - days_r y_i = 0 for each weekday-packed pair."""
    days = model.ra.days[model.pairs.ref]
    for i, open_days in model.weekday.items():
        cols = np.array([i] + [z_col[i, d] for d in open_days], np.int64)
        vals = np.array([-float(days[i])] + [1.0] * len(open_days))
        rows.add(cols, vals, 0.0, 0.0, scale=1.0, name=f"days[{i}]")


def _budget_row(rows: _Rows, model: PlacementModel) -> None:
    """sum_i (charge_i + travel_i) y_i <= budget."""
    cap = model.inst.policy.budget_cap_gbp
    if cap is not None:
        spend = model.pairs.charge + model.pairs.travel
        rows.add(np.arange(len(model.pairs)), spend, -INF, cap, scale=100.0, name="budget")


def _share_rows(rows: _Rows, model: PlacementModel, share: float, total_col: int) -> None:
    """sum_i y_i - Y = 0, and sum_{i at p} y_i - share * Y <= 0 for each provider p."""
    n = len(model.pairs)
    every = np.append(np.arange(n), total_col)
    rows.add(every, np.append(np.ones(n), -1.0), 0.0, 0.0, scale=1.0, name="placed")
    for pi in np.unique(model.pairs.prov):
        cols = np.append(np.flatnonzero(model.pairs.prov == pi), total_col)
        vals = np.append(np.ones(len(cols) - 1), -share)
        rows.add(cols, vals, -INF, 0.0, scale=100.0, name=f"share[{pi}]")


def _quality_row(rows: _Rows, model: PlacementModel) -> None:
    """sum_i (q_p(i) - q_min) y_i >= 0: the average rating of placements is at least q_min."""
    q_min = model.inst.policy.min_average_quality
    if q_min is not None:
        margin = model.quality - q_min
        rows.add(np.arange(len(model.pairs)), margin, 0.0, INF, scale=10.0, name="quality")


def decode(
    form: LinearForm, n_referrals: int, ref: Ints, x: Floats
) -> tuple[Ints, dict[int, list[int]]]:
    """Column values -> the chosen pair per referral (-1: unplaced) and each packed pair's days."""
    choice = np.full(n_referrals, -1, np.int64)
    chosen = np.flatnonzero(x[: form.n_pairs] > 0.5)
    choice[ref[chosen]] = chosen
    days: dict[int, list[int]] = {}
    for z in np.flatnonzero(x[form.n_pairs : form.n_pairs + len(form.z_pair)] > 0.5):
        days.setdefault(int(form.z_pair[z]), []).append(int(form.z_day[z]))
    return choice, days
