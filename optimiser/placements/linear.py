"""The placement MIP as arrays: min c'x + offset s.t. lo <= A x <= hi, bounds and integrality
read from named column blocks.

Columns come in named blocks (`Block`): the assignments y (one per pair), the weekday choices z
(one per weekday-packed pair and open day) and, when a side rule needs it, the placed count Y.
Each block carries its bounds and integrality, which the HiGHS and CP-SAT backends read. Rows are
the referral, capacity and weekday-link rows written here and the side rules' rows written once
in placements.side; each row has a scale that makes its coefficients whole (CP-SAT: pence for
money, tenths for ratings, hundredths for shares) and a name built from the instance's ids.
Built with numpy and scipy.sparse (no per-term Python objects).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy import sparse

from optimiser.placements.model import PlacementModel
from optimiser.placements.pairs import Floats, Ints
from optimiser.placements.schema import WEEKDAYS
from optimiser.placements.side import active_rules, side_rows

INF = float("inf")


class Block(StrEnum):
    """The column blocks, in column order."""

    ASSIGN = "y"  # y_i: referral placed by pair i
    WEEKDAY = "z"  # z_{i,d}: that pupil attends on weekday d
    PLACED = "placed"  # Y: placements in all


@dataclass(frozen=True)
class ColumnBlock:
    """A block of columns: where it starts, its size, bound and integrality."""

    block: Block
    start: int
    size: int
    upper: float
    integer: bool = True

    @property
    def stop(self) -> int:
        """One past the block's last column."""
        return self.start + self.size


@dataclass(frozen=True)
class LinearForm:
    """The placements model as min c·x + offset subject to row bounds on A·x."""

    c: Floats
    offset: float
    a: sparse.csr_matrix
    lo: Floats
    hi: Floats
    scale: Floats  # per row: multiply to make coefficients whole
    blocks: dict[Block, ColumnBlock]
    z_pair: Ints  # for each z column: its pair
    z_day: Ints  # and its weekday
    names: list[str]  # one per row
    pair_ref: Ints  # the referral of each y column

    @property
    def n_cols(self) -> int:
        """Number of columns."""
        return len(self.c)

    @property
    def n_pairs(self) -> int:
        """Number of (referral, provider, lot) pair columns."""
        return self.blocks[Block.ASSIGN].size

    def pair_error(self, error: Floats) -> float:
        """sum over referrals of the largest per-column `error` among its pair columns."""
        worst = np.zeros(int(self.pair_ref.max(initial=-1)) + 1)
        np.maximum.at(worst, self.pair_ref, error[self.columns(Block.ASSIGN)])
        return float(worst.sum())

    def columns(self, block: Block) -> slice:
        """The block's columns (empty when the model has no such block)."""
        b = self.blocks.get(block)
        return slice(0, 0) if b is None else slice(b.start, b.stop)

    @property
    def col_lower(self) -> Floats:
        """Column lower bounds (all zero)."""
        return np.zeros(self.n_cols)

    @property
    def col_upper(self) -> Floats:
        """Column upper bounds, by block."""
        upper = np.empty(self.n_cols)
        for b in self.blocks.values():
            upper[b.start : b.stop] = b.upper
        return upper

    @property
    def integer(self) -> np.ndarray:
        """Which columns are integer, by block."""
        flags = np.zeros(self.n_cols, dtype=bool)
        for b in self.blocks.values():
            flags[b.start : b.stop] = b.integer
        return flags


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

    def matrix(self, n_cols: int) -> sparse.csr_matrix:
        empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0)
        data = np.concatenate(self.v or [empty_f])
        ij = (np.concatenate(self.r or [empty_i]), np.concatenate(self.c or [empty_i]))
        return sparse.csr_matrix((data, ij), shape=(len(self.lo), n_cols))


def _blocks(model: PlacementModel, n_z: int) -> dict[Block, ColumnBlock]:
    n = len(model.pairs)
    blocks = {
        Block.ASSIGN: ColumnBlock(Block.ASSIGN, 0, n, 1.0),
        Block.WEEKDAY: ColumnBlock(Block.WEEKDAY, n, n_z, 1.0),
    }
    if any(rule.uses_placed for rule in active_rules(model)):
        blocks[Block.PLACED] = ColumnBlock(Block.PLACED, n + n_z, 1, float(model.n_referrals))
    return blocks


def linear_form(model: PlacementModel) -> LinearForm:
    """Columns y, z and (when a side rule needs it) Y; rows: each referral once, capacity,
    weekday links, the placed count, then every side rule's rows."""
    pairs = model.pairs
    z_pair = np.array([i for i, days in model.weekday.items() for _ in days], np.int64)
    z_day = np.array([d for days in model.weekday.values() for d in days], np.int64)
    blocks = _blocks(model, len(z_pair))
    n_cols = sum(b.size for b in blocks.values())
    z0 = blocks[Block.WEEKDAY].start
    z_col = {(int(i), int(d)): z0 + k for k, (i, d) in enumerate(zip(z_pair, z_day, strict=True))}
    rows = _Rows()
    _referral_rows(rows, model)
    _capacity_rows(rows, model, z_col)
    _weekday_link_rows(rows, model, z_col)
    placed = blocks.get(Block.PLACED)
    if placed is not None:
        _placed_row(rows, model, placed.start)
    _side_rule_rows(rows, model, -1 if placed is None else placed.start)
    c = np.zeros(n_cols)
    c[: len(pairs)] = pairs.cost - model.penalty[pairs.ref]
    return LinearForm(
        c,
        float(model.penalty.sum()),
        rows.matrix(n_cols),
        np.array(rows.lo),
        np.array(rows.hi),
        np.array(rows.scale),
        blocks,
        z_pair,
        z_day,
        rows.names,
        pairs.ref,
    )


