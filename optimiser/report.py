"""What a person sees: a solution as rich tables."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from optimiser.schema.staffing import CATEGORY_LABEL, StaffingInstance
from optimiser.schema.staffing_solution import StaffingSolution


def gbp(amount: float | None) -> str:
    if amount is None:
        return "-"
    return f"-£{-amount:,.0f}" if amount < 0 else f"£{amount:,.0f}"


def fte(value: float) -> str:
    return f"{value:,.2f}"


def show_staffing(console: Console, instance: StaffingInstance, sol: StaffingSolution) -> None:
    """Header, then (with a plan) shares, functions, staff, ledger and binding rules;
    (infeasible) the diagnosis."""
    console.rule(f"[bold]{sol.instance}[/] · staffing · {sol.status.value}")
    if sol.diagnosis is not None:
        _diagnosis(console, sol)
    if sol.council is not None:
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
    s = sol.statistics
    console.print(
        f"[dim]{s.solver} ({s.solver_version}); {s.variables} variables, {s.constraints} "
        f"constraints; build {s.build_seconds:.3f}s, solve {s.solve_seconds:.3f}s, "
        f"verify {s.verify_seconds:.3f}s"
        + (f"; verifier: {sol.verification.checks} checks passed" if sol.verification else "")
        + "[/]"
    )


def _categories(console: Console, sol: StaffingSolution) -> None:
    t = Table(title="Specialist deployment by category")
    for col in ("Category", "FTE", "Share", "Band", "Binds", "Cost", "Income", "Net"):
        t.add_column(col, justify="left" if col == "Category" else "right")
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
    t = Table(title="Functions")
    for col in ("Function", "Category", "Specialist FTE", "Admin FTE", "Cost", "Income", "Net"):
        t.add_column(col, justify="left" if col in ("Function", "Category") else "right")
    for r in sol.functions:
        name = instance.function(r.function).name
        t.add_row(
            f"{r.function} {name}",
            CATEGORY_LABEL[r.category],
            fte(r.specialist_fte),
            fte(r.admin_fte),
            gbp(r.cost_gbp),
            gbp(r.income_gbp),
            gbp(r.net_gbp),
        )
    console.print(t)


def _groups(console: Console, instance: StaffingInstance, sol: StaffingSolution) -> None:
    t = Table(title="Staff groups (FTE)")
    for col in ("Group", "Available", "Retained", "Released", "Deployed", "Idle", "Cost"):
        t.add_column(col, justify="left" if col == "Group" else "right")
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
    d = Table(title="Deployment (FTE of each group on each function)")
    d.add_column("Group")
    d.add_column("Function")
    d.add_column("FTE", justify="right")
    for row in sol.deployments:
        d.add_row(row.group, row.function, fte(row.fte))
    console.print(d)


def _ledger(console: Console, sol: StaffingSolution) -> None:
    t = Table(title="Funding ledger: who pays for what (£ a year)")
    t.add_column("Source")
    t.add_column("Pays for")
    t.add_column("Amount", justify="right")
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
