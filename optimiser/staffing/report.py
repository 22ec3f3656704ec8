"""What a person sees: a solution as rich tables."""

from __future__ import annotations

from rich.console import Console

from optimiser.core.console import footer, fte, gbp, table
from optimiser.staffing.report_years import show_years
from optimiser.staffing.schema import CATEGORY_LABEL, Category, StaffingInstance
from optimiser.staffing.solution import StaffingSolution

SHORT = {Category.CORE: "Core", Category.CORE_PLUS: "Core+", Category.TRADED: "Traded"}


def show_staffing(console: Console, instance: StaffingInstance, sol: StaffingSolution) -> None:
    """Header, then (with a plan) shares, functions, staff, ledger and binding rules;
    (infeasible) the diagnosis."""
    console.rule(f"[bold]{sol.instance}[/] · staffing · {sol.status.value}")
    if sol.diagnosis is not None:
        _diagnosis(console, sol)
    if sol.first_infeasible_year is not None:
        console.print(f"[bold red]The plan fails from {sol.first_infeasible_year}.[/]")
    if sol.years:
        show_years(console, instance, sol)
    elif sol.council is not None:
        cap = "no cap" if sol.council.cap_gbp is None else f"cap {gbp(sol.council.cap_gbp)}"
        console.print(
            f"Council net cost: [bold]{gbp(sol.council.net_gbp)}[/] a year ({cap}, "
            f"headroom {gbp(sol.council.headroom_gbp)})"
        )
        _categories(console, sol)
        _functions(console, instance, sol)
        _groups(console, instance, sol)
        _ledger(console, sol)
        _binding(console, sol)
    footer(console, sol.statistics, sol.verification)


def _categories(console: Console, sol: StaffingSolution) -> None:
    t = table(
        "Specialist deployment by category",
        "Category",
        "FTE",
        "Share",
        "Band",
        "Binds",
        "Cost",
        "Income",
        "Net",
    )
    for c in sol.categories:
        band = "-" if c.min_share is None else f"{c.min_share:.0%}–{c.max_share:.0%}"
        t.add_row(
            CATEGORY_LABEL[c.category],
            fte(c.specialist_fte),
            f"{c.share:.1%}",
            band,
            c.binds or "",
            gbp(c.cost_gbp),
            gbp(c.income_gbp),
            gbp(c.net_gbp),
        )
    console.print(t)


def _functions(console: Console, instance: StaffingInstance, sol: StaffingSolution) -> None:
    t = table(
        "Functions",
        "Id",
        "Function",
        "Cat.",
        "Spec FTE",
        "Admin FTE",
        "Cost",
        "Income",
        "Net",
        text=3,
    )
    for r in sol.functions:
        t.add_row(
            r.function,
            instance.function(r.function).name,
            SHORT[r.category],
            fte(r.specialist_fte),
            fte(r.admin_fte),
            gbp(r.cost_gbp),
            gbp(r.income_gbp),
            gbp(r.net_gbp),
        )
    console.print(t)


def _groups(console: Console, instance: StaffingInstance, sol: StaffingSolution) -> None:
    t = table(
        "Staff groups (FTE)",
        "Group",
        "Available",
        "Retained",
        "Released",
        "Deployed",
        "Idle",
        "Cost",
    )
    for g in sol.groups:
        t.add_row(
            instance.group(g.group).name,
            fte(g.available_fte),
            fte(g.retained_fte),
            fte(g.released_fte),
            fte(g.deployed_fte),
            fte(g.idle_fte),
            gbp(g.cost_gbp),
        )
    console.print(t)
    by_group: dict[str, list[str]] = {}
    for row in sol.deployments:
        by_group.setdefault(row.group, []).append(f"{row.function} {fte(row.fte)}")
    d = table("Deployment: FTE of each group on each function", "Group", "Functions (FTE)")
    d.columns[1].no_wrap = False
    d.columns[1].max_width = None
    d.columns[1].justify = "left"
    for group, cells in by_group.items():
        d.add_row(group, ", ".join(cells))
    console.print(d)


def _ledger(console: Console, sol: StaffingSolution) -> None:
    t = table(
        "Funding ledger: who pays for what (£ a year)", "Source", "Pays for", "Amount", text=2
    )
    for e in sol.ledger:
        t.add_row(e.source, e.centre, gbp(e.amount_gbp))
    console.print(t)


def _binding(console: Console, sol: StaffingSolution) -> None:
    priced = [
        b for b in sol.binding_rules if b.shadow_price_gbp is None or abs(b.shadow_price_gbp) >= 0.5
    ]
    free = [b for b in sol.binding_rules if b not in priced]
    console.print("[bold]Binding rules[/] (shadow prices):")
    for b in priced:
        console.print(f"  • {b.sentence}")
    if free:
        console.print(
            f"  [dim]Also binding at no marginal cost: {', '.join(b.rule for b in free)}[/]"
        )


def _diagnosis(console: Console, sol: StaffingSolution) -> None:
    assert sol.diagnosis is not None
    console.print(f"[bold red]No plan meets every rule.[/] {sol.diagnosis.summary}")
    for c in sol.diagnosis.conflicts:
        console.print(f"  • {c.sentence}")
