"""Helpers for API tests: settings in a temporary folder, a client, polling."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.settings import Settings
from tests.helpers import INSTANCES

KEY = "test-key-1"
OTHER_KEY = "test-key-2"
AUTH = {"X-API-Key": KEY}
OTHER = {"X-API-Key": OTHER_KEY}


def settings(tmp: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "api_keys": f"{KEY},{OTHER_KEY}",
        "data_dir": tmp,
        "workers": 2,
        "watchdog_grace_seconds": 2.0,
        "sync_time_limit_seconds": 5.0,
        "standby_workers": False,  # workers start as jobs arrive: less CPU across many apps
    }
    values.update(overrides)
    return Settings(**values)


def bundled(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((INSTANCES / f"{name}.json").read_text())
    return data


def wait(
    client: TestClient,
    job_id: str,
    headers: dict[str, str],
    until: tuple[str, ...],
    timeout: float = 60.0,
) -> dict[str, Any]:
    deadline = time.time() + timeout
    while True:
        status: dict[str, Any] = client.get(f"/v1/jobs/{job_id}", headers=headers).json()
        if status["status"] in until or time.time() > deadline:
            return status
        time.sleep(0.05)
