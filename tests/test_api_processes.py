"""Jobs run in their own process groups: cancel and the watchdog leave no solver behind, and a
job running when the server dies reaches a terminal state after a restart."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.groups import group_alive
from api.local import call, free_port, start_server
from api.main import create_app
from api.store import JobStore
from optimiser.placements.generate import generate_placements
from tests.api_helpers import AUTH, KEY, settings, wait

TERMINAL = ("optimal", "feasible", "infeasible", "no_solution", "cancelled", "failed")


def slow_job(time_limit: float) -> dict[str, Any]:
    """Weekday packing at 2,000 x 100: HiGHS runs to any time limit here (measured: 20 s
    limit, 54% gap), so the job lasts as long as its limit."""
    instance = generate_placements(2000, 100, seed=11, weekday_places=True)
    return {
        "kind": "placements",
        "instance": instance.model_dump(mode="json"),
        "options": {"solver": "highs", "time_limit_seconds": time_limit},
    }


def _running_pid(store: JobStore, job_id: str, timeout: float = 30.0) -> int:
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = store.get(job_id)
        if job is not None and job.status == "running" and job.pid is not None:
            return job.pid
        time.sleep(0.05)
    raise AssertionError("the job never started")


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[tuple[TestClient, JobStore]]:
    app = create_app(settings(tmp_path, watchdog_grace_seconds=0.0))
    with TestClient(app) as client:
        yield client, app.state.store


def test_cancel_stops_a_running_solve(app_client: tuple[TestClient, JobStore]) -> None:
    client, store = app_client
    job = client.post("/v1/jobs", json=slow_job(60), headers=AUTH).json()
    pid = _running_pid(store, job["id"])
    deadline = time.time() + 30
    progress: dict[str, Any] = {}
    while time.time() < deadline and progress.get("best_objective") is None:
        progress = client.get(f"/v1/jobs/{job['id']}", headers=AUTH).json()["progress"] or {}
        time.sleep(0.1)
    assert progress["phase"] == "solving"  # HiGHS reports its incumbent and bound while running
    assert progress["best_objective"] > 0
    assert progress["bound"] is None or progress["bound"] <= progress["best_objective"]
    assert group_alive(pid)
    cancelled = client.delete(f"/v1/jobs/{job['id']}", headers=AUTH)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert not group_alive(pid)
    time.sleep(0.5)  # a late write from the killed worker must not resurrect it
    assert client.get(f"/v1/jobs/{job['id']}", headers=AUTH).json()["status"] == "cancelled"


def test_watchdog_kills_an_overrunning_solve(app_client: tuple[TestClient, JobStore]) -> None:
    """Grace 0 and a 0.2 s limit: reading and building 2,000 referrals alone takes longer, so
    the worker is stopped with no plan."""
    client, store = app_client
    job = client.post("/v1/jobs", json=slow_job(0.2), headers=AUTH).json()
    pid = _running_pid(store, job["id"])
    final = wait(client, job["id"], AUTH, TERMINAL, timeout=60)
    assert final["status"] == "failed", final
    assert final["error"]["code"] == "watchdog"
    assert not group_alive(pid)


def _server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        "OPTIMISER_API_KEYS": KEY,
        "OPTIMISER_DATA_DIR": str(data_dir),
        "OPTIMISER_WORKERS": "1",
        "OPTIMISER_WATCHDOG_GRACE_SECONDS": "30",
    }
    return start_server(port, env)


def _call(port: int, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    return call(port, KEY, path, body)


def test_a_job_survives_a_server_crash(tmp_path: Path) -> None:
    port = free_port()
    server = _server(tmp_path, port)
    try:
        job = _call(port, "/v1/jobs", slow_job(6))
        pid = _running_pid(JobStore(tmp_path / "jobs.sqlite3"), job["id"])
        os.kill(server.pid, signal.SIGKILL)  # a crash: no shutdown hook runs
        server.wait(timeout=10)
        deadline = time.time() + 5
        while group_alive(pid) and time.time() < deadline:
            time.sleep(0.05)
        assert not group_alive(pid)  # the worker died with its server
        server = _server(tmp_path, port)
        deadline = time.time() + 60
        status = _call(port, f"/v1/jobs/{job['id']}")
        while status["status"] not in TERMINAL and time.time() < deadline:
            time.sleep(0.2)
            status = _call(port, f"/v1/jobs/{job['id']}")
        assert status["status"] in ("feasible", "optimal"), status
        assert status["attempts"][0]["ended"].startswith("interrupted")
        result = _call(port, f"/v1/jobs/{job['id']}/result")
        assert result["totals"]["referrals"] == 2000
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
