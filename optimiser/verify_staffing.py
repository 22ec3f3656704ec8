"""Re-check a staffing plan with no solver: every rule, every reported figure, the objective."""

from __future__ import annotations

from collections import defaultdict

from optimiser.schema.common import Verification
from optimiser.schema.staffing import Category, Role, StaffingInstance, can_deploy
from optimiser.schema.staffing_solution import StaffingSolution
from optimiser.verify_common import Checker

UNALLOCATED = "unallocated"


def verify_staffing(instance: StaffingInstance, plan: StaffingSolution) -> Verification:
    """Recompute every rule and the council's net cost from the instance and the plan."""
    chk = Checker()
    groups = {g.id: g for g in instance.staff_groups}
    functions = {f.id: f for f in instance.functions}
    step = instance.fte_step
    x: dict[tuple[str, str], float] = defaultdict(float)
    for d in plan.deployments:
        chk.that(d.group in groups and d.function in functions, f"deployment of unknown ids {d.group}/{d.function}")
        if d.group in groups and d.function in functions:
            chk.that(can_deploy(groups[d.group], functions[d.function]),
                     f"{d.group} lacks the skill required by {d.function}")
        chk.at_least(d.fte, 0.0, 0.0, f"negative FTE for {d.group} on {d.function}")
        if step is not None:
            chk.that(_on_step(d.fte, step), f"{d.group} on {d.function} is not a multiple of {step}")
        x[d.group, d.function] += d.fte

    retained = {u.group: u.retained_fte for u in plan.groups}
    deployed = {g: sum(v for (gg, _), v in x.items() if gg == g) for g in groups}
    for g in instance.staff_groups:
        r = retained.get(g.id, 0.0)
        chk.at_most(deployed[g.id], r, chk.fte_tol, f"{g.id} deploys more than it retains")
        chk.at_most(r, g.fte_available, chk.fte_tol, f"{g.id} retains more than is available")
        if not g.can_release:
            chk.close(r, g.fte_available, chk.fte_tol, f"{g.id} releases staff without a release cost")
        chk.at_least(deployed[g.id], g.min_deployed_fte, chk.fte_tol, f"{g.id} below its minimum deployment")

    spec = {f: sum(v for (g, ff), v in x.items() if ff == f and groups[g].role is Role.SPECIALIST) for f in functions}
    admin = {f: sum(v for (g, ff), v in x.items() if ff == f and groups[g].role is Role.ADMIN) for f in functions}
    for f in instance.functions:
        chk.at_least(spec[f.id], f.required_min_fte, chk.fte_tol, f"{f.id} below its minimum FTE")
        cap = f.effective_max_fte
        if cap is not None:
            chk.at_most(spec[f.id], cap, chk.fte_tol, f"{f.id} above its maximum FTE")
        chk.at_least(admin[f.id], instance.admin_per_specialist_fte * spec[f.id], chk.fte_tol,
                     f"{f.id} has too little admin support")

    total = sum(spec.values())
    for band in instance.bands:
        share_fte = sum(spec[f.id] for f in instance.functions if f.category is band.category)
        chk.at_least(share_fte, band.min_share * total, chk.fte_tol, f"{band.category.value} below its band")
        chk.at_most(share_fte, band.max_share * total, chk.fte_tol, f"{band.category.value} above its band")

    cost = {f.id: sum(groups[g].cost_per_fte_gbp * v for (g, ff), v in x.items() if ff == f.id) + f.non_staff_cost_gbp
            for f in instance.functions}
    income = {f.id: (f.traded.rate_per_fte_gbp * spec[f.id] if f.traded else 0.0) for f in instance.functions}
    cost[UNALLOCATED] = instance.overhead_cost_gbp + sum(
        g.cost_per_fte_gbp * (retained.get(g.id, 0.0) - deployed[g.id])
        + (g.release_cost_per_fte_gbp or 0.0) * (g.fte_available - retained.get(g.id, 0.0))
        for g in instance.staff_groups
    )
    _check_recovery(chk, instance, cost, income)
    ring_used = _check_ledger(chk, instance, plan, cost, income)

    net = (sum(cost.values()) - sum(income.values()) - ring_used
           - sum(k.amount_gbp for k in instance.funding_sources if not k.ring_fenced))
    tol = chk.money(sum(cost.values()))
    if instance.council_budget_cap_gbp is not None:
        chk.at_most(net, instance.council_budget_cap_gbp, tol, "council net above its cap")
    chk.close(plan.net_cost_gbp or 0.0, net, tol, "reported net cost differs from the recomputed one")
    _check_reported(chk, plan, spec, admin, cost, income, total)
    return chk.verdict()


