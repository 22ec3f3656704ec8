"""The staffing-mix LP (a MIP when FTE come in steps).

Sets: S staff groups (S_spec specialists, S_adm admin), F functions, F_c those of category c,
K funding sources, centres = F plus `unallocated` (idle staff, release costs, overheads).

Variables: x_sf >= 0 FTE of group s on function f (only where s may work on f); r_s retained
FTE (a constant a_s unless release is allowed); p_kc >= 0 pounds of source k paying for
centre c; t_f >= 0 traded income applied to f's own cost; g_c >= 0 the council's general
budget paying for c.

Derived: X_f = sum_{s in S_spec} x_sf;  T = sum_f X_f;  X_c = sum_{f in F_c} X_f;
cost C_f = sum_s cost_s x_sf + nonstaff_f;  income I_f = rate_f X_f;
C_unalloc = sum_s cost_s (r_s - sum_f x_sf) + sum_s release_s (a_s - r_s) + overhead;
council net N = sum_c C_c - sum_f I_f - sum_{k ring-fenced} sum_c p_kc - sum_{k other} A_k.

Objective: min N (default), or max sum_f v_f X_f subject to N <= cap, then min N at that value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulp

from optimiser.core.rules import Rule, RuleBook, safe
from optimiser.staffing.schema import (
    CATEGORY_LABEL,
    Category,
    Role,
    StaffingInstance,
    can_deploy,
)
from optimiser.staffing.solution import UNALLOCATED


@dataclass
class StaffingLp:
    """A built staffing model: the PuLP problem, its variables and its named rules."""

    instance: StaffingInstance
    problem: pulp.LpProblem
    book: RuleBook
    x: dict[tuple[str, str], Any] = field(default_factory=dict)
    retained: dict[str, Any] = field(default_factory=dict)
    pay: dict[tuple[str, str], Any] = field(default_factory=dict)
    applied: dict[str, Any] = field(default_factory=dict)
    general: dict[str, Any] = field(default_factory=dict)
    added: dict[str, Any] = field(default_factory=dict)  # FTE a diagnosis adds to a group
    integer_variables: int = 0

    def specialist_fte(self, function_id: str) -> Any:
        return pulp.lpSum(
            self.x[g.id, function_id]
            for g in self.instance.specialists()
            if (g.id, function_id) in self.x
        )

    def admin_fte(self, function_id: str) -> Any:
        return pulp.lpSum(
            self.x[g.id, function_id]
            for g in self.instance.admins()
            if (g.id, function_id) in self.x
        )

    def total_specialist_fte(self) -> Any:
        return pulp.lpSum(self.specialist_fte(f.id) for f in self.instance.functions)

    def category_fte(self, category: Category) -> Any:
        return pulp.lpSum(
            self.specialist_fte(f.id) for f in self.instance.functions if f.category is category
        )

    def deployed(self, group_id: str) -> Any:
        return pulp.lpSum(v for (g, _), v in self.x.items() if g == group_id)

    def function_cost(self, function_id: str) -> Any:
        f = self.instance.function(function_id)
        staff = pulp.lpSum(
            self.instance.group(g).cost_per_fte_gbp * v
            for (g, fid), v in self.x.items()
            if fid == f.id
        )
        return staff + f.non_staff_cost_gbp

    def unallocated_cost(self) -> Any:
        idle = pulp.lpSum(
            g.cost_per_fte_gbp * (self.retained[g.id] - self.deployed(g.id))
            for g in self.instance.staff_groups
        )
        release = pulp.lpSum(
            (g.release_cost_per_fte_gbp or 0.0)
            * (g.fte_available + self.added.get(g.id, 0.0) - self.retained[g.id])
            for g in self.instance.staff_groups
            if g.can_release
        )
        return idle + release + self.instance.overhead_cost_gbp

    def income(self, function_id: str) -> Any:
        f = self.instance.function(function_id)
        if f.traded is None:
            return 0.0
        return f.traded.rate_per_fte_gbp * self.specialist_fte(f.id)

    def net_cost(self) -> Any:
        """N = sum_c C_c - sum_f I_f - sum_{k ring-fenced} sum_c p_kc - sum_{k other} A_k."""
        inst = self.instance
        cost = (
            pulp.lpSum(self.function_cost(f.id) for f in inst.functions) + self.unallocated_cost()
        )
        income = pulp.lpSum(self.income(f.id) for f in inst.functions)
        ring = pulp.lpSum(v for (k, _), v in self.pay.items() if _source(inst, k).ring_fenced)
        other = sum(s.amount_gbp for s in inst.funding_sources if not s.ring_fenced)
        return cost - income - ring - other

    def strategic_value(self) -> Any:
        return pulp.lpSum(
            f.strategic_value_per_fte * self.specialist_fte(f.id) for f in self.instance.functions
        )


def _source(instance: StaffingInstance, source_id: str) -> Any:
    return next(s for s in instance.funding_sources if s.id == source_id)


def build(instance: StaffingInstance, book: RuleBook | None = None) -> StaffingLp:
    """min N subject to every rule family below (each a function stating its algebra)."""
    lp = StaffingLp(
        instance,
        pulp.LpProblem(safe("staffing", instance.name), pulp.LpMinimize),
        book or RuleBook(),
    )
    _add_variables(lp)
    _add_staff_availability(lp)
    _add_minimum_deployment(lp)
    _add_function_minimums(lp)
    _add_function_maximums(lp)
    _add_admin_support(lp)
    _add_category_bands(lp)
    _add_cost_recovery(lp)
    _add_funding_ledger(lp)
    _add_funding_amounts(lp)
    _add_council_cap(lp)
    return lp


def _add_variables(lp: StaffingLp) -> None:
    """x_sf for each allowed (s, f); r_s for groups that may release staff; with a step h,
    x_sf = h n_sf and r_s = h m_s with n, m integer."""
    inst, step = lp.instance, lp.instance.fte_step
    for g in inst.staff_groups:
        for f in inst.functions:
            if can_deploy(g, f):
                lp.x[g.id, f.id] = _fte_var(lp, safe("x", g.id, f.id), g.fte_available, step)
        lp.retained[g.id] = (
            _fte_var(lp, safe("retained", g.id), g.fte_available, step)
            if g.can_release
            else g.fte_available
        )


def _fte_var(lp: StaffingLp, name: str, upper: float, step: float | None) -> Any:
    """A continuous FTE variable has no upper bound of its own: the availability and
    establishment rows bound it, so that their duals (not a bound's) price the staff."""
    if step is None:
        return lp.problem.add_variable(name, lowBound=0)
    lp.integer_variables += 1
    steps = lp.problem.add_variable(
        name, lowBound=0, upBound=int(upper / step + 1e-9), cat=pulp.LpInteger
    )
    return step * steps


COUNCIL_CAP = "council_cap"
IDLE_LEDGER = safe("ledger", UNALLOCATED)


def _with_net_cost(per_fte: float) -> tuple[tuple[str, float], ...]:
    """Rows whose bound moves when one more FTE adds `per_fte` to the unallocated centre's
    constant: that centre's ledger (+) and the council's cap on N (-)."""
    return ((IDLE_LEDGER, per_fte), (COUNCIL_CAP, -per_fte))


def _add_staff_availability(lp: StaffingLp) -> None:
    """sum_f x_sf <= a_s for each group that keeps all its staff; where release is allowed,
    sum_f x_sf <= r_s <= a_s (the establishment rule is the one a person would relax)."""
    for g in lp.instance.staff_groups:
        if not g.can_release:
            lp.book.add(
                lp.problem,
                Rule(
                    name=safe("available", g.id),
                    family="staff_available",
                    ids=(g.id,),
                    text=f"{g.name}: {g.fte_available:g} FTE available",
                    sense="<=",
                    rhs=g.fte_available,
                    unit="FTE",
                    weight=2.0,
                    relax=f"one more FTE of {g.name}",
                    carry=g.cost_per_fte_gbp,
                    moves=_with_net_cost(g.cost_per_fte_gbp),
                    own=g.cost_per_fte_gbp,
                ),
                lp.deployed(g.id),
            )
            _add_elastic_staff(lp, g.id, safe("available", g.id))
            continue
        lp.problem += (lp.deployed(g.id) <= lp.retained[g.id], safe("deploy", g.id))
        lp.book.add(
            lp.problem,
            Rule(
                name=safe("establishment", g.id),
                family="establishment",
                ids=(g.id,),
                text=f"{g.name}: {g.fte_available:g} FTE on the establishment",
                sense="<=",
                rhs=g.fte_available,
                unit="FTE",
                weight=2.0,
                relax=f"one more FTE of {g.name} on the establishment",
                carry=g.release_cost_per_fte_gbp or 0.0,
                moves=_with_net_cost(g.release_cost_per_fte_gbp or 0.0),
                own=g.cost_per_fte_gbp,
            ),
            lp.retained[g.id],
        )
        _add_elastic_staff(lp, g.id, safe("establishment", g.id))


def _add_elastic_staff(lp: StaffingLp, group_id: str, rule_name: str) -> None:
    """In a diagnosis, FTE added by relaxing a group's availability or establishment are
    staff like the others: paid when kept (a_s + slack retained), released at the release
    cost otherwise, so the ledger of idle staff and N move with the rule."""
    slack = lp.book.slacks.get(rule_name)
    if slack is None:
        return
    lp.added[group_id] = slack
    if not lp.instance.group(group_id).can_release:
        lp.retained[group_id] = lp.instance.group(group_id).fte_available + slack


def _add_minimum_deployment(lp: StaffingLp) -> None:
    """sum_f x_sf >= min_s for each group s with a minimum deployment."""
    for g in lp.instance.staff_groups:
        if g.min_deployed_fte > 0:
            lp.book.add(
                lp.problem,
                Rule(
                    name=safe("min_deployed", g.id),
                    family="min_deployed",
                    ids=(g.id,),
                    text=f"{g.name}: at least {g.min_deployed_fte:g} FTE deployed",
                    sense=">=",
                    rhs=g.min_deployed_fte,
                    unit="FTE",
                    relax=f"each FTE less that {g.name} must keep deployed",
                    most=g.min_deployed_fte,
                ),
                lp.deployed(g.id),
            )


def _add_function_minimums(lp: StaffingLp) -> None:
    """X_f >= max(min_f, cases_f / cases_per_fte_f) for each function with a minimum."""
    for f in lp.instance.functions:
        need = f.required_min_fte
        if need <= 0:
            continue
        why = "statutory minimum" if f.statutory else "minimum"
        if f.demand is not None and f.demand.min_fte >= f.min_fte:
            d = f.demand
            why = f"demand-driven minimum ({d.cases:g} cases at {d.cases_per_fte:g} per FTE)"
        lp.book.add(
            lp.problem,
            Rule(
                name=safe("min_fte", f.id),
                family="function_min",
                ids=(f.id,),
                text=f"{f.name}: {why} of {need:.2f} specialist FTE",
                sense=">=",
                rhs=need,
                unit="FTE",
                relax=f"each FTE less required on {f.name}",
                relaxable=not f.statutory,
                most=need,
            ),
            lp.specialist_fte(f.id),
        )


def _add_function_maximums(lp: StaffingLp) -> None:
    """X_f <= min(max_f, schools_f * take_up_f * fte_per_school_f) for each capped function."""
    for f in lp.instance.functions:
        cap = f.effective_max_fte
        if cap is None:
            continue
        per_school = (
            f.traded is not None
            and f.traded.demand_max_fte is not None
            and (f.max_fte is None or f.traded.demand_max_fte <= f.max_fte)
        )
        if per_school and f.traded is not None and f.traded.fte_per_school is not None:
            buying = f.traded.schools_buying
            text = f"{f.name}: take-up of {buying:g} schools needs at most {cap:.2f} FTE"
            rule = Rule(
                name=safe("max_fte", f.id),
                family="take_up",
                ids=(f.id,),
                text=text,
                sense="<=",
                rhs=cap,
                unit="school buying in",
                step=f.traded.fte_per_school,
                relax=f"each extra school buying {f.name}",
                most=(f.traded.schools_in_scope or 0) - (buying or 0.0),
            )
        else:
            rule = Rule(
                name=safe("max_fte", f.id),
                family="function_max",
                ids=(f.id,),
                text=f"{f.name}: at most {cap:g} specialist FTE",
                sense="<=",
                rhs=cap,
                unit="FTE",
                relax=f"each extra FTE allowed on {f.name}",
            )
        lp.book.add(lp.problem, rule, lp.specialist_fte(f.id))


def _add_admin_support(lp: StaffingLp) -> None:
    """sum_{s in S_adm} x_sf - rho X_f >= 0 for each function f (admin support ratio rho)."""
    rho = lp.instance.admin_per_specialist_fte
    if rho <= 0:
        return
    for f in lp.instance.functions:
        lp.book.add(
            lp.problem,
            Rule(
                name=safe("admin", f.id),
                family="admin_ratio",
                ids=(f.id,),
                text=f"at least {rho:g} admin FTE per specialist FTE",
                sense=">=",
                rhs=0.0,
                unit="0.01 admin FTE per specialist FTE",
                step=0.01 * lp.specialist_fte(f.id),
                group="admin_ratio",
                relax=f"each 0.01 taken off the admin ratio of {rho:g} per specialist FTE",
                most=100 * rho,
            ),
            lp.admin_fte(f.id) - rho * lp.specialist_fte(f.id),
        )


def _add_category_bands(lp: StaffingLp) -> None:
    """lo_c T <= X_c <= hi_c T for each banded category c; one point of a band is 0.01 T."""
    total = lp.total_specialist_fte()
    for band in lp.instance.bands:
        c, label = band.category, CATEGORY_LABEL[band.category]
        if band.min_share > 0:
            lp.book.add(
                lp.problem,
                Rule(
                    name=safe("band_min", c.value),
                    family="band_min",
                    ids=(c.value,),
                    text=f"{label} share of at least {band.min_share:.0%}",
                    sense=">=",
                    rhs=0.0,
                    unit="percentage point",
                    step=0.01 * total,
                    relax=f"each point taken off the {band.min_share:.0%} {label} floor",
                    most=100 * band.min_share,
                ),
                lp.category_fte(c) - band.min_share * total,
            )
        if band.max_share < 1:
            lp.book.add(
                lp.problem,
                Rule(
                    name=safe("band_max", c.value),
                    family="band_max",
                    ids=(c.value,),
                    text=f"{label} share of at most {band.max_share:.0%}",
                    sense="<=",
                    rhs=0.0,
                    unit="percentage point",
                    step=0.01 * total,
                    relax=f"each extra point allowed above the {band.max_share:.0%} "
                    f"{label} ceiling",
                    most=100 * (1 - band.max_share),
                ),
                lp.category_fte(c) - band.max_share * total,
            )


def _add_cost_recovery(lp: StaffingLp) -> None:
    """I_f - C_f >= 0 for each traded function that must recover its cost, and
    sum_{f in F_traded} (I_f - C_f) >= 0 when the traded offer as a whole must."""
    inst = lp.instance
    money = _money_weight(inst)
    for f in inst.functions:
        if f.traded is not None and f.traded.must_recover_cost:
            lp.book.add(
                lp.problem,
                Rule(
                    name=safe("recover", f.id),
                    family="cost_recovery",
                    ids=(f.id,),
                    text=f"{f.name} must recover its full cost",
                    sense=">=",
                    rhs=0.0,
                    unit="£1,000 of shortfall",
                    step=1000.0,
                    weight=money,
                    relax=f"each £1,000 of shortfall allowed on {f.name}",
                ),
                lp.income(f.id) - lp.function_cost(f.id),
            )
    traded = [f for f in inst.functions if f.category is Category.TRADED]
    if inst.traded_must_recover_cost and traded:
        lp.book.add(
            lp.problem,
            Rule(
                name="recover_traded",
                family="cost_recovery",
                ids=("traded",),
                text="traded work as a whole must recover its full cost",
                sense=">=",
                rhs=0.0,
                unit="£1,000 of shortfall",
                step=1000.0,
                weight=money,
                relax="each £1,000 of shortfall allowed on traded work as a whole",
            ),
            pulp.lpSum(lp.income(f.id) - lp.function_cost(f.id) for f in traded),
        )


def _add_funding_ledger(lp: StaffingLp) -> None:
    """sum_k p_kc + t_c + g_c = C_c for each centre c (every pound met), t_f <= I_f, where
    p_kc exists only if source k may pay for c."""
    inst = lp.instance
    centres = [(f.id, lp.function_cost(f.id)) for f in inst.functions]
    centres.append((UNALLOCATED, lp.unallocated_cost()))
    for centre, cost in centres:
        paid = []
        for k in inst.funding_sources:
            if centre != UNALLOCATED and inst.pays_for(k, inst.function(centre)):
                lp.pay[k.id, centre] = lp.problem.add_variable(
                    safe("pay", k.id, centre), lowBound=0
                )
                paid.append(lp.pay[k.id, centre])
        lp.general[centre] = lp.problem.add_variable(safe("general", centre), lowBound=0)
        if centre != UNALLOCATED and inst.function(centre).traded is not None:
            lp.applied[centre] = lp.problem.add_variable(safe("traded_income", centre), lowBound=0)
            paid.append(lp.applied[centre])
            lp.problem += (lp.applied[centre] <= lp.income(centre), safe("income_applied", centre))
        lp.problem += (pulp.lpSum(paid) + lp.general[centre] == cost, safe("ledger", centre))


def _add_funding_amounts(lp: StaffingLp) -> None:
    """sum_c p_kc <= A_k for each funding source k."""
    for k in lp.instance.funding_sources:
        lp.book.add(
            lp.problem,
            Rule(
                name=safe("source", k.id),
                family="funding_amount",
                ids=(k.id,),
                text=f"{k.name}: £{k.amount_gbp:,.0f} a year",
                sense="<=",
                rhs=k.amount_gbp,
                unit="£1,000 more",
                step=1000.0,
                weight=2.0 * _money_weight(lp.instance),
                relax=f"each extra £1,000 of {k.name}",
                carry=0.0 if k.ring_fenced else -1.0,
                moves=() if k.ring_fenced else ((COUNCIL_CAP, 1.0),),
            ),
            pulp.lpSum(v for (kid, _), v in lp.pay.items() if kid == k.id),
        )


def _add_council_cap(lp: StaffingLp) -> None:
    """N <= cap, the council's net contribution."""
    cap = lp.instance.council_budget_cap_gbp
    if cap is None:
        return
    lp.book.add(
        lp.problem,
        Rule(
            name=COUNCIL_CAP,
            family="council_cap",
            ids=("council",),
            text=f"the council's net contribution of at most £{cap:,.0f}",
            sense="<=",
            rhs=cap,
            unit="£1,000 more",
            step=1000.0,
            weight=_money_weight(lp.instance),
            relax="each extra £1,000 on the council's cap",
        ),
        lp.net_cost(),
    )


def _money_weight(instance: StaffingInstance) -> float:
    """Elastic price of £1 relative to one FTE: 1 / the mean specialist cost per FTE."""
    costs = [g.cost_per_fte_gbp for g in instance.staff_groups if g.role is Role.SPECIALIST]
    mean = sum(costs) / len(costs) if costs else 50_000.0
    return 1.0 / max(mean, 1.0)
