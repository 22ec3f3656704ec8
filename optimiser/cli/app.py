"""The typer application, its exit statuses and what every command shares."""

from __future__ import annotations

import logging
from enum import IntEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from optimiser.core.errors import InstanceError

# The order of `optimiser --help`: the everyday commands first; any others after, by name.
ORDER = (
    "solve",
    "shortlist",
    "replan",
    "diff",
    "batch",
    "sweep",
    "template",
    "export",
    "generate",
    "serve",
)


class _InOrder(TyperGroup):
    def list_commands(self, ctx: Any) -> list[str]:  # ctx: typer's vendored click Context
        names = super().list_commands(ctx)
        return [n for n in ORDER if n in names] + sorted(n for n in names if n not in ORDER)


app = typer.Typer(
    cls=_InOrder,
    no_args_is_help=True,
    add_completion=False,
    help="Optimisation for local authority education services.",
)
generate_app = typer.Typer(no_args_is_help=True, help="Generate realistic, reproducible instances.")
app.add_typer(generate_app, name="generate")


class Exit(IntEnum):
    """The command line's exit statuses."""

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


def console() -> Console:
    """A console: the terminal's width, or 120 columns when the output is not a terminal."""
    return Console(width=None if Console().is_terminal else 120)


def show_problems(out: Console, title: str, exc: InstanceError) -> None:
    """Every input problem, one a line."""
    out.print(f"[bold red]{title}[/]")
    for problem in exc.problems:
        out.print(f"  • {problem}", markup=False)
