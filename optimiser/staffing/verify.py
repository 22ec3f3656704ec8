"""Re-check a staffing plan with no solver: every rule, every reported figure, the objective."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from optimiser.core.checker import Checker
from optimiser.core.schema import Verification
from optimiser.staffing import verify_years
from optimiser.staffing.horizon import year_views
from optimiser.staffing.schema import Category, Role, StaffingInstance, can_deploy
from optimiser.staffing.solution import UNALLOCATED, StaffingSolution, YearResult


@dataclass(frozen=True)
class Figures:
    """Everything recomputed from the instance and the plan's deployments and retention."""

    retained: dict[str, float]
    deployed: dict[str, float]
    spec: dict[str, float]
    admin: dict[str, float]
    cost: dict[str, float]
    income: dict[str, float]

    @property
    def total(self) -> float:
        """Specialist FTE on all functions."""
        return sum(self.spec.values())


Plan = StaffingSolution | YearResult


def verify_staffing(instance: StaffingInstance, plan: StaffingSolution) -> Verification:
    """Recompute every rule and the council's net cost from the instance and the plan; a plan
    over years year by year, with its flows (optimiser.staffing.verify_years)."""
    chk = Checker()
    if instance.horizon:
        _verify_horizon(chk, instance, plan)
        return chk.verdict()
    amounts = {k.id: k.amount_gbp for k in instance.funding_sources}
    net = check_year(chk, instance, plan, amounts, horizon=False)
    tol = chk.money(abs(net) + sum(r.cost_gbp for r in plan.functions))
    chk.close(plan.net_cost_gbp or 0.0, net, tol, "reported net cost differs from recomputed")
    return chk.verdict()


def _verify_horizon(chk: Checker, instance: StaffingInstance, plan: StaffingSolution) -> None:
    """Each year's rules against that year's figures, then the flows between years and the
    totals (optimiser.staffing.verify_years)."""
    views = year_views(instance)
    chk.that(len(plan.years) == len(views), "the plan does not have one entry per year")
    nets = []
    for view, year in zip(views, plan.years, strict=False):
        chk.that(year.year == view.id, f"year {year.year} out of order")
        amounts = verify_years.check_amounts(chk, view, year)
        nets.append(check_year(chk, view.instance, year, amounts, horizon=True))
        tol = chk.money(abs(nets[-1]) + sum(r.cost_gbp for r in year.functions))
        chk.close(year.net_cost_gbp, nets[-1], tol, f"{view.id}: reported net cost differs")
    verify_years.check_flows(chk, instance, views, plan)
    verify_years.check_totals(chk, instance, views, plan, nets)


def check_year(
    chk: Checker, inst: StaffingInstance, plan: Plan, amounts: dict[str, float], horizon: bool
) -> float:
    """Every rule of one year; returns the recomputed council net cost of the year."""
    fig = _figures(inst, plan, _deployments(chk, inst, plan))
    _check_staff(chk, inst, plan, fig, horizon)
    _check_functions(chk, inst, fig)
    _check_bands(chk, inst, fig)
    _check_recovery(chk, inst, fig)
    ring_used = _check_ledger(chk, inst, plan, fig, amounts)
    _check_grant_conditions(chk, inst, plan, fig)
    net = _check_net(chk, inst, plan, fig, ring_used, amounts=amounts)
    _check_reported(chk, plan, fig)
    return net


def _deployments(chk: Checker, inst: StaffingInstance, plan: Plan) -> dict[tuple[str, str], float]:
    """x_sf from the plan: known ids, allowed pairs, non-negative, on the FTE step."""
    groups = {g.id: g for g in inst.staff_groups}
    functions = {f.id: f for f in inst.functions}
    x: dict[tuple[str, str], float] = defaultdict(float)
    for d in plan.deployments:
        known = d.group in groups and d.function in functions
        chk.that(known, f"deployment of unknown ids {d.group}/{d.function}")
        if not known:
            continue
        chk.that(
            can_deploy(groups[d.group], functions[d.function]),
            f"{d.group} may not work on {d.function}",
        )
        chk.at_least(d.fte, 0.0, 0.0, f"negative FTE for {d.group} on {d.function}")
        step = inst.deployment_fte_step
        if step is not None:
            chk.that(_on_step(d.fte, step), f"{d.group} on {d.function} is off the step")
        x[d.group, d.function] += d.fte
    return x


