"""What a person sees of a plan over years: year-by-year tables."""

from __future__ import annotations

from rich.console import Console

from optimiser.core.console import fte, gbp, table
from optimiser.staffing.schema import Category, StaffingInstance
from optimiser.staffing.solution import StaffingSolution, YearResult

SHORT = {Category.CORE: "Core", Category.CORE_PLUS: "Core+", Category.TRADED: "Traded"}


def show_years(console: Console, instance: StaffingInstance, sol: StaffingSolution) -> None:
    """Totals, then the year-by-year summary, establishment, funding and binding rules."""
    discounted = (
        f"; discounted at {instance.discount_rate:.1%} a year: {gbp(sol.discounted_net_cost_gbp)}"
        if instance.discount
        else ""
    )
    console.print(
        f"Council net cost over {len(sol.years)} years: [bold]{gbp(sol.net_cost_gbp)}[/]"
        f"{discounted}"
    )
    _summary(console, sol.years)
    _establishment(console, instance, sol.years)
    _funding(console, instance, sol.years)
    for year in sol.years:
        priced = [b for b in year.binding_rules if abs(b.shadow_price_gbp or 1.0) >= 0.5]
        if priced:
            console.print(f"[bold]Binding rules in {year.year}[/]:")
            for b in priced:
                console.print(f"  • {b.sentence}")


def _summary(console: Console, years: list[YearResult]) -> None:
    t = table(
        "Year by year (shares of specialist FTE; one-off: hire and release costs; kept: "
        "traded surplus kept by the traded arm)",
        "Year",
        "Council net",
        "Cap",
        *(SHORT[c] for c in Category),
        "Spec. FTE",
        "Hired",
        "Released",
        "One-off",
        "Kept",
    )
    for y in years:
        shares = {c.category: c for c in y.categories}
        t.add_row(
            y.year,
            gbp(y.net_cost_gbp),
            gbp(y.council.cap_gbp if y.council else None),
            *(_share(shares[c].share, shares[c].binds) for c in Category),
            fte(sum(c.specialist_fte for c in y.categories)),
            fte(sum(g.hired_fte for g in y.groups)),
            fte(sum(g.released_fte for g in y.groups)),
            gbp(sum(g.hire_cost_gbp + g.release_cost_gbp for g in y.groups)),
            gbp(y.traded_share.kept_gbp if y.traded_share else None),
        )
    console.print(t)


def _share(share: float, binds: str | None) -> str:
    return f"{share:.1%}" + (f" ({binds})" if binds else "")


def _establishment(console: Console, instance: StaffingInstance, years: list[YearResult]) -> None:
    t = table(
        "Establishment (FTE; hired +, released -, turnover ~)",
        "Group",
        "Start",
        *(y.year for y in years),
    )
    for g in instance.staff_groups:
        cells = []
        for y in years:
            u = next(r for r in y.groups if r.group == g.id)
            moves = "".join(
                f" {sign}{fte(v)}"
                for sign, v in (("+", u.hired_fte), ("-", u.released_fte), ("~", u.turnover_fte))
                if v > 1e-9
            )
            cells.append(f"{fte(u.retained_fte)}{moves}")
        t.add_row(g.name, fte(g.fte_available), *cells)
    console.print(t)


def _funding(console: Console, instance: StaffingInstance, years: list[YearResult]) -> None:
    t = table("Funding: available (used) each year", "Source", *(y.year for y in years))
    for k in instance.funding_sources:
        cells = []
        for y in years:
            s = next(r for r in y.sources if r.source == k.id)
            cells.append(f"{gbp(s.available_gbp)} ({gbp(s.used_gbp)})")
        t.add_row(k.name, *cells)
    console.print(t)
