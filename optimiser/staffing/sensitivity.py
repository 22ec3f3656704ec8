"""Sensitivity of a solved staffing LP: every rule and every variable, with HiGHS ranging.

For each rule (one row of the model, named from domain ids): its value (the left-hand side on
the plan), its limit (the right-hand side), the room left, whether it binds, its shadow price
and the range of its limit over which that price holds. For each variable: its value, its
reduced cost, its objective coefficient and the range of that coefficient over which the plan
stays optimal; and its limits, how far it can move with the others held and every rule met,
with the objective at each end. This is what an Answer, Sensitivity or Limits report shows.

Shadow prices are stated against the council's net cost N (the objective of the last solve;
under `max_strategic_value` that is N with the strategic value held at its optimum):
`shadow_price = dN/d(limit) = pi + carry`, where `pi` is the row's dual and `carry` the part
of N's constant that moves with the limit (one more FTE of a group brings its own cost).
Ranging comes from HiGHS (`Highs.getRanging`, read by optimiser.staffing.ranging): for a
binding rule, the limit may rise by `allowable_increase` or fall by `allowable_decrease` with
the same basis, so the same price; a rule with room keeps a zero dual until its room is used
up. A whole-post (MIP) plan, or one solved by CBC, has no ranging; a MIP has no duals either.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pulp
from pydantic import BaseModel, ConfigDict, Field

from optimiser.staffing.ranging import Row, dual_price, limit_range, ranging, rows, val

if TYPE_CHECKING:  # the model imports the solution, which carries a Sensitivity
    from optimiser.staffing.model import StaffingLp


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class RuleSensitivity(_Out):
    """One rule `value (sense) limit` on the plan, with its price and the range of that price."""

    rule: str = Field(description="The row's name, built from domain ids.")
    key: str = Field(description="Rules with one key share one parameter (the admin ratio).")
    family: str
    ids: list[str]
    year: str | None = None
    text: str
    sense: str
    value: float = Field(description="The left-hand side on the plan, in the limit's unit.")
    limit: float
    slack: float = Field(description="Room left before the rule binds (>= 0 when it holds).")
    binding: bool
    relaxable: bool = Field(description="Whether a diagnosis may relax the rule.")
    shadow_price_gbp: float | None = Field(
        description="Change in the council's net cost, £ a year, per unit of limit raised "
        "(dN/d limit, own costs included). None where the model has no duals."
    )
    allowable_increase: float | None = Field(
        description="How far the limit may rise with the same price; None: without limit "
        "(or no ranging, see `Sensitivity.ranging`)."
    )
    allowable_decrease: float | None = Field(
        description="How far the limit may fall with the same price; None: without limit."
    )


class VariableSensitivity(_Out):
    """One model variable with its reduced cost and the range of its objective coefficient."""

    variable: str
    value: float
    lower: float | None
    upper: float | None
    objective_coefficient: float
    reduced_cost: float | None
    allowable_increase: float | None = Field(
        description="How far the coefficient may rise with the plan still optimal."
    )
    allowable_decrease: float | None


class VariableLimit(_Out):
    """Excel Solver's Limits report for one variable: how far it can move, every other
    variable held, with every rule still met, and the objective at each end."""

    variable: str
    value: float
    lower_limit: float | None = Field(description="None: no lower limit.")
    lower_objective: float | None
    upper_limit: float | None = Field(description="None: no upper limit.")
    upper_objective: float | None


def limits(lp: StaffingLp) -> list[VariableLimit]:
    """Each variable's range with the others held at the plan (a ratio test on every row it
    is in: lo <= a x + rest <= hi), and the objective (N, constants included) at its ends."""
    reach: dict[str, list[float]] = {
        v.name: [
            -math.inf if v.lowBound is None else float(v.lowBound),
            math.inf if v.upBound is None else float(v.upBound),
        ]
        for v in lp.problem.variables()
    }
    for constraint in lp.problem.constraints():
        _narrow(constraint, reach)
    objective = val(lp.problem.objective)
    out = []
    for var in lp.problem.variables():
        x, cost = val(var), float(lp.problem.objective.get(var, 0.0))
        low, high = min(reach[var.name][0], x) + 0.0, max(reach[var.name][1], x) + 0.0
        out.append(
            VariableLimit(
                variable=var.name,
                value=x,
                lower_limit=_finite(low),
                lower_objective=_finite(objective + cost * (low - x)),
                upper_limit=_finite(high),
                upper_objective=_finite(objective + cost * (high - x)),
            )
        )
    return out


def _narrow(constraint: Any, reach: dict[str, list[float]]) -> None:
    """Tighten each variable's reach by one row, the row's other variables held."""
    activity = val(constraint) - float(constraint.constant)  # sum a x over the row
    lower = -math.inf if constraint.sense == pulp.LpConstraintLE else -float(constraint.constant)
    upper = math.inf if constraint.sense == pulp.LpConstraintGE else -float(constraint.constant)
    for var, a in constraint.items():
        if a == 0:
            continue
        rest = activity - a * val(var)
        ends = sorted(((lower - rest) / a, (upper - rest) / a))
        bounds = reach[var.name]
        bounds[0], bounds[1] = max(bounds[0], ends[0]), min(bounds[1], ends[1])


class Sensitivity(_Out):
    """Every rule and every variable of a solved staffing model."""

    objective: str = Field(description="What the prices are derivatives of.")
    duals: bool = Field(description="Whether shadow prices and reduced costs exist (an LP).")
    ranging: bool = Field(description="Whether allowable ranges were computed (HiGHS, an LP).")
    rules: list[RuleSensitivity]
    variables: list[VariableSensitivity]
    limits: list[VariableLimit] = Field(
        default_factory=list, description="Each variable's range with the others held."
    )


def sensitivity(lp: StaffingLp, objective: str = "the council's net cost") -> Sensitivity:
    """Every rule and every variable of a solved LP, with prices and ranges where they exist."""
    duals = lp.integer_variables == 0
    ranges = ranging(lp) if duals else None
    return Sensitivity(
        objective=objective,
        duals=duals,
        ranging=ranges is not None,
        rules=[_rule(lp, row, duals, ranges) for row in rows(lp)],
        variables=[_variable(lp, v, duals, ranges) for v in lp.problem.variables()],
        limits=limits(lp),
    )


def _rule(lp: StaffingLp, row: Row, duals: bool, ranges: Any) -> RuleSensitivity:
    rule, slack = row.rule, row.slack
    lhs = val(row.constraint) + rule.rhs
    price = dual_price(lp, row) if duals else None
    up, down = limit_range(row, ranges)
    return RuleSensitivity(
        rule=rule.name,
        key=rule.key,
        family=rule.family,
        ids=list(rule.ids),
        year=rule.year,
        text=rule.text,
        sense=rule.sense,
        value=lhs,
        limit=rule.rhs,
        slack=slack,
        binding=row.binds,
        relaxable=rule.relaxable,
        shadow_price_gbp=price,
        allowable_increase=_finite(up),
        allowable_decrease=_finite(down),
    )


def _variable(lp: StaffingLp, var: Any, duals: bool, ranges: Any) -> VariableSensitivity:
    cost = float(lp.problem.objective.get(var, 0.0))
    up: float | None = None
    down: float | None = None
    if ranges is not None:
        up = _finite(ranges.col_up[var.index] - cost)
        down = _finite(cost - ranges.col_dn[var.index])
    return VariableSensitivity(
        variable=var.name,
        value=val(var),
        lower=var.lowBound,
        upper=var.upBound,
        objective_coefficient=cost,
        reduced_cost=(var.dj or 0.0) if duals else None,
        allowable_increase=None if up is None else max(up, 0.0),
        allowable_decrease=None if down is None else max(down, 0.0),
    )


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) or abs(value) >= 1e30 else value


__all__ = [
    "RuleSensitivity",
    "Sensitivity",
    "VariableLimit",
    "VariableSensitivity",
    "limits",
    "sensitivity",
]
