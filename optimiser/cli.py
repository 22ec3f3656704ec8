"""The command line: `optimiser solve FILE...`, `optimiser generate placements ...`.

Decides what a person sees and the exit status; every rule lives elsewhere in optimiser/.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.progress import Progress

from optimiser import examples
from optimiser.core.errors import InstanceError, OptimiserError
from optimiser.core.options import SolveOptions, Solver
from optimiser.core.status import SolveStatus
from optimiser.files.io import load_instance, write_json, write_placements_csv
from optimiser.files.parse import parse_instance
from optimiser.files.workbook import (
    write_frames_workbook,
    write_instance_csv,
    write_instance_workbook,
    write_solution_workbook,
)
from optimiser.placements.generate import generate_placements
from optimiser.placements.report import show_placements
from optimiser.scenarios.batch import executor_for, run_batch
from optimiser.scenarios.plot import plot_sweep, show_batch, show_sweep
from optimiser.scenarios.sweep import crossings, parse_axis, parse_setting, run_sweep
from optimiser.solve import solve
from optimiser.staffing.report import show_staffing
from optimiser.staffing.schema import StaffingInstance
from optimiser.staffing.solution import StaffingSolution

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Optimisation for local authority education services.",
)
generate_app = typer.Typer(no_args_is_help=True, help="Generate realistic, reproducible instances.")
app.add_typer(generate_app, name="generate")


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
def solve_command(  # noqa: PLR0917 (typer maps each parameter to an option)
    files: Annotated[
        list[Path], typer.Argument(help="Instance files (JSON); the kind is detected.")
    ],
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
) -> None:
    """Solve each instance and print its plan, or why there is none.

    Exit status: 0 every instance has a plan; 3 some instance is infeasible (diagnosis printed);
    2 some input is invalid; 1 a solver failed or found nothing in time.
    """
    console = Console(width=None if Console().is_terminal else 120)
    options = SolveOptions(solver=solver, time_limit_seconds=time_limit)
    worst = Exit.PLAN
    for path in files:
        code = _solve_one(
            console, path, options, (json_out, csv_out, xlsx_out), many=len(files) > 1
        )
        worst = max(worst, code)
    raise typer.Exit(int(worst))


def _solve_one(
    console: Console,
    path: Path,
    options: SolveOptions,
    out: tuple[Path | None, Path | None, Path | None],
    *,
    many: bool,
) -> Exit:
    json_out, csv_out, xlsx_out = out
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
    if isinstance(solution, StaffingSolution):
        assert isinstance(instance, StaffingInstance)
        show_staffing(console, instance, solution)
    else:
        show_placements(console, solution)
        if csv_out is not None:
            write_placements_csv(csv_out / path.stem if many else csv_out, solution)
    if json_out is not None:
        write_json(json_out / f"{path.stem}.json" if many else json_out, solution)
    if xlsx_out is not None:
        write_solution_workbook(solution, xlsx_out / f"{path.stem}.xlsx" if many else xlsx_out)
    if solution.status is SolveStatus.INFEASIBLE:
        return Exit.INFEASIBLE
    return Exit.PLAN if solution.status.has_solution else Exit.FAILED


@generate_app.command("placements")
def generate_placements_command(  # noqa: PLR0917 (typer maps each parameter to an option)
    out: Annotated[Path, typer.Option("--out", help="Where to write the instance (JSON).")],
    referrals: Annotated[int, typer.Option(min=1, max=1_000_000)] = 600,
    providers: Annotated[int, typer.Option(min=1, max=100_000)] = 80,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    weekday_places: Annotated[
        bool, typer.Option(help="Give providers places per weekday (weekday packing).")
    ] = False,
    start_weeks: Annotated[
        int, typer.Option(min=1, max=52, help="Placements start in weeks 1 to this.")
    ] = 30,
) -> None:
    """A realistic, reproducible placement instance: the same seed gives the same file."""
    instance = generate_placements(
        referrals, providers, seed, weekday_places=weekday_places, start_weeks=start_weeks
    )
    write_json(out, instance)
    Console().print(f"wrote {out}: {referrals} referrals, {providers} providers (seed {seed})")


@app.command("batch")
def batch_command(  # noqa: PLR0917 (typer maps each parameter to an option)
    paths: Annotated[
        list[Path], typer.Argument(help="Instance files (.json, .xlsx) or CSV folders.")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for one result per instance and summary.csv.")
    ],
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Parallel processes.")] = 1,
    cluster: Annotated[
        str | None,
        typer.Option(help="A Dask scheduler address (tcp://...) instead of local processes."),
    ] = None,
    solver: Annotated[Solver | None, typer.Option(help="Force a solver.")] = None,
    time_limit: Annotated[float | None, typer.Option("--time-limit")] = None,
) -> None:
    """Solve many instances in parallel; a failing instance is reported and the batch goes on.

    Exit status 0 when every instance has a plan, 1 otherwise.
    """
    console = Console(width=None if Console().is_terminal else 120)
    options = SolveOptions(solver=solver, time_limit_seconds=time_limit)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with Progress(console=console, transient=True) as bar, executor_for(jobs, cluster) as pool:
        task = bar.add_task("solving", total=len(paths))
        rows = run_batch(
            [str(p) for p in paths], options, str(out), pool, on_done=lambda _row: bar.advance(task)
        )
    seconds = time.perf_counter() - started
    summary = pd.DataFrame([asdict(r) for r in rows])
    summary.to_csv(out / "summary.csv", index=False)
    show_batch(console, rows, seconds)
    ok = all(r.status in ("optimal", "feasible") for r in rows)
    raise typer.Exit(0 if ok else 1)


@app.command("sweep")
def sweep_command(  # noqa: PLR0917 (typer maps each parameter to an option)
    file: Annotated[Path, typer.Argument(help="The base instance (.json, .xlsx or a CSV folder).")],
    vary: Annotated[
        list[str], typer.Option(help="FIELD=a,b,c or FIELD=start:stop:step (repeatable).")
    ],
    out: Annotated[Path, typer.Option(help="Folder for sweep.csv and sweep.png.")],
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="FIELD=VALUE fixed for every point (JSON value)."),
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1)] = 1,
    cluster: Annotated[
        str | None, typer.Option(help="A Dask scheduler address (tcp://...).")
    ] = None,
) -> None:
    """Solve the cartesian product of the values; write the table and a plot."""
    console = Console(width=None if Console().is_terminal else 120)
    try:
        base = load_instance(file).model_dump(mode="json")  # any format: JSON, .xlsx, CSV
        axes = [parse_axis(v) for v in vary]
        settings = [parse_setting(s) for s in set_ or []]
        with executor_for(jobs, cluster) as pool:
            df = run_sweep(base, axes, settings, SolveOptions(), pool)
    except InstanceError as exc:
        console.print("[bold red]invalid sweep[/]")
        for problem in exc.problems:
            console.print(f"  • {problem}", markup=False)
        raise typer.Exit(2) from None
    out.mkdir(parents=True, exist_ok=True)
    df.to_csv(out / "sweep.csv", index=False)
    write_frames_workbook({"sweep": df}, out / "sweep.xlsx")
    names = [a.path for a in axes]
    kind = str(base.get("kind"))
    plot_sweep(df, names, kind, out / "sweep.png")
    show_sweep(console, df, names, kind, crossings(df, names[0], by=names[1:]))
    console.print(f"wrote {out / 'sweep.csv'}, {out / 'sweep.xlsx'} and {out / 'sweep.png'}")


class Kind(StrEnum):
    STAFFING = "staffing"
    PLACEMENTS = "placements"


@app.command("template")
def template_command(
    kind: Annotated[Kind, typer.Argument(help="staffing or placements")],
    file: Annotated[Path, typer.Argument(help="The workbook to write (.xlsx).")],
) -> None:
    """A workbook with one sheet per table, headers, an example row, and a notes sheet of units."""
    example = examples.STAFFING if kind is Kind.STAFFING else examples.PLACEMENTS
    write_instance_workbook(parse_instance(example), file)
    Console().print(f"wrote {file}: fill in the sheets, then `optimiser solve {file}`")


@app.command("export")
def export_command(
    source: Annotated[Path, typer.Argument(help="An instance (.json, .xlsx or a CSV folder).")],
    target: Annotated[Path, typer.Argument(help="A workbook (.xlsx), or a folder for CSV files.")],
) -> None:
    """Write an instance as a workbook or a folder of CSV files (read back unchanged)."""
    console = Console()
    try:
        instance = load_instance(source)
    except InstanceError as exc:
        console.print(f"[bold red]{source}: invalid input[/]")
        for problem in exc.problems:
            console.print(f"  • {problem}", markup=False)
        raise typer.Exit(2) from None
    if target.suffix.lower() == ".xlsx":
        write_instance_workbook(instance, target)
    else:
        write_instance_csv(instance, target)
    console.print(f"wrote {target}")


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    local_only: Annotated[
        bool, typer.Option("--local-only", help="No API keys; binds to loopback only.")
    ] = False,
    data_dir: Annotated[Path | None, typer.Option(help="Folder of the job store.")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Solves at once.")] = None,
) -> None:
    """Run the HTTP API (uvicorn). Settings also come from OPTIMISER_* environment variables."""
    # The engine never imports the web stack; only this command does, when it runs.
    from api.server import ServeError, serve  # noqa: PLC0415
    from api.settings import Settings  # noqa: PLC0415

    overrides: dict[str, object] = {"local_only": True} if local_only else {}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if workers is not None:
        overrides["workers"] = workers
    try:
        serve(Settings(**overrides), host, port)  # type: ignore[arg-type]
    except ServeError as exc:
        Console().print(f"[bold red]cannot serve:[/] {exc}")
        raise typer.Exit(2) from None


def main() -> None:
    app()


if __name__ == "__main__":
    main()
