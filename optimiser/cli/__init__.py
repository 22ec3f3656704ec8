"""The command line: decides what a person sees and the exit status; every rule lives
elsewhere in optimiser/. One module per group of commands, registered on one typer app."""

from optimiser.cli import commissioning, files, scenarios, serve, solve
from optimiser.cli.app import app

__all__ = ["app", "commissioning", "files", "main", "scenarios", "serve", "solve"]


def main() -> None:
    """The `optimiser` console script."""
    app()