def _figures(inst: StaffingInstance, plan: Plan, x: dict[tuple[str, str], float]) -> Figures:
    role = {g.id: g.role for g in inst.staff_groups}
    cost_of = {g.id: g.cost_per_fte_gbp for g in inst.staff_groups}
    retained = {u.group: u.retained_fte for u in plan.groups}
    deployed = {g.id: sum(v for (s, _), v in x.items() if s == g.id) for g in inst.staff_groups}

    def on(fid: str, r: Role) -> float:
        return sum(v for (s, f), v in x.items() if f == fid and role[s] is r)

    spec = {f.id: on(f.id, Role.SPECIALIST) for f in inst.functions}
    admin = {f.id: on(f.id, Role.ADMIN) for f in inst.functions}
    cost = {
        f.id: sum(cost_of[s] * v for (s, ff), v in x.items() if ff == f.id) + f.non_staff_cost_gbp
        for f in inst.functions
    }
    use = {u.group: u for u in plan.groups}
    cost[UNALLOCATED] = inst.overhead_cost_gbp + sum(
        g.cost_per_fte_gbp * ((1.0 - g.vacancy_share) * retained.get(g.id, 0.0) - deployed[g.id])
        + (g.release_cost_per_fte_gbp or 0.0) * (use[g.id].released_fte if g.id in use else 0.0)
        + (g.hire_cost_per_fte_gbp or 0.0) * (use[g.id].hired_fte if g.id in use else 0.0)
        for g in inst.staff_groups
    )
    income = {
        f.id: f.traded.rate_per_fte_gbp * spec[f.id] if f.traded else 0.0 for f in inst.functions
    }
    return Figures(retained, deployed, spec, admin, cost, income)


def _on_step(value: float, step: float) -> bool:
    return abs(value / step - round(value / step)) < 1e-6


def _check_staff(
    chk: Checker, inst: StaffingInstance, plan: Plan, fig: Figures, horizon: bool
) -> None:
    """deployed <= paid establishment; one year: retained <= available, released = available -
    retained (whole steps), only where release is allowed; over years the flows are checked
    by optimiser.staffing.verify_years."""
    tol = chk.fte_tol
    use = {u.group: u for u in plan.groups}
    for g in inst.staff_groups:
        r, d = fig.retained.get(g.id, 0.0), fig.deployed[g.id]
        chk.that(g.id in use, f"{g.id} missing from the plan's groups")
        chk.at_most(d, (1.0 - g.vacancy_share) * r, tol, f"{g.id} deploys more than it retains")
        chk.at_least(d, g.min_deployed_fte, tol, f"{g.id} below its minimum deployment")
        if horizon or g.id not in use:
            continue
        released = use[g.id].released_fte
        chk.at_most(r, g.fte_available, tol, f"{g.id} retains more than is available")
        chk.close(released, g.fte_available - r, tol, f"{g.id}'s release is not what it left")
        chk.close(use[g.id].hired_fte, 0.0, tol, f"{g.id} hires in a one-year plan")
        if not g.can_release:
            chk.close(r, g.fte_available, tol, f"{g.id} releases staff without a release cost")
        if inst.fte_step is not None and g.can_release:
            chk.that(_on_step(released, inst.fte_step), f"{g.id} releases FTE off the step")


def _check_functions(chk: Checker, inst: StaffingInstance, fig: Figures) -> None:
    """min_f <= X_f <= max_f and admin_f >= rho X_f for each function."""
    tol, rho = chk.fte_tol, inst.admin_per_specialist_fte
    for f in inst.functions:
        chk.at_least(fig.spec[f.id], f.required_min_fte, tol, f"{f.id} below its minimum FTE")
        cap = f.effective_max_fte
        if cap is not None:
            chk.at_most(fig.spec[f.id], cap, tol, f"{f.id} above its maximum FTE")
        chk.at_least(fig.admin[f.id], rho * fig.spec[f.id], tol, f"{f.id} lacks admin support")


