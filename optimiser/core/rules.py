"""Named rules: each constraint a person could relax, with what one step of relaxing means.

The same registry serves three purposes: the plain model, the shadow-price sentences of
binding rules, and the elastic model that diagnoses an infeasible instance. Each rule says
whether a diagnosis may relax it (statutory minimums may not, unless the instance says so) and
how the objective's constant moves with its right-hand side (`carry`: one more FTE of a group
brings its own cost), so that a price is stated net.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import pulp

Sense = Literal[">=", "<="]
EVERY_RULE = "*"  # in RuleBook.bendable: every rule may bend (to name fixed rules in conflict)


@dataclass(frozen=True)
class Rule:
    """One constraint `lhs (sense) rhs`, in the instance's own terms.

    `step` is how much the right-hand side moves for one step of relaxation, in the unit the
    sentence speaks of (one percentage point of a band, one FTE, £1,000); it may depend on the
    plan, as a band's point is worth 1% of deployed specialist FTE. `weight` prices a unit of
    elastic slack (in right-hand-side units) when the instance is infeasible.

    `carry` is d(objective constant)/d(rhs): what the objective gains per unit of right-hand
    side besides the row's dual (a group's cost per FTE on its availability, the release cost
    on an establishment, -1 on money that is not ring-fenced); `moves` names the other rows
    whose bound moves with it (the ledger of idle staff and the council's cap hold the same
    constant). `own` is the gross cost of one
    more unit when it is used (a group's cost per FTE), so that a sentence can say "it costs
    £own and frees £(own - price) elsewhere". `most` is how many steps the rule can be relaxed
    before its parameter leaves its range (a ratio down to zero). `relaxable` is whether a
    diagnosis may bend the rule; `year` is the financial year the rule belongs to (None for a
    single-year plan).
    """

    name: str
    family: str
    ids: tuple[str, ...]
    text: str
    sense: Sense
    rhs: float
    unit: str
    relax: str  # "each extra point allowed above the 40% Core Offer Plus ceiling"
    step: Any = 1.0  # float or a pulp expression evaluated on the plan
    weight: float = 1.0
    group: str = ""  # rules with the same group share one parameter and are reported together
    carry: float = 0.0
    moves: tuple[tuple[str, float], ...] = ()  # (row name, its bound's move per unit of rhs)
    own: float = 0.0
    most: float | None = None  # the most steps it can be relaxed (a ratio down to zero)
    relaxable: bool = True
    year: str | None = None

    @property
    def key(self) -> str:
        """The rule key reported: the group, else the rule's name."""
        return self.group or self.name


@dataclass
class RuleBook:
    """The rules of one built model and, when elastic, their slack variables."""

    elastic: bool = False
    only: frozenset[str] | None = None  # when set, only these rule keys get slack
    fixed: frozenset[str] = frozenset()  # rule names, keys or families a diagnosis may not bend
    bendable: frozenset[str] = frozenset()  # ... and those it may (overriding the default)
    rules: dict[str, Rule] = field(default_factory=dict)
    slacks: dict[str, Any] = field(default_factory=dict)

    def may_relax(self, rule: Rule) -> bool:
        """Whether a diagnosis may relax `rule`: the instance's word by name or key first,
        then by family, then the rule's own default (statutory minimums are fixed)."""
        if EVERY_RULE in self.bendable:
            return True
        for names in ({rule.name, rule.key}, {rule.family}):
            if names & self.bendable:
                return True
            if names & self.fixed:
                return False
        return rule.relaxable

    def add(self, problem: pulp.LpProblem, rule: Rule, lhs: Any) -> None:
        """Add `lhs sense rhs` to the problem, with elastic slack where the book says so."""
        if rule.name in self.rules:
            raise ValueError(f"duplicate rule name {rule.name}")
        self.rules[rule.name] = rule
        expr = lhs
        wanted = self.only is None or rule.key in self.only
        if self.elastic and wanted and self.may_relax(rule):
            slack = problem.add_variable(f"slack_{rule.name}", lowBound=0)
            self.slacks[rule.name] = slack
            expr = lhs + slack if rule.sense == ">=" else lhs - slack
        if not _has_variables(expr) and _holds(expr, rule):
            return  # a rule no plan can break (say, a cap on a function nobody may staff)
        constraint = expr >= rule.rhs if rule.sense == ">=" else expr <= rule.rhs
        problem += (constraint, rule.name)


def _has_variables(expr: Any) -> bool:
    return isinstance(expr, pulp.LpVariable) or (
        isinstance(expr, pulp.LpAffineExpression) and any(c != 0 for c in expr.values())
    )


def _holds(expr: Any, rule: Rule) -> bool:
    """Whether a rule whose left-hand side is a constant holds (its variables all cancel)."""
    value = float(expr.constant) if isinstance(expr, pulp.LpAffineExpression) else float(expr)
    return value >= rule.rhs - 1e-9 if rule.sense == ">=" else value <= rule.rhs + 1e-9


_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def safe(*parts: str) -> str:
    """A solver-safe name built from domain ids (readable in a written LP file)."""
    return "_".join(_UNSAFE.sub("_", p) for p in parts)
