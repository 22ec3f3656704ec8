"""The checks of a plan over years that link its years: source amounts and totals, the staff
stock from year to year, and the total and discounted net cost. No solver."""

from __future__ import annotations

from optimiser.core.checker import Checker
from optimiser.staffing.horizon import YearView
from optimiser.staffing.schema import StaffingInstance
from optimiser.staffing.solution import StaffingSolution, YearResult


def _on_step(value: float, step: float) -> bool:
    return abs(value / step - round(value / step)) < 1e-6


def check_amounts(chk: Checker, view: YearView, year: YearResult) -> dict[str, float]:
    """Each source's amount in the year: the year's figure, or at most it for a source spread
    over the years. Returns the amounts the year may use."""
    reported = {s.source: s.available_gbp for s in year.sources}
    out = {}
    for k in view.instance.funding_sources:
        most = k.amount_gbp
        have = reported.get(k.id, most if k.total_gbp is None else 0.0)
        if k.total_gbp is None:
            chk.close(have, most, chk.money(most), f"{view.id}: {k.id}'s amount is not the year's")
        else:
            chk.at_most(have, most, chk.money(most), f"{view.id}: {k.id} draws more than a year's")
            chk.at_least(have, 0.0, chk.money(most), f"{view.id}: {k.id} draws a negative amount")
        out[k.id] = have
    return out


def check_flows(
    chk: Checker, instance: StaffingInstance, views: list[YearView], plan: StaffingSolution
) -> None:
    """E_t = (1 - tau) E_{t-1} + H_t - R_t for every group and year (E_0 the instance's);
    hires only with a hire cost, releases only with a release cost, both in whole steps and
    within the most change a year."""
    tol, step = chk.fte_tol, instance.fte_step
    before = {g.id: g.fte_available for g in instance.staff_groups}
    for view, year in zip(views, plan.years, strict=False):
        use = {u.group: u for u in year.groups}
        for g in view.instance.staff_groups:
            u = use.get(g.id)
            chk.that(u is not None, f"{view.id}: {g.id} missing")
            if u is None:
                continue
            chk.close(u.available_fte, before[g.id], tol, f"{view.id}: {g.id} start differs")
            stock = (1.0 - g.turnover_share) * before[g.id] + u.hired_fte - u.released_fte
            chk.close(u.retained_fte, stock, tol, f"{view.id}: {g.id}'s establishment")
            chk.at_least(u.hired_fte, 0.0, tol, f"{view.id}: {g.id} negative hires")
            chk.at_least(u.released_fte, 0.0, tol, f"{view.id}: {g.id} negative releases")
            if g.hire_cost_per_fte_gbp is None:
                chk.close(u.hired_fte, 0.0, tol, f"{view.id}: {g.id} hires without a hire cost")
            if not g.can_release:
                chk.close(u.released_fte, 0.0, tol, f"{view.id}: {g.id} releases without a cost")
            if g.max_change_fte is not None:
                moved = u.hired_fte + u.released_fte
                chk.at_most(moved, g.max_change_fte, tol, f"{view.id}: {g.id} changes too much")
            if step is not None:
                whole = _on_step(u.hired_fte, step) and _on_step(u.released_fte, step)
                chk.that(whole, f"{view.id}: {g.id}'s hires or releases are off the step")
            before[g.id] = u.retained_fte


def check_totals(
    chk: Checker,
    instance: StaffingInstance,
    views: list[YearView],
    plan: StaffingSolution,
    nets: list[float],
) -> None:
    """Sources spread over years within their totals; the total and discounted net cost."""
    for k in instance.funding_sources:
        if k.total_gbp is None:
            continue
        drawn = sum(s.available_gbp for y in plan.years for s in y.sources if s.source == k.id)
        chk.at_most(drawn, k.total_gbp, chk.money(k.total_gbp), f"{k.id} beyond its total")
    scale = sum(abs(n) for n in nets) + sum(r.cost_gbp for y in plan.years for r in y.functions)
    tol = chk.money(scale)
    chk.close(plan.net_cost_gbp or 0.0, sum(nets), tol, "reported total net cost differs")
    discounted = sum(v.discount * n for v, n in zip(views, nets, strict=False))
    chk.close(plan.discounted_net_cost_gbp or 0.0, discounted, tol, "discounted net differs")
