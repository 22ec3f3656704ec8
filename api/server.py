"""Serve the API with uvicorn: `python -m api` (the same as `optimiser serve`).

Logging is set up here, at INFO, whatever a caller configured before: requests (method, route
template, status, duration) and job events (id, kind, size, timings), never data.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from api.main import create_app
from api.settings import Settings

log = logging.getLogger("api")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class ServeError(Exception):
    """A server that must not start as configured (the message says why)."""


def check_binding(settings: Settings, host: str) -> None:
    """No keys is allowed only local-only on loopback; local-only never binds elsewhere."""
    loopback = host == "localhost" or _is_loopback(host)
    if settings.local_only and not loopback:
        raise ServeError("--local-only binds to loopback only (127.0.0.1, ::1 or localhost)")
    if not settings.api_keys and not settings.local_only:
        raise ServeError("no API keys configured: set OPTIMISER_API_KEYS, or use --local-only")


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(settings: Settings, host: str, port: int, *, verbose: bool = False) -> None:
    """Run the HTTP API on host:port."""
    check_binding(settings, host)
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, format=LOG_FORMAT, force=True
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None, access_log=False)


def parser() -> argparse.ArgumentParser:
    """The command line of `python -m api`."""
    out = argparse.ArgumentParser(
        prog="python -m api",
        description="Run the HTTP API. Settings also come from OPTIMISER_* environment variables.",
    )
    out.add_argument("--host", default="127.0.0.1", help="Address to bind.")
    out.add_argument("--port", type=int, default=8000)
    out.add_argument("--local-only", action="store_true", help="No API keys; loopback only.")
    out.add_argument("--data-dir", type=Path, default=None, help="Folder of the job store.")
    out.add_argument("--workers", type=int, default=None, help="Solves at once.")
    out.add_argument("--verbose", "-v", action="store_true", help="Log at DEBUG.")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, then serve until stopped; 2 when the settings cannot serve."""
    args = parser().parse_args(argv)
    overrides: dict[str, object] = {"local_only": True} if args.local_only else {}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    if args.workers is not None:
        overrides["workers"] = args.workers
    try:
        serve(Settings(**overrides), args.host, args.port, verbose=args.verbose)  # type: ignore[arg-type]
    except ServeError as exc:
        sys.stderr.write(f"cannot serve: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
