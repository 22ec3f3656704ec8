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

import pulp

from optimiser.core.rules import Rule, RuleBook, safe
from optimiser.staffing import model_money, model_years
from optimiser.staffing.horizon import year_views
from optimiser.staffing.lp import StaffingLp, fte_var
from optimiser.staffing.schema import (
    CATEGORY_LABEL,
    StaffingInstance,
    can_deploy,
)
from optimiser.staffing.solution import UNALLOCATED


def build(instance: StaffingInstance, book: RuleBook | None = None) -> StaffingLp:
    """min N subject to every rule family below (each a function stating its algebra); a plan
    over years is built by optimiser.staffing.model_years."""
    if instance.horizon:
        return _build_horizon(instance, book or RuleBook())
    lp = StaffingLp(
        instance,
        pulp.LpProblem(safe("staffing", instance.name), pulp.LpMinimize),
        book or RuleBook(),
    )
    _add_variables(lp)
    _add_staff_availability(lp)
    add_year_rules(lp)
    return lp


def _build_horizon(instance: StaffingInstance, book: RuleBook) -> StaffingLp:
    """One block per year (that year's figures, rules named with the year) in one problem,
    linked by the staff stock and funding spread over years (optimiser.staffing.model_years)."""
    top = StaffingLp(
        instance, pulp.LpProblem(safe("staffing", instance.name), pulp.LpMinimize), book
    )
    for view in year_views(instance):
        top.years.append(
            StaffingLp(view.instance, top.problem, book, year=view.id, discount=view.discount)
        )
    model_years.add_stock(top)
    model_years.add_source_amounts(top)
    for block in top.years:
        add_deployments(block, {g.id: None for g in instance.staff_groups})
        model_years.add_availability(block)
        add_year_rules(block)
        top.general.update({f"{block.year}/{c}": v for c, v in block.general.items()})
    top.integer_variables += sum(b.integer_variables for b in top.years)
    return top


def add_year_rules(lp: StaffingLp) -> None:
    """Every rule of one year that does not link years: deployment, functions, bands, money."""
    _add_minimum_deployment(lp)
    _add_function_minimums(lp)
    _add_function_maximums(lp)
    _add_admin_support(lp)
    _add_category_bands(lp)
    model_money.add_money_rules(lp)


def add_deployments(lp: StaffingLp, upper: dict[str, float | None]) -> None:
    """x_sf for each allowed (s, f), at most `upper[s]` (None: no bound); with a deployment
    step h, x_sf = h n_sf with n integer."""
    inst = lp.instance
    for g in inst.staff_groups:
        for f in inst.functions:
            if can_deploy(g, f):
                lp.x[g.id, f.id] = fte_var(
                    lp, lp.name("x", g.id, f.id), upper[g.id], inst.deployment_fte_step
                )


def _add_variables(lp: StaffingLp) -> None:
    """x_sf for each allowed (s, f); r_s for groups that may release staff; with a posts step
    h, r_s = a_s - h m_s with m integer (whole posts released)."""
    inst, step = lp.instance, lp.instance.fte_step
    add_deployments(lp, {g.id: g.fte_available for g in inst.staff_groups})
    for g in inst.staff_groups:
        if not g.can_release:
            lp.retained[g.id] = g.fte_available
            continue
        if step is None:
            lp.retained[g.id] = lp.problem.add_variable(safe("retained", g.id), lowBound=0)
        else:
            lp.retained[g.id] = g.fte_available - fte_var(
                lp, safe("released", g.id), g.fte_available, step
            )
        lp.released[g.id] = g.fte_available - lp.retained[g.id]


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
    g = lp.instance.group(group_id)
    if not g.can_release:
        lp.retained[group_id] = g.fte_available + slack
    else:
        lp.released[group_id] = g.fte_available + slack - lp.retained[group_id]


def _add_minimum_deployment(lp: StaffingLp) -> None:
    """sum_f x_sf >= min_s for each group s with a minimum deployment."""
    for g in lp.instance.staff_groups:
        if g.min_deployed_fte > 0:
            lp.book.add(
                lp.problem,
                Rule(
                    name=lp.name("min_deployed", g.id),
                    family="min_deployed",
                    ids=lp.ids(g.id),
                    text=lp.label(f"{g.name}: at least {g.min_deployed_fte:g} FTE deployed"),
                    sense=">=",
                    rhs=g.min_deployed_fte,
                    unit="FTE",
                    relax=f"each FTE less that {g.name} must keep deployed",
                    most=g.min_deployed_fte,
                    year=lp.year or None,
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
                name=lp.name("min_fte", f.id),
                family="function_min",
                ids=lp.ids(f.id),
                text=lp.label(f"{f.name}: {why} of {need:.2f} specialist FTE"),
                sense=">=",
                rhs=need,
                unit="FTE",
                relax=f"each FTE less required on {f.name}",
                relaxable=not f.statutory,
                most=need,
                year=lp.year or None,
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
                name=lp.name("max_fte", f.id),
                family="take_up",
                ids=lp.ids(f.id),
                text=lp.label(text),
                sense="<=",
                rhs=cap,
                unit="school buying in",
                step=f.traded.fte_per_school,
                relax=f"each extra school buying {f.name}",
                most=(f.traded.schools_in_scope or 0) - (buying or 0.0),
                year=lp.year or None,
            )
        else:
            rule = Rule(
                name=lp.name("max_fte", f.id),
                family="function_max",
                ids=lp.ids(f.id),
                text=lp.label(f"{f.name}: at most {cap:g} specialist FTE"),
                sense="<=",
                rhs=cap,
                unit="FTE",
                relax=f"each extra FTE allowed on {f.name}",
                year=lp.year or None,
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
                name=lp.name("admin", f.id),
                family="admin_ratio",
                ids=lp.ids(f.id),
                text=lp.label(f"at least {rho:g} admin FTE per specialist FTE"),
                sense=">=",
                rhs=0.0,
                unit="0.01 admin FTE per specialist FTE",
                step=0.01 * lp.specialist_fte(f.id),
                group=lp.name("admin_ratio"),
                relax=f"each 0.01 taken off the admin ratio of {rho:g} per specialist FTE",
                most=100 * rho,
                year=lp.year or None,
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
                    name=lp.name("band_min", c.value),
                    family="band_min",
                    ids=lp.ids(c.value),
                    text=lp.label(f"{label} share of at least {band.min_share:.0%}"),
                    sense=">=",
                    rhs=0.0,
                    unit="percentage point",
                    step=0.01 * total,
                    relax=f"each point taken off the {band.min_share:.0%} {label} floor",
                    most=100 * band.min_share,
                    year=lp.year or None,
                ),
                lp.category_fte(c) - band.min_share * total,
            )
        if band.max_share < 1:
            lp.book.add(
                lp.problem,
                Rule(
                    name=lp.name("band_max", c.value),
                    family="band_max",
                    ids=lp.ids(c.value),
                    text=lp.label(f"{label} share of at most {band.max_share:.0%}"),
                    sense="<=",
                    rhs=0.0,
                    unit="percentage point",
                    step=0.01 * total,
                    relax=f"each extra point allowed above the {band.max_share:.0%} "
                    f"{label} ceiling",
                    most=100 * (1 - band.max_share),
                    year=lp.year or None,
                ),
                lp.category_fte(c) - band.max_share * total,
            )


__all__ = ["StaffingLp", "add_year_rules", "build"]