def _check_bands(chk: Checker, inst: StaffingInstance, fig: Figures) -> None:
    """lo_c T <= X_c <= hi_c T for each banded category."""
    for band in inst.bands:
        x_c = sum(fig.spec[f.id] for f in inst.functions if f.category is band.category)
        name = band.category.value
        chk.at_least(x_c, band.min_share * fig.total, chk.fte_tol, f"{name} below its band")
        chk.at_most(x_c, band.max_share * fig.total, chk.fte_tol, f"{name} above its band")


def _recharge(inst: StaffingInstance, fig: Figures, function_id: str) -> float:
    """OH_f = o_fte (X_f + admin_f) + o_share C_f on a traded function."""
    if inst.function(function_id).category is not Category.TRADED:
        return 0.0
    staff = fig.spec[function_id] + fig.admin[function_id]
    per_fte, share = inst.recovery_overhead_per_fte_gbp, inst.recovery_overhead_share
    return per_fte * staff + share * fig.cost[function_id]


def _surplus(inst: StaffingInstance, fig: Figures) -> float:
    traded = [f.id for f in inst.functions if f.category is Category.TRADED]
    return sum(fig.income[f] - fig.cost[f] - _recharge(inst, fig, f) for f in traded)


def _check_recovery(chk: Checker, inst: StaffingInstance, fig: Figures) -> None:
    """I_f >= C_f + OH_f where a function must recover its full cost; the same for traded
    work as a whole."""
    for f in inst.functions:
        if f.traded is not None and f.traded.must_recover_cost:
            c = fig.cost[f.id] + _recharge(inst, fig, f.id)
            chk.at_least(fig.income[f.id], c, chk.money(c), f"{f.id} does not recover its cost")
    if inst.traded_must_recover_cost:
        scale = sum(fig.cost[f.id] for f in inst.functions)
        chk.at_least(_surplus(inst, fig), 0.0, chk.money(scale), "traded work makes a loss")


def kept_surplus(inst: StaffingInstance, surplus: float) -> float:
    """What the traded arm keeps of a surplus, tier by tier: sum_b (1 - rho_b) s_b."""
    kept, below = 0.0, 0.0
    for tier in inst.traded_surplus_share:
        top = surplus if tier.up_to_gbp is None else min(surplus, tier.up_to_gbp)
        kept += (1.0 - tier.council_share) * max(0.0, top - below)
        below = tier.up_to_gbp if tier.up_to_gbp is not None else below
    return kept


def _check_ledger(
    chk: Checker, inst: StaffingInstance, plan: Plan, fig: Figures, amounts: dict[str, float]
) -> float:
    """Each centre's cost is met exactly, by eligible sources within their amounts. Returns
    the ring-fenced money used."""
    sources = {k.id: k for k in inst.funding_sources}
    functions = {f.id: f for f in inst.functions}
    paid: dict[str, float] = defaultdict(float)
    used: dict[str, float] = defaultdict(float)
    for e in plan.ledger:
        chk.that(e.centre in fig.cost, f"ledger pays unknown centre {e.centre}")
        chk.at_least(e.amount_gbp, 0.0, 0.0, f"negative ledger entry {e.source}->{e.centre}")
        paid[e.centre] += e.amount_gbp
        if e.source == "traded_income":
            own = e.centre in functions and functions[e.centre].traded is not None
            chk.that(own, f"traded income pays non-traded centre {e.centre}")
            earned = fig.income.get(e.centre, 0.0)
            chk.at_most(e.amount_gbp, earned, chk.money(earned), f"{e.centre} overspends income")
        elif e.source != "council":
            k = sources.get(e.source)
            chk.that(k is not None, f"ledger names unknown source {e.source}")
            if k is not None:
                ok = e.centre in functions and inst.pays_for(k, functions[e.centre])
                chk.that(ok, f"{e.source} may not pay for {e.centre}")
                used[e.source] += e.amount_gbp
    for centre, c in fig.cost.items():
        chk.close(paid[centre], c, chk.money(c), f"{centre}'s cost is not met exactly")
    for kid, amount in used.items():
        limit = amounts.get(kid, 0.0)
        chk.at_most(amount, limit, chk.money(limit), f"{kid} pays more than it has")
    return sum(a for kid, a in used.items() if sources[kid].ring_fenced)


