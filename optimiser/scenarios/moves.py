"""The move-penalty frontier as a plot: pupils moved against pounds saved."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no screen needed

import matplotlib.pyplot as plt

from optimiser.placements.replan import SweepRow


def move_sweep_plot(rows: list[SweepRow], path: Path) -> None:
    """Pounds saved against pupils moved, each point labelled with its move penalty."""
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot([r.moved for r in rows], [r.saved_gbp for r in rows], marker="o")
    for r in rows:
        ax.annotate(f"£{r.move_penalty_gbp:,.0f}", (r.moved, r.saved_gbp), fontsize=8)
    ax.set_xlabel("Pupils moved")
    ax.set_ylabel("Saved against keeping every placement (£)")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
