"""What both reports share on the console: money and FTE in words, tables, the statistics line."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from optimiser.core.schema import Statistics, Verification


def gbp(amount: float | None) -> str:
    """Pounds to the nearest pound, with a minus sign before the £."""
    if amount is None:
        return "-"
    return f"-£{-amount:,.0f}" if amount < 0 else f"£{amount:,.0f}"


def fte(value: float) -> str:
    """FTE to two places."""
    return f"{value:,.2f}"


def table(title: str, *columns: str, text: int = 1) -> Table:
    """A table whose first `text` columns are words and the rest right-aligned figures."""
    t = Table(title=title, title_justify="left")
    for i, col in enumerate(columns):
        if i < text:
            t.add_column(col, overflow="ellipsis", no_wrap=True, max_width=44)
        else:
            t.add_column(col, justify="right", no_wrap=True)
    return t


def footer(console: Console, s: Statistics, verification: Verification | None) -> None:
    """How the answer was obtained, in one dim line."""
    notes = "".join(f", {n}" for n in s.notes)
    checked = f"; verifier: {verification.checks} checks passed" if verification else ""
    console.print(
        f"[dim]{s.solver} ({s.solver_version}); {s.variables} variables, {s.constraints} "
        f"constraints{notes}; build {s.build_seconds:.3f}s, solve {s.solve_seconds:.3f}s, "
        f"verify {s.verify_seconds:.3f}s{checked}[/]"
    )
