"""The container of a built staffing model: problem, variables, named rules, and the money
expressions every rule family and the extraction share (notation in optimiser.staffing.model)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulp

from optimiser.core.rules import RuleBook, safe
from optimiser.staffing.schema import Category, StaffingInstance


@dataclass
class StaffingLp:
    """A built staffing model: the PuLP problem, its variables and its named rules.

    For a plan over years, the top-level model holds one block per year in `years` (each a
    StaffingLp for that year's figures, sharing the problem and the rule book); its money
    methods then sum over the years (net cost discounted when discounting is on).
    """

    instance: StaffingInstance
    problem: pulp.LpProblem
    book: RuleBook
    year: str = ""  # the block's year id; "" for a one-year instance
    x: dict[tuple[str, str], Any] = field(default_factory=dict)
    retained: dict[str, Any] = field(default_factory=dict)
    released: dict[str, Any] = field(default_factory=dict)
    hired: dict[str, Any] = field(default_factory=dict)
    added: dict[str, Any] = field(default_factory=dict)  # FTE a diagnosis adds to a group
    pay: dict[tuple[str, str], Any] = field(default_factory=dict)
    applied: dict[str, Any] = field(default_factory=dict)
    general: dict[str, Any] = field(default_factory=dict)
    amount: dict[str, Any] = field(default_factory=dict)  # each source's amount (£ or a var)
    kept: Any = 0.0  # traded surplus kept by the traded arm (not the council's)
    discount: float = 1.0
    years: list[StaffingLp] = field(default_factory=list)
    integer_variables: int = 0

    def name(self, *parts: str) -> str:
        """A constraint or variable name from domain ids, with the block's year."""
        return safe(*parts, self.year) if self.year else safe(*parts)

    def label(self, text: str) -> str:
        """A rule's words, naming the block's year."""
        return f"{self.year}: {text}" if self.year else text

    def ids(self, *ids: str) -> tuple[str, ...]:
        """Domain ids, with the block's year."""
        return (*ids, self.year) if self.year else ids

    def specialist_fte(self, function_id: str) -> Any:
        """Specialist FTE on a function: sum over specialist groups g of x[g, f]."""
        return pulp.lpSum(
            self.x[g.id, function_id]
            for g in self.instance.specialists()
            if (g.id, function_id) in self.x
        )

    def admin_fte(self, function_id: str) -> Any:
        """Admin FTE on a function: sum over admin groups g of x[g, f]."""
        return pulp.lpSum(
            self.x[g.id, function_id]
            for g in self.instance.admins()
            if (g.id, function_id) in self.x
        )

    def total_specialist_fte(self) -> Any:
        """Specialist FTE on all functions (all years)."""
        if self.years:
            return pulp.lpSum(b.total_specialist_fte() for b in self.years)
        return pulp.lpSum(self.specialist_fte(f.id) for f in self.instance.functions)

    def category_fte(self, category: Category) -> Any:
        """Specialist FTE on the functions of one category."""
        return pulp.lpSum(
            self.specialist_fte(f.id) for f in self.instance.functions if f.category is category
        )

    def deployed(self, group_id: str) -> Any:
        """FTE of a group deployed: sum over functions f of x[g, f]."""
        return pulp.lpSum(v for (g, _), v in self.x.items() if g == group_id)

    def function_cost(self, function_id: str) -> Any:
        """A function's cost in £: sum over g of cost per FTE times x[g, f], plus non-staff cost."""
        f = self.instance.function(function_id)
        staff = pulp.lpSum(
            self.instance.group(g).cost_per_fte_gbp * v
            for (g, fid), v in self.x.items()
            if fid == f.id
        )
        return staff + f.non_staff_cost_gbp

    def staff_paid(self, group_id: str) -> Any:
        """FTE whose cost is spent: the establishment less its vacancy share."""
        g = self.instance.group(group_id)
        return (1.0 - g.vacancy_share) * self.retained[g.id]

    def unallocated_cost(self) -> Any:
        """Idle staff, one-off release and hire costs, and overheads."""
        idle = pulp.lpSum(
            g.cost_per_fte_gbp * (self.staff_paid(g.id) - self.deployed(g.id))
            for g in self.instance.staff_groups
        )
        release = pulp.lpSum(
            (g.release_cost_per_fte_gbp or 0.0) * self.released[g.id]
            for g in self.instance.staff_groups
            if g.id in self.released
        )
        hire = pulp.lpSum(
            (g.hire_cost_per_fte_gbp or 0.0) * self.hired[g.id]
            for g in self.instance.staff_groups
            if g.id in self.hired
        )
        return idle + release + hire + self.instance.overhead_cost_gbp

    def income(self, function_id: str) -> Any:
        """A function's traded income in £: rate per FTE times specialist FTE (0 if not traded)."""
        f = self.instance.function(function_id)
        if f.traded is None:
            return 0.0
        return f.traded.rate_per_fte_gbp * self.specialist_fte(f.id)

    def year_net(self) -> Any:
        """N = sum_c C_c - sum_f I_f - sum_{k ring-fenced} sum_c p_kc - sum_{k other} A_k
        + surplus kept by the traded arm."""
        inst = self.instance
        cost = (
            pulp.lpSum(self.function_cost(f.id) for f in inst.functions) + self.unallocated_cost()
        )
        income = pulp.lpSum(self.income(f.id) for f in inst.functions)
        ring = pulp.lpSum(v for (k, _), v in self.pay.items() if _source(inst, k).ring_fenced)
        other = pulp.lpSum(
            self.amount.get(s.id, s.amount_gbp) for s in inst.funding_sources if not s.ring_fenced
        )
        return cost - income - ring - other + self.kept

    def net_cost(self) -> Any:
        """The objective: this year's N; over years, sum_t d_t N_t (d_t = 1 undiscounted)."""
        if self.years:
            return pulp.lpSum(b.discount * b.year_net() for b in self.years)
        return self.year_net()

    def strategic_value(self) -> Any:
        """Strategic value: sum over functions of value per FTE times specialist FTE."""
        if self.years:
            return pulp.lpSum(b.strategic_value() for b in self.years)
        return pulp.lpSum(
            f.strategic_value_per_fte * self.specialist_fte(f.id) for f in self.instance.functions
        )


def _source(instance: StaffingInstance, source_id: str) -> Any:
    return next(s for s in instance.funding_sources if s.id == source_id)


def fte_var(lp: StaffingLp, name: str, upper: float | None, step: float | None) -> Any:
    """A non-negative FTE variable, continuous or `step` x an integer. A continuous FTE
    variable has no upper bound of its own: the availability and establishment rows bound it,
    so that their duals (not a bound's) price the staff."""
    if step is None:
        return lp.problem.add_variable(name, lowBound=0)
    lp.integer_variables += 1
    top = None if upper is None else int(upper / step + 1e-9)
    steps = lp.problem.add_variable(name, lowBound=0, upBound=top, cat=pulp.LpInteger)
    return step * steps