def _check_grant_conditions(chk: Checker, inst: StaffingInstance, plan: Plan, fig: Figures) -> None:
    """A source paying for at most M FTE of a role on f pays no more than f's cost with the
    role's staff beyond M (the cheapest of them) left out."""
    paid: dict[tuple[str, str], float] = defaultdict(float)
    for e in plan.ledger:
        paid[e.source, e.centre] += e.amount_gbp
    cost_of = {g.id: g for g in inst.staff_groups}
    for k in inst.funding_sources:
        for cap in k.fte_caps:
            rows = sorted(
                (
                    (cost_of[d.group].cost_per_fte_gbp, d.fte)
                    for d in plan.deployments
                    if d.function == cap.function
                    and d.group in cost_of
                    and (cap.role == "any" or cost_of[d.group].role.value == cap.role)
                ),
                reverse=True,
            )
            left, covered = cap.max_fte, 0.0
            for price, fte in rows:
                covered += price * min(fte, left)
                left -= min(fte, left)
            limit = fig.cost.get(cap.function, 0.0) - sum(p * f for p, f in rows) + covered
            got = paid[k.id, cap.function]
            chk.at_most(
                got, limit, chk.money(limit), f"{k.id} pays beyond its FTE cap on {cap.function}"
            )


def _check_net(
    chk: Checker,
    inst: StaffingInstance,
    plan: Plan,
    fig: Figures,
    ring_used: float,
    *,
    amounts: dict[str, float],
) -> float:
    """N = sum C - sum I - ring-fenced money used - other sources in full + surplus kept by
    the traded arm; N <= cap. Returns N."""
    other = sum(amounts.get(k.id, 0.0) for k in inst.funding_sources if not k.ring_fenced)
    kept = kept_surplus(inst, _surplus(inst, fig))
    net = sum(fig.cost.values()) - sum(fig.income.values()) - ring_used - other + kept
    tol = chk.money(sum(fig.cost.values()))
    if inst.council_budget_cap_gbp is not None:
        chk.at_most(net, inst.council_budget_cap_gbp, tol, "council net above its cap")
    if plan.council is not None:
        chk.close(plan.council.net_gbp, net, tol, "reported council net differs from recomputed")
    if plan.traded_share is not None:
        chk.close(plan.traded_share.kept_gbp, kept, tol, "reported surplus kept differs")
    return net


def _check_reported(chk: Checker, plan: Plan, fig: Figures) -> None:
    """The plan's tables say what the deployments imply."""
    for r in plan.functions:
        f = r.function
        chk.close(r.specialist_fte, fig.spec.get(f, 0.0), chk.fte_tol, f"reported FTE of {f}")
        chk.close(r.admin_fte, fig.admin.get(f, 0.0), chk.fte_tol, f"reported admin FTE of {f}")
        chk.close(r.cost_gbp, fig.cost.get(f, 0.0), chk.money(r.cost_gbp), f"reported cost of {f}")
        chk.close(
            r.income_gbp, fig.income.get(f, 0.0), chk.money(r.income_gbp), f"reported income of {f}"
        )
    total = fig.total
    # Shares are reported from unrounded FTE; the deployments are published to 6 decimals
    # (each off by at most 5e-7), which moves a share of a small total by up to this much.
    rounding = len(plan.deployments) * 1e-6 / total if total > 0 else 0.0
    for c in plan.categories:
        fte = sum(fig.spec[r.function] for r in plan.functions if r.category is c.category)
        expected = fte / total if total > 0 else 0.0
        chk.close(c.share, expected, 1e-5 + rounding, f"reported share of {c.category.value}")
