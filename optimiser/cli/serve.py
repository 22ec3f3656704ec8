"""`optimiser serve`: the HTTP API, started by the api package's own entry point."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from optimiser.cli.app import app


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
    """Run the HTTP API (uvicorn), logging requests and jobs at INFO. Settings also come from
    OPTIMISER_* environment variables."""
    # The engine never imports the web stack; only this command does, when it runs.
    from api.server import main as serve_main  # noqa: PLC0415

    argv = ["--host", host, "--port", str(port)]
    argv += ["--local-only"] if local_only else []
    argv += ["--data-dir", str(data_dir)] if data_dir is not None else []
    argv += ["--workers", str(workers)] if workers is not None else []
    raise typer.Exit(serve_main(argv))
