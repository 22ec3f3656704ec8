"""The rows of a solved staffing LP and HiGHS's ranging of them: each named rule with its PuLP
row, whether it binds and how much room it has, the rows whose bounds move with it, its
price `dN/d(limit) = pi + carry` (the row's dual plus the part of N's constant that moves with
the limit), how far each bound may move with the same basis (`Highs.getRanging`), and the
change in the optimum when bounds move (a small re-solve from the plan's basis, put back
afterwards). Shared by the sensitivity report (optimiser.staffing.sensitivity) and the priced
sentences of binding rules (optimiser.staffing.prices).

A whole-post (MIP) plan, or one solved by CBC, has no ranging; a MIP has no duals either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import highspy
import pulp

from optimiser.core.rules import Rule

if TYPE_CHECKING:  # the model imports the solution, which carries a Sensitivity
    from optimiser.staffing.model import StaffingLp

BIND_TOLERANCE = 1e-6
EPS = 1e-7


def val(expr: Any) -> float:
    """The value of a PuLP expression or a constant, with solver noise below EPS cleared."""
    v = float(pulp.value(expr) or 0.0) if not isinstance(expr, int | float) else float(expr)
    return 0.0 if abs(v) < EPS else v


@dataclass(frozen=True)
class Row:
    """A rule with its PuLP constraint (rules that no plan can break have none)."""

    rule: Rule
    constraint: Any

    @property
    def slack(self) -> float:
        """Room left: lhs - rhs for `>=`, rhs - lhs for `<=` (constants folded in)."""
        gap = val(self.constraint)
        return gap if self.rule.sense == ">=" else -gap

    @property
    def binds(self) -> bool:
        """Whether the rule holds with no room (within a millionth of its limit)."""
        return abs(self.slack) <= BIND_TOLERANCE * max(1.0, abs(self.rule.rhs))


def rows(lp: StaffingLp) -> list[Row]:
    """Every rule of the model that has a row, in the order the model added them."""
    out = []
    for name, rule in lp.book.rules.items():
        constraint = lp.problem.get_constraint_by_name(name)
        if constraint is not None:
            out.append(Row(rule, constraint))
    return out


def highs_model(lp: StaffingLp) -> Any:
    """The highspy model of the last solve when it was an LP solved by HiGHS, else None."""
    if lp.integer_variables or not isinstance(getattr(lp.problem, "solver", None), pulp.HiGHS):
        return None
    return getattr(lp.problem, "solverModel", None)


@dataclass(frozen=True)
class Ranges:
    """HiGHS's ranging, copied out (the solver reuses its own arrays on the next call):
    for each row the bound values up to which the basis holds, and for each column the cost
    values."""

    row_up: list[float]
    row_dn: list[float]
    col_up: list[float]
    col_dn: list[float]


def ranging(lp: StaffingLp) -> Ranges | None:
    """HiGHS's ranging of the last solve, or None (CBC, a MIP, or no basis)."""
    model = highs_model(lp)
    return None if model is None else ranges_of(model)


def ranges_of(model: Any) -> Ranges | None:
    """The ranging of a solved highspy model, copied; None when HiGHS cannot give it."""
    status, ranges = model.getRanging()
    if status != highspy.HighsStatus.kOk or not ranges.valid:
        return None
    return Ranges(
        [float(v) for v in ranges.row_bound_up.value_],
        [float(v) for v in ranges.row_bound_dn.value_],
        [float(v) for v in ranges.col_cost_up.value_],
        [float(v) for v in ranges.col_cost_dn.value_],
    )


def bound_moves(lp: StaffingLp, row: Row) -> list[tuple[Any, float]]:
    """The rows whose bound moves per unit of the rule's limit: its own (by 1) and those the
    rule names in `moves` that the model has."""
    out: list[tuple[Any, float]] = [(row.constraint, 1.0)]
    for name, per_unit in row.rule.moves:
        other = lp.problem.get_constraint_by_name(name)
        if other is not None and per_unit != 0:
            out.append((other, per_unit))
    return out


