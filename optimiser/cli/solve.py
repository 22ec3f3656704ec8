"""`optimiser solve FILE...`: plans printed as tables, written as JSON, CSV or workbooks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from optimiser.cli.app import Exit, app, console, show_problems
from optimiser.core.errors import InstanceError, OptimiserError
from optimiser.core.options import SolveOptions, Solver
from optimiser.core.status import SolveStatus
from optimiser.files.io import write_json, write_placements_csv
from optimiser.files.solver_reports import Report, show_reports
from optimiser.files.workbook import write_solution_workbook
from optimiser.placements.report import show_placements
from optimiser.placements.schema import PlacementInstance
from optimiser.scenarios.settings import load_with_settings
from optimiser.solve import solve, write_model
from optimiser.staffing.report import show_staffing
from optimiser.staffing.schema import StaffingInstance
from optimiser.staffing.solution import StaffingSolution


@dataclass(frozen=True)
class Asked:
    """What-if settings (--set) and reports (--report) asked for."""

    settings: list[str]
    reports: list[Report]


@app.command("solve")
def solve_command(  # noqa: PLR0917 (typer maps each parameter to an option)
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Instances: JSON files (.json), workbooks (.xlsx, as `optimiser template` "
            "writes them) or folders of CSV files (as `optimiser export` writes them); the "
            "kind is read from each."
        ),
    ],
    report: Annotated[
        list[Report] | None,
        typer.Option(
            "--report",
            help="Print an Excel Solver-style answer, sensitivity or limits report (repeatable); "
            "with --xlsx, also written as sheets.",
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="What-if: FIELD=VALUE applied before solving (repeatable), with the sweep's "
            "field paths, for example policy.budget_cap_gbp=500000 or "
            "functions\\[outreach].traded.take_up_share=0.6.",
        ),
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option("--json", help="Write the solution as JSON (a folder for several files)."),
    ] = None,
    csv_out: Annotated[
        Path | None,
        typer.Option("--csv", help="Placements: write CSV tables into this folder."),
    ] = None,
    xlsx_out: Annotated[
        Path | None,
        typer.Option(
            "--xlsx", help="Write the solution as a formatted workbook (a folder for several)."
        ),
    ] = None,
    solver: Annotated[
        Solver | None,
        typer.Option(
            help="Force a solver: highs or cbc (staffing); "
            "flow, lagrange, highs or cpsat (placements)."
        ),
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds for each solve.")
    ] = None,
    write_lp: Annotated[
        Path | None,
        typer.Option(
            "--write-lp",
            help="Also write the model as a readable LP file, names from the instance's ids "
            "(a folder for several files).",
        ),
    ] = None,
) -> None:
    """Solve each instance and print its plan, or why there is none.

    Exit status: 0 every instance has a plan; 3 some instance is infeasible (diagnosis printed);
    2 some input is invalid; 1 a solver failed or found nothing in time.
    """
    screen = console()
    reports = report or []
    options = SolveOptions(solver=solver, time_limit_seconds=time_limit, sensitivity=bool(reports))
    worst = Exit.PLAN
    for path in files:
        outs = (json_out, csv_out, xlsx_out, write_lp)
        asked = Asked(set_ or [], reports)
        code = _solve_one(screen, path, options, outs, asked, many=len(files) > 1)
        worst = max(worst, code)
    raise typer.Exit(int(worst))


def _solve_one(
    screen: Console,
    path: Path,
    options: SolveOptions,
    out: tuple[Path | None, Path | None, Path | None, Path | None],
    asked: Asked,
    *,
    many: bool,
) -> Exit:
    json_out, csv_out, xlsx_out, lp_out = out
    try:
        instance = load_with_settings(path, asked.settings)
        if lp_out is not None:
            if many:
                lp_out.mkdir(parents=True, exist_ok=True)
            write_model(instance, lp_out / f"{path.stem}.lp" if many else lp_out)
        solution = solve(instance, options)
    except InstanceError as exc:
        show_problems(screen, f"{path}: invalid input", exc)
        return Exit.INVALID
    except OptimiserError as exc:
        screen.print(f"[bold red]{path}: {exc.code}[/]")
        screen.print(str(exc), markup=False)
        return Exit.FAILED
    if isinstance(solution, StaffingSolution):
        assert isinstance(instance, StaffingInstance)
        show_staffing(screen, instance, solution)
        show_reports(screen, solution, asked.reports)
    else:
        assert isinstance(instance, PlacementInstance)
        show_placements(screen, solution)
        show_reports(screen, solution, asked.reports, instance)
        if csv_out is not None:
            write_placements_csv(csv_out / path.stem if many else csv_out, solution)
    if json_out is not None:
        write_json(json_out / f"{path.stem}.json" if many else json_out, solution)
    if xlsx_out is not None:
        target = xlsx_out / f"{path.stem}.xlsx" if many else xlsx_out
        write_solution_workbook(solution, target, instance, path, asked.reports)
    if solution.status is SolveStatus.INFEASIBLE:
        return Exit.INFEASIBLE
    return Exit.PLAN if solution.status.has_solution else Exit.FAILED
