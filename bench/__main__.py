"""`python -m bench [--repeats N]`: medians of end-to-end solves of the bundled instances.

Staffing: HiGHS against CBC. Placements: each backend (flow, HiGHS, CP-SAT) on each instance it
can express, with the ratio to the fastest backend measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from optimiser import SolveOptions, load_instance, solve
from optimiser.core.errors import OptionError
from optimiser.placements.solution import PlacementSolution
from optimiser.staffing.solution import StaffingSolution

INSTANCES = Path(__file__).resolve().parent.parent / "instances"
PLACEMENT_SOLVERS = ("flow", "highs", "cpsat")
STAFFING_SOLVERS = ("highs", "cbc")


def _median_solve(path: Path, solver: str, repeats: int) -> tuple[float, float, float, str]:
    """Median wall seconds of load + solve + verify, median solver seconds, objective, status."""
    walls, solves, objective, status = [], [], 0.0, ""
    for _ in range(repeats):
        started = time.perf_counter()
        sol = solve(load_instance(path), SolveOptions(solver=solver, mip_gap=0.0))
        walls.append(time.perf_counter() - started)
        solves.append(sol.statistics.solve_seconds)
        status = sol.status.value
        if isinstance(sol, PlacementSolution) and sol.totals is not None:
            objective = sol.totals.objective_gbp
        elif isinstance(sol, StaffingSolution) and sol.net_cost_gbp is not None:
            objective = sol.net_cost_gbp
    return statistics.median(walls), statistics.median(solves), objective, status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="One repeat each.")
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    table = Table(title=f"Bundled instances, median of {repeats} (2-core machine)")
    for col in (
        "Instance",
        "Solver",
        "Status",
        "Objective £",
        "End to end s",
        "Solver s",
        "× fastest",
    ):
        table.add_column(
            col, justify="left" if col in ("Instance", "Solver", "Status") else "right"
        )
    for path in sorted(INSTANCES.glob("*.json")):
        kind = "placements" if '"placements"' in path.read_text()[:200] else "staffing"
        rows = []
        for solver in PLACEMENT_SOLVERS if kind == "placements" else STAFFING_SOLVERS:
            try:
                rows.append((solver, *_median_solve(path, solver, repeats)))
            except OptionError as exc:
                table.add_row(path.stem, solver, f"n/a: {exc}", "", "", "", "")
        fastest = min(r[1] for r in rows)
        for solver, wall, solver_s, objective, status in rows:
            table.add_row(
                path.stem,
                solver,
                status,
                f"{objective:,.2f}",
                f"{wall:.3f}",
                f"{solver_s:.4f}",
                f"{wall / fastest:.2f}",
            )
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