def dual_price(lp: StaffingLp, row: Row) -> float:
    """dN/d limit = sum over moved rows of dual * move, plus the objective's own carry."""
    return row.rule.carry + sum((c.pi or 0.0) * per for c, per in bound_moves(lp, row))


def room(constraint: Any, ranges: Any, upward: bool) -> float:
    """How far a row's bound may move up (or down) with the same basis.

    A row at its bound takes HiGHS's range; a row with room keeps a zero dual until the
    bound reaches the row's value, and may move away from it without end.
    """
    gap = val(constraint)  # lhs - rhs
    sense = constraint.sense
    bound = -float(constraint.constant)
    return row_room(
        RowState(constraint.index, bound, bound + gap, sense == pulp.LpConstraintGE, sense == 0),
        ranges,
        upward,
    )


@dataclass(frozen=True)
class RowState:
    """A HiGHS row as ranging sees it: its moving bound, its value, its kind."""

    index: int
    bound: float
    value: float
    lower: bool  # the bound is a lower bound (a `>=` row)
    equality: bool = False


def row_room(row: RowState, ranges: Ranges, upward: bool) -> float:
    """`room` for a row given by index, bound and value (also after a re-solve)."""
    gap = row.value - row.bound
    at_bound = row.equality or abs(gap) <= BIND_TOLERANCE * max(1.0, abs(row.bound))
    if not at_bound:
        toward = upward == row.lower  # tightening moves the bound toward the value
        return abs(gap) if toward else math.inf
    if upward:
        return max(ranges.row_up[row.index] - row.bound, 0.0)
    return max(row.bound - ranges.row_dn[row.index], 0.0)


def limit_range(row: Row, ranges: Any) -> tuple[float | None, float | None]:
    """(allowable increase, allowable decrease) of the rule's limit; None without ranging.

    A binding rule's range is HiGHS's: the row's active bound may move between
    `row_bound_dn.value_` and `row_bound_up.value_` with the same basis. A rule with room has
    a zero dual until the room is used: it may be tightened by its slack and relaxed freely.
    """
    if ranges is None:
        return None, None
    return room(row.constraint, ranges, True), room(row.constraint, ranges, False)


def objective_change(lp: StaffingLp, moves: list[tuple[Any, float]]) -> float | None:
    """The change in the LP's optimum when each row's bound moves by its amount (a PuLP
    constraint and + to raise it), re-solved from the current basis and then put back.

    Used where ranging says the plan sits where the basis changes at once: the one-sided
    price there comes from this small re-solve. Infinity when the move leaves no plan; None
    without a HiGHS LP or if the re-solve fails otherwise.
    """
    model = highs_model(lp)
    if model is None:
        return None
    before = model.getInfo().objective_function_value
    basis = model.getBasis()
    data = model.getLp()
    saved = [
        (i, float(data.row_lower_[i]), float(data.row_upper_[i]))
        for i in (constraint.index for constraint, _ in moves)
    ]
    for (_, amount), (i, lower, upper) in zip(moves, saved, strict=True):
        model.changeRowBounds(i, lower + amount, upper + amount)
    model.run()
    status = model.getModelStatus()
    after = model.getInfo().objective_function_value
    for i, lower, upper in saved:
        model.changeRowBounds(i, lower, upper)
    model.setBasis(basis)  # back to the plan's own basis, so later ranging reads the same
    model.run()
    if status == highspy.HighsModelStatus.kInfeasible:
        return math.inf
    return after - before if status == highspy.HighsModelStatus.kOptimal else None


__all__ = [
    "BIND_TOLERANCE",
    "Ranges",
    "Row",
    "RowState",
    "bound_moves",
    "dual_price",
    "highs_model",
    "limit_range",
    "objective_change",
    "ranges_of",
    "ranging",
    "room",
    "row_room",
    "rows",
    "val",
]
