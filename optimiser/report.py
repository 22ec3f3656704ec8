"""What a person sees: a solution as rich tables."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from optimiser.batch import BatchRow
from optimiser.schema.common import Statistics, Verification
from optimiser.schema.staffing import CATEGORY_LABEL, Category, StaffingInstance
from optimiser.schema.staffing_solution import StaffingSolution


def gbp(amount: float | None) -> str:
    if amount is None:
        return "-"
    return f"-£{-amount:,.0f}" if amount < 0 else f"£{amount:,.0f}"


def fte(value: float) -> str:
    return f"{value:,.2f}"


SHORT = {Category.CORE: "Core", Category.CORE_PLUS: "Core+", Category.TRADED: "Traded"}


def table(title: str, *columns: str, text: int = 1) -> Table:
    """A table whose first `text` columns are words and the rest right-aligned figures."""
    t = Table(title=title, title_justify="left")
    for i, col in enumerate(columns):
        if i < text:
            t.add_column(col, overflow="ellipsis", no_wrap=True, max_width=44)
        else:
            t.add_column(col, justify="right", no_wrap=True)
    return t


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
    footer(console, sol.statistics, sol.verification)


def footer(console: Console, s: Statistics, verification: Verification | None) -> None:
    """How the answer was obtained, in one dim line."""
    notes = "".join(f", {n}" for n in s.notes)
    checked = f"; verifier: {verification.checks} checks passed" if verification else ""
    console.print(
        f"[dim]{s.solver} ({s.solver_version}); {s.variables} variables, {s.constraints} "
        f"constraints{notes}; build {s.build_seconds:.3f}s, solve {s.solve_seconds:.3f}s, "
        f"verify {s.verify_seconds:.3f}s{checked}[/]"
    )


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


def show_batch(console: Console, rows: list[BatchRow], seconds: float) -> None:
    t = table(
        f"Batch: {len(rows)} instances in {seconds:.1f} s",
        "Instance",
        "Kind",
        "Status",
        "Objective",
        "Build s",
        "Solve s",
        "Seconds",
        "Error",
        text=3,
    )
    t.columns[7].justify, t.columns[7].no_wrap = "left", False
    for r in rows:
        t.add_row(
            r.instance,
            r.kind,
            r.status,
            gbp(r.objective),
            "-" if r.build_seconds is None else f"{r.build_seconds:.3f}",
            "-" if r.solve_seconds is None else f"{r.solve_seconds:.3f}",
            f"{r.seconds:.2f}",
            r.error or "",
        )
    console.print(t)