def _referral_rows(rows: _Rows, model: PlacementModel) -> None:
    """sum_{i in r} y_i <= 1 for each referral with at least two pairs."""
    ref = model.pairs.ref
    order = np.argsort(ref, kind="stable")
    bounds = np.searchsorted(ref[order], np.arange(model.n_referrals + 1))
    refs = model.inst.referrals
    for r in np.flatnonzero(np.diff(bounds) > 1):
        cols = order[bounds[r] : bounds[r + 1]]
        rows.add(cols, np.ones(len(cols)), -INF, 1.0, scale=1.0, name=f"once({refs[r].reference})")


def _capacity_rows(rows: _Rows, model: PlacementModel, z_col: dict[tuple[int, int], int]) -> None:
    """sum use_i y_i <= cap at each check week; weekday rows count z_{i,d} instead."""
    for row in model.rows:
        if row.day is None:
            cols, vals = row.pairs, row.coef.astype(float)
        else:
            cols = np.array([z_col[int(i), row.day] for i in row.pairs], np.int64)
            vals = np.ones(len(cols))
        where = [model.inst.providers[row.provider].id]
        if row.lot is not None:
            where.append(model.inst.lots[row.lot].id)
        if row.day is not None:
            where.append(WEEKDAYS[row.day].value)
        name = f"{row.kind}({','.join(where)},w{row.week})"
        rows.add(cols, vals, -INF, float(row.cap), scale=1.0, name=name)


def _weekday_link_rows(
    rows: _Rows, model: PlacementModel, z_col: dict[tuple[int, int], int]
) -> None:
    """sum_d z_{i,d} - days_r y_i = 0 for each weekday-packed pair."""
    days = model.pairs.days
    for i, open_days in model.weekday.items():
        cols = np.array([i] + [z_col[i, d] for d in open_days], np.int64)
        vals = np.array([-float(days[i])] + [1.0] * len(open_days))
        rows.add(cols, vals, 0.0, 0.0, scale=1.0, name=f"days({pair_name(model, i)})")


def _placed_row(rows: _Rows, model: PlacementModel, total_col: int) -> None:
    """sum_i y_i - Y = 0: Y counts the placements."""
    n = len(model.pairs)
    every = np.append(np.arange(n), total_col)
    rows.add(every, np.append(np.ones(n), -1.0), 0.0, 0.0, scale=1.0, name="placed")


def _side_rule_rows(rows: _Rows, model: PlacementModel, total_col: int) -> None:
    """Every active side rule's rows, as placements.side writes them."""
    for row in side_rows(model):
        cols, vals = row.pairs, row.coef
        if row.placed != 0.0:
            cols, vals = np.append(cols, total_col), np.append(vals, row.placed)
        rows.add(cols, vals, row.lo, row.hi, scale=row.scale, name=row.name)


_UNSAFE = re.compile(r"[^A-Za-z0-9_.]")


def pair_name(model: PlacementModel, i: int) -> str:
    """referral,provider,lot of pair i."""
    pairs, inst = model.pairs, model.inst
    return ",".join(
        (
            inst.referrals[int(pairs.ref[i])].reference,
            inst.providers[int(pairs.prov[i])].id,
            inst.lots[int(pairs.lot[i])].id,
        )
    )


def column_names(form: LinearForm, model: PlacementModel) -> list[str]:
    """y(referral,provider,lot), z(referral,provider,lot,day) and placed."""
    names = [f"y({pair_name(model, i)})" for i in range(form.n_pairs)]
    names += [
        f"z({pair_name(model, int(i))},{WEEKDAYS[int(d)].value})"
        for i, d in zip(form.z_pair, form.z_day, strict=True)
    ]
    if Block.PLACED in form.blocks:
        names.append("placed")
    return [safe_name(n) for n in names]


def safe_name(name: str) -> str:
    """A name an LP file can hold: parentheses and commas kept, anything else odd as '_'."""
    head, _, rest = name.partition("(")
    if not rest:
        return _UNSAFE.sub("_", name)
    inner = ",".join(_UNSAFE.sub("_", part) for part in rest.rstrip(")").split(","))
    return f"{_UNSAFE.sub('_', head)}({inner})"


def decode(
    form: LinearForm, n_referrals: int, ref: Ints, x: Floats
) -> tuple[Ints, dict[int, list[int]]]:
    """Column values -> the chosen pair per referral (-1: unplaced) and each packed pair's days."""
    choice = np.full(n_referrals, -1, np.int64)
    chosen = np.flatnonzero(x[form.columns(Block.ASSIGN)] > 0.5)
    choice[ref[chosen]] = chosen
    days: dict[int, list[int]] = {}
    for z in np.flatnonzero(x[form.columns(Block.WEEKDAY)] > 0.5):
        days.setdefault(int(form.z_pair[z]), []).append(int(form.z_day[z]))
    return choice, days
