"""A sweep as a table and a plot (PNG) of the objective and key figures against the varied field."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no screen needed

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter
from rich.console import Console
from rich.markup import escape

from optimiser.core.console import gbp, table
from optimiser.scenarios.batch import BatchRow

FIGURES = {
    "staffing": [
        ("objective", "Council net cost (£ a year)"),
        ("traded_income_gbp", "Traded income (£ a year)"),
        ("specialist_fte", "Specialist FTE deployed"),
    ],
    "placements": [
        ("objective", "Placement cost (£)"),
        ("placed", "Referrals placed"),
        ("spend_gbp", "Spend (£)"),
    ],
}


OBJECTIVE = {"staffing": "council net cost", "placements": "placement cost"}


def plot_sweep(df: pd.DataFrame, axes: Sequence[str], kind: str, path: Path) -> None:
    """One panel per key figure, x the first varied field, one line per other combination."""
    x, others = axes[0], list(axes[1:])
    figures = [(c, label) for c, label in FIGURES[kind] if c in df.columns]
    fig, panels = plt.subplots(
        len(figures), 1, figsize=(8, 3 * len(figures)), sharex=True, squeeze=False
    )
    groups = df.groupby(others) if others else [((), df)]
    for key, group in groups:
        label = ", ".join(f"{o} = {v:g}" for o, v in zip(others, _tuple(key), strict=True))
        g = group.sort_values(x)
        for (column, _), panel in zip(figures, panels[:, 0], strict=True):
            panel.plot(g[x], g[column], marker=".", label=label or None)
    for (column, title), panel in zip(figures, panels[:, 0], strict=True):
        panel.set_ylabel(title)
        panel.grid(alpha=0.3)
        panel.ticklabel_format(axis="both", style="plain", useOffset=False)
        panel.yaxis.set_major_formatter(
            FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}")
        )
        if column == "objective":
            panel.axhline(0, color="grey", linewidth=0.8)
    if others:
        panels[0, 0].legend()
    panels[-1, 0].set_xlabel(x)  # the whole field path: which band, which function
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _short(path: str) -> str:
    return path.rsplit(".", 1)[-1]


def _tuple(key: Any) -> tuple[Any, ...]:
    return key if isinstance(key, tuple) else (key,)


def show_sweep(  # noqa: PLR0917 (the table, its axes, its kind and what crossed zero)
    console: Console,
    df: pd.DataFrame,
    axes: Sequence[str],
    kind: str,
    found: list[dict[str, Any]],
    crossing: str = "objective",
) -> None:
    """Print a sweep's table and what crossed zero."""
    figures = [c for c, _ in FIGURES.get(kind, []) if c in df.columns and c != "objective"]
    shown = [*axes, "status", "objective", *figures]
    headers = [OBJECTIVE.get(kind, c) if c == "objective" else _short(c) for c in shown]
    t = table(f"Sweep: {len(df)} points (all columns in sweep.csv)", *headers, text=0)
    for _, row in df.head(60).iterrows():
        t.add_row(*(_cell(row[c]) for c in shown))
    console.print(t)
    if len(df) > 60:
        console.print(f"[dim]… {len(df) - 60} more rows in sweep.csv[/]")
    named = OBJECTIVE.get(kind, crossing) if crossing == "objective" else crossing
    for point in found:
        where = ", ".join(f"{escape(k)} = {v:g}" for k, v in point.items() if k != axes[0])
        console.print(
            f"The {named} crosses zero at {escape(axes[0])} = {point[axes[0]]:.4g}"
            + (f" ({where})" if where else "")
        )


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def show_batch(console: Console, rows: list[BatchRow], seconds: float) -> None:
    """Print a batch's table."""
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
