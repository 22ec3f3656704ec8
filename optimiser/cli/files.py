"""`optimiser template`, `optimiser export` and `optimiser generate`: instances as files."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from optimiser.cli.app import app, generate_app, show_problems
from optimiser.core.errors import InstanceError
from optimiser.files import examples
from optimiser.files.io import load_instance, write_json
from optimiser.files.parse import parse_instance
from optimiser.files.workbook import write_instance_csv, write_instance_workbook
from optimiser.placements.generate import generate_placements


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


class Kind(StrEnum):
    """The kind of an instance."""

    STAFFING = "staffing"
    PLACEMENTS = "placements"


@app.command("template")
def template_command(
    kind: Annotated[Kind, typer.Argument(help="staffing or placements")],
    file: Annotated[Path, typer.Argument(help="The workbook to write (.xlsx).")],
) -> None:
    """A workbook with one sheet per table, headers, an example row, and a notes sheet of units."""
    example = examples.STAFFING_TEMPLATE if kind is Kind.STAFFING else examples.PLACEMENTS
    write_instance_workbook(parse_instance(example), file)
    Console().print(f"wrote {file}: fill in the sheets, then `optimiser solve {file}`")


@app.command("export")
def export_command(
    source: Annotated[Path, typer.Argument(help="An instance (.json, .xlsx or a CSV folder).")],
    target: Annotated[Path, typer.Argument(help="A workbook (.xlsx), or a folder for CSV files.")],
) -> None:
    """Write an instance as a workbook or a folder of CSV files (read back unchanged)."""
    screen = Console()
    try:
        instance = load_instance(source)
    except InstanceError as exc:
        show_problems(screen, f"{source}: invalid input", exc)
        raise typer.Exit(2) from None
    if target.suffix.lower() == ".xlsx":
        write_instance_workbook(instance, target)
    else:
        write_instance_csv(instance, target)
    screen.print(f"wrote {target}")