def _on_step(value: float, step: float) -> bool:
    return abs(value / step - round(value / step)) < 1e-6


def _check_recovery(chk: Checker, inst: StaffingInstance, cost: dict[str, float], income: dict[str, float]) -> None:
    for f in inst.functions:
        if f.traded is not None and f.traded.must_recover_cost:
            chk.at_least(income[f.id], cost[f.id], chk.money(cost[f.id]), f"{f.id} does not recover its cost")
    if inst.traded_must_recover_cost:
        traded = [f.id for f in inst.functions if f.category is Category.TRADED]
        tc = sum(cost[f] for f in traded)
        chk.at_least(sum(income[f] for f in traded), tc, chk.money(tc), "traded work does not recover its cost")


def _check_ledger(chk: Checker, inst: StaffingInstance, plan: StaffingSolution,
                  cost: dict[str, float], income: dict[str, float]) -> float:
    """Each centre's cost is met exactly, by eligible sources within their amounts. Returns
    the ring-fenced money used."""
    sources = {k.id: k for k in inst.funding_sources}
    functions = {f.id: f for f in inst.functions}
    paid: dict[str, float] = defaultdict(float)
    used: dict[str, float] = defaultdict(float)
    for e in plan.ledger:
        chk.that(e.centre in cost, f"ledger pays unknown centre {e.centre}")
        chk.at_least(e.amount_gbp, 0.0, 0.0, f"negative ledger entry {e.source}->{e.centre}")
        paid[e.centre] += e.amount_gbp
        if e.source == "traded_income":
            chk.that(e.centre in functions and functions[e.centre].traded is not None,
                     f"traded income pays non-traded centre {e.centre}")
            chk.at_most(e.amount_gbp, income.get(e.centre, 0.0), chk.money(e.amount_gbp),
                        f"{e.centre} applies more traded income than it earns")
        elif e.source != "council":
            k = sources.get(e.source)
            chk.that(k is not None, f"ledger names unknown source {e.source}")
            if k is not None:
                chk.that(e.centre in functions and inst.pays_for(k, functions[e.centre]),
                         f"{e.source} may not pay for {e.centre}")
                used[e.source] += e.amount_gbp
    for centre, c in cost.items():
        chk.close(paid[centre], c, chk.money(c), f"{centre}'s cost is not met exactly")
    for kid, amount in used.items():
        if kid in sources:
            chk.at_most(amount, sources[kid].amount_gbp, chk.money(amount), f"{kid} pays more than it has")
    return sum(a for kid, a in used.items() if kid in sources and sources[kid].ring_fenced)


def _check_reported(chk: Checker, plan: StaffingSolution, spec: dict[str, float], admin: dict[str, float],
                    cost: dict[str, float], income: dict[str, float], total: float) -> None:
    for r in plan.functions:
        chk.close(r.specialist_fte, spec.get(r.function, 0.0), chk.fte_tol, f"reported FTE of {r.function}")
        chk.close(r.admin_fte, admin.get(r.function, 0.0), chk.fte_tol, f"reported admin FTE of {r.function}")
        chk.close(r.cost_gbp, cost.get(r.function, 0.0), chk.money(r.cost_gbp), f"reported cost of {r.function}")
        chk.close(r.income_gbp, income.get(r.function, 0.0), chk.money(r.income_gbp), f"reported income of {r.function}")
    for c in plan.categories:
        fte = sum(r.specialist_fte for r in plan.functions if r.category is c.category)
        chk.close(c.share, fte / total if total > 0 else 0.0, 1e-5, f"reported share of {c.category.value}")
