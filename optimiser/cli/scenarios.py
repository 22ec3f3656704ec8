"""`optimiser batch` and `optimiser sweep`: many solves, in parallel, with a summary."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.progress import Progress

from optimiser.cli.app import app, console, show_problems
from optimiser.core.errors import InstanceError, Problem
from optimiser.core.options import SolveOptions, Solver
from optimiser.files.io import load_instance
from optimiser.files.workbook import write_frames_workbook
from optimiser.scenarios.batch import executor_for, run_batch
from optimiser.scenarios.plot import plot_sweep, show_batch, show_sweep
from optimiser.scenarios.settings import parse_setting
from optimiser.scenarios.sweep import crossings, parse_axis, run_sweep


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
    screen = console()
    options = SolveOptions(solver=solver, time_limit_seconds=time_limit)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with Progress(console=screen, transient=True) as bar, executor_for(jobs, cluster) as pool:
        task = bar.add_task("solving", total=len(paths))
        rows = run_batch(
            [str(p) for p in paths], options, str(out), pool, on_done=lambda _row: bar.advance(task)
        )
    seconds = time.perf_counter() - started
    summary = pd.DataFrame([asdict(r) for r in rows])
    summary.to_csv(out / "summary.csv", index=False)
    show_batch(screen, rows, seconds)
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
    cross: Annotated[
        str,
        typer.Option(
            help="The column whose zero is reported (say net_gbp[2020-21]).", show_default=True
        ),
    ] = "objective",
) -> None:
    """Solve the cartesian product of the values; write the table and a plot."""
    screen = console()
    try:
        base = load_instance(file).model_dump(mode="json")  # any format: JSON, .xlsx, CSV
        axes = [parse_axis(v) for v in vary]
        settings = [parse_setting(s) for s in set_ or []]
        with executor_for(jobs, cluster) as pool:
            df = run_sweep(base, axes, settings, SolveOptions(), pool)
    except InstanceError as exc:
        show_problems(screen, "invalid sweep", exc)
        raise typer.Exit(2) from None
    out.mkdir(parents=True, exist_ok=True)
    df.to_csv(out / "sweep.csv", index=False)
    write_frames_workbook({"sweep": df}, out / "sweep.xlsx")
    names = [a.path for a in axes]
    kind = str(base.get("kind"))
    plot_sweep(df, names, kind, out / "sweep.png")
    if cross not in df.columns:
        show_problems(
            screen, "invalid sweep", InstanceError([Problem("--cross", "no such column")])
        )
        raise typer.Exit(2)
    found = crossings(df, names[0], y=cross, by=names[1:])
    show_sweep(screen, df, names, kind, found, crossing=cross)
    screen.print(f"wrote {out / 'sweep.csv'}, {out / 'sweep.xlsx'} and {out / 'sweep.png'}")
