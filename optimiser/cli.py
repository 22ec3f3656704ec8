"""The command line: `optimiser solve FILE...`. Decides what a person sees and the exit status."""

from __future__ import annotations

import logging
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from optimiser.errors import InstanceError, OptimiserError
from optimiser.io import load_instance, write_json
from optimiser.options import SolveOptions
from optimiser.report import show_staffing
from optimiser.solve import solve
from optimiser.status import SolveStatus

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Optimisation for local authority education services.",
)


class Solver(StrEnum):
    HIGHS = "highs"
    CBC = "cbc"


class Exit(IntEnum):
    PLAN = 0
    FAILED = 1  # solver failure, or a limit hit with no plan
    INVALID = 2
    INFEASIBLE = 3


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@app.command("solve")
def solve_command(
    files: Annotated[
        list[Path], typer.Argument(help="Instance files (JSON); the kind is detected.")
    ],
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--json",
            help="Write the solution as JSON here (a folder when several files are given).",
        ),
    ] = None,
    solver: Annotated[Solver | None, typer.Option(help="Force a solver (default: highs).")] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds for each solve.")
    ] = None,
) -> None:
    """Solve each instance and print its plan, or why there is none.

    Exit status: 0 every instance has a plan; 3 some instance is infeasible (diagnosis printed);
    2 some input is invalid; 1 a solver failed or found nothing in time.
    """
    console = Console(width=None if Console().is_terminal else 120)
    options = SolveOptions(solver=solver.value if solver else None, time_limit_seconds=time_limit)
    worst = Exit.PLAN
    for path in files:
        worst = max(worst, _solve_one(console, path, options, json_out, many=len(files) > 1))
    raise typer.Exit(int(worst))


def _solve_one(
    console: Console, path: Path, options: SolveOptions, json_out: Path | None, many: bool
) -> Exit:
    try:
        instance = load_instance(path)
        solution = solve(instance, options)
    except InstanceError as exc:
        console.print(f"[bold red]{path}: invalid input[/]")
        for problem in exc.problems:
            console.print(f"  • {problem}", markup=False)
        return Exit.INVALID
    except OptimiserError as exc:
        console.print(f"[bold red]{path}: {exc.code}[/]")
        console.print(str(exc), markup=False)
        return Exit.FAILED
    show_staffing(console, instance, solution)
    if json_out is not None:
        write_json(json_out / f"{instance.name}.json" if many else json_out, solution)
    if solution.status is SolveStatus.INFEASIBLE:
        return Exit.INFEASIBLE
    return Exit.PLAN if solution.status.has_solution else Exit.FAILED


def main() -> None:
    app()
