"""Re-check a staffing plan with no solver: every rule, every reported figure, the objective."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from optimiser.core.checker import Checker
from optimiser.core.schema import Verification
from optimiser.staffing.schema import Category, Role, StaffingInstance, can_deploy
from optimiser.staffing.solution import UNALLOCATED, StaffingSolution


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
        return sum(self.spec.values())


def verify_staffing(instance: StaffingInstance, plan: StaffingSolution) -> Verification:
    """Recompute every rule and the council's net cost from the instance and the plan."""
    chk = Checker()
    fig = _figures(instance, plan, _deployments(chk, instance, plan))
    _check_staff(chk, instance, fig)
    _check_functions(chk, instance, fig)
    _check_bands(chk, instance, fig)
    _check_recovery(chk, instance, fig)
    ring_used = _check_ledger(chk, instance, plan, fig)
    _check_net(chk, instance, plan, fig, ring_used)
    _check_reported(chk, plan, fig)
    return chk.verdict()


def _deployments(
    chk: Checker, inst: StaffingInstance, plan: StaffingSolution
) -> dict[tuple[str, str], float]:
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
        if inst.fte_step is not None:
            chk.that(_on_step(d.fte, inst.fte_step), f"{d.group} on {d.function} is off the step")
        x[d.group, d.function] += d.fte
    return x


def _figures(
    inst: StaffingInstance, plan: StaffingSolution, x: dict[tuple[str, str], float]
) -> Figures:
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
    cost[UNALLOCATED] = inst.overhead_cost_gbp + sum(
        g.cost_per_fte_gbp * (retained.get(g.id, 0.0) - deployed[g.id])
        + (g.release_cost_per_fte_gbp or 0.0) * (g.fte_available - retained.get(g.id, 0.0))
        for g in inst.staff_groups
    )
    income = {
        f.id: f.traded.rate_per_fte_gbp * spec[f.id] if f.traded else 0.0 for f in inst.functions
    }
    return Figures(retained, deployed, spec, admin, cost, income)


def _on_step(value: float, step: float) -> bool:
    return abs(value / step - round(value / step)) < 1e-6


def _check_staff(chk: Checker, inst: StaffingInstance, fig: Figures) -> None:
    """deployed <= retained <= available; retained = available unless release is allowed."""
    tol = chk.fte_tol
    for g in inst.staff_groups:
        r, d = fig.retained.get(g.id, 0.0), fig.deployed[g.id]
        chk.at_most(d, r, tol, f"{g.id} deploys more than it retains")
        chk.at_most(r, g.fte_available, tol, f"{g.id} retains more than is available")
        if not g.can_release:
            chk.close(r, g.fte_available, tol, f"{g.id} releases staff without a release cost")
        if inst.fte_step is not None and g.can_release:
            chk.that(_on_step(r, inst.fte_step), f"{g.id} retains FTE off the step")
        chk.at_least(d, g.min_deployed_fte, tol, f"{g.id} below its minimum deployment")


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


def _check_recovery(chk: Checker, inst: StaffingInstance, fig: Figures) -> None:
    """I_f >= C_f where a function must recover its cost; the same for traded work as a whole."""
    for f in inst.functions:
        if f.traded is not None and f.traded.must_recover_cost:
            c = fig.cost[f.id]
            chk.at_least(fig.income[f.id], c, chk.money(c), f"{f.id} does not recover its cost")
    if inst.traded_must_recover_cost:
        traded = [f.id for f in inst.functions if f.category is Category.TRADED]
        tc = sum(fig.cost[f] for f in traded)
        ti = sum(fig.income[f] for f in traded)
        chk.at_least(ti, tc, chk.money(tc), "traded work does not recover its cost")


def _check_ledger(
    chk: Checker, inst: StaffingInstance, plan: StaffingSolution, fig: Figures
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
        limit = sources[kid].amount_gbp
        chk.at_most(amount, limit, chk.money(limit), f"{kid} pays more than it has")
    return sum(a for kid, a in used.items() if sources[kid].ring_fenced)


def _check_net(
    chk: Checker, inst: StaffingInstance, plan: StaffingSolution, fig: Figures, ring_used: float
) -> None:
    """N = sum C - sum I - ring-fenced money used - other sources in full; N <= cap."""
    other = sum(k.amount_gbp for k in inst.funding_sources if not k.ring_fenced)
    net = sum(fig.cost.values()) - sum(fig.income.values()) - ring_used - other
    tol = chk.money(sum(fig.cost.values()))
    if inst.council_budget_cap_gbp is not None:
        chk.at_most(net, inst.council_budget_cap_gbp, tol, "council net above its cap")
    chk.close(plan.net_cost_gbp or 0.0, net, tol, "reported net cost differs from recomputed")


def _check_reported(chk: Checker, plan: StaffingSolution, fig: Figures) -> None:
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
