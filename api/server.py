"""Start the API with uvicorn: `optimiser serve`."""

from __future__ import annotations

import ipaddress
import logging

import uvicorn

from api.main import create_app
from api.settings import Settings


class ServeError(Exception):
    pass


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


def serve(settings: Settings, host: str, port: int) -> None:
    check_binding(settings, host)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None, access_log=False)
