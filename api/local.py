"""A server on loopback for scripts, benchmarks and tests: start `python -m api` in its own
process group, wait until it is ready, call it with the standard library, stop it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(
    port: int, env: dict[str, str], timeout: float = 60.0, log_path: Path | None = None
) -> subprocess.Popen[bytes]:
    """`python -m api` on 127.0.0.1:port with OPTIMISER_* settings from `env`; returns once
    /readyz answers. Its log is appended to `log_path`, if given."""
    with open(log_path or os.devnull, "ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "api", "--port", str(port)],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def call(port: int, key: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """One JSON request to the local server (POST when there is a body)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        out: dict[str, Any] = json.loads(response.read())
        return out
