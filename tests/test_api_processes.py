"""Jobs run in their own process groups: cancel and the watchdog leave no solver behind, and a
job running when the server dies reaches a terminal state after a restart."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
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
from tests.api_helpers import AUTH, KEY, bundled, settings, wait

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


def _running_pid(
    store: JobStore, job_id: str, timeout: float = 120.0, other_than: int | None = None
) -> int:
    """The pid of the worker the job is dispatched to (another than `other_than`)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = store.get(job_id)
        if job is not None and job.status == "running" and job.pid not in (None, other_than):
            assert job.pid is not None
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
    """Grace 0 and a 0.2 s limit: building and solving 2,000 referrals takes far longer, so
    the watchdog stops the worker. The job ends `feasible` with the plan that always exists
    (every referral unplaced, stored once the instance was read) or, when even reading it
    took longer than the limit, `failed` with no plan: the watchdog's two endings."""
    client, store = app_client
    job = client.post("/v1/jobs", json=slow_job(0.2), headers=AUTH).json()
    pid = _running_pid(store, job["id"])
    final = wait(client, job["id"], AUTH, TERMINAL, timeout=120)
    assert not group_alive(pid)
    if final["status"] == "failed":
        assert final["error"]["code"] == "watchdog", final
        return
    assert final["status"] == "feasible", final
    assert final["attempts"][-1]["ended"] == "stopped at its limit"
    plan = client.get(f"/v1/jobs/{job['id']}/result", headers=AUTH).json()
    assert plan["placements"] == []
    assert {u["reason"] for u in plan["unplaced"]} == {"time_limit"}
    assert len(plan["unplaced"]) == 2000


def _server(
    data_dir: Path, port: int, extra: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    env = {
        "OPTIMISER_API_KEYS": KEY,
        "OPTIMISER_DATA_DIR": str(data_dir),
        "OPTIMISER_WORKERS": "1",
        "OPTIMISER_WATCHDOG_GRACE_SECONDS": "30",
        **(extra or {}),
    }
    return start_server(port, env, timeout=180)


def _call(port: int, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    return call(port, KEY, path, body)


def _wait_gone(pid: int, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while group_alive(pid) and time.time() < deadline:
        time.sleep(0.05)


def _status(port: int, job_id: str, until: tuple[str, ...], timeout: float) -> dict[str, Any]:
    deadline = time.time() + timeout
    status = _call(port, f"/v1/jobs/{job_id}")
    while status["status"] not in until and time.time() < deadline:
        time.sleep(0.2)
        status = _call(port, f"/v1/jobs/{job_id}")
    return status


def test_a_job_survives_a_server_crash(tmp_path: Path) -> None:
    """Each step waits on the state it needs (the job dispatched, the worker gone, the job
    ended), with deadlines generous enough for a loaded 2-core machine: the worker, the
    restarted server and the job itself may each take many seconds to start there."""
    port = free_port()
    server = _server(tmp_path, port)
    try:
        job = _call(port, "/v1/jobs", slow_job(6))
        pid = _running_pid(JobStore(tmp_path / "jobs.sqlite3"), job["id"])
        os.kill(server.pid, signal.SIGKILL)  # a crash: no shutdown hook runs
        server.wait(timeout=60)
        _wait_gone(pid)
        assert not group_alive(pid)  # the worker died with its server
        server = _server(tmp_path, port)
        status = _status(port, job["id"], TERMINAL, timeout=600)
        assert status["status"] in ("feasible", "optimal", "no_solution"), status
        assert status["attempts"][0]["ended"].startswith("interrupted")
        result = _call(port, f"/v1/jobs/{job['id']}/result")
        assert result["status"] == status["status"]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=60)


def test_server_crashes_use_no_attempt_and_have_a_bound_of_their_own(tmp_path: Path) -> None:
    """One attempt allowed, two interruptions: two server crashes while the job runs re-queue
    it each time (a crash is not the job's fault), the third fails it, naming the cause."""
    env = {"OPTIMISER_MAX_ATTEMPTS": "1", "OPTIMISER_MAX_INTERRUPTIONS": "2"}
    port = free_port()
    server = _server(tmp_path, port, env)
    store = JobStore(tmp_path / "jobs.sqlite3")
    try:
        job_id = _call(port, "/v1/jobs", slow_job(60))["id"]
        pid = None
        for crash in range(3):
            pid = _running_pid(store, job_id, other_than=pid)
            os.kill(server.pid, signal.SIGKILL)
            server.wait(timeout=60)
            _wait_gone(pid)
            server = _server(tmp_path, port, env)
            if crash < 2:
                job = store.get(job_id)
                assert job is not None
                assert job.status in ("queued", "running"), job
        final = _status(port, job_id, TERMINAL, timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=60)
    assert final["status"] == "failed", final
    assert final["error"]["code"] == "interrupted"
    assert "3 runs ended this way" in final["error"]["message"]
    ended = [a["ended"] for a in final["attempts"]]
    assert len(ended) == 3
    assert all(e.startswith("interrupted: the server restarted") for e in ended)
    job = store.get(job_id)
    assert job is not None
    assert (job.attempts, job.interruptions) == (3, 2)


def _ready(store: JobStore, job_id: str, timeout: float = 60.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        job = store.get(job_id)
        if job is not None and job.ready is not None:
            return
        time.sleep(0.05)
    raise AssertionError("the worker never took the job")


def test_the_watchdog_ends_a_job_feasible_with_its_best_stored_plan(
    app_client: tuple[TestClient, JobStore],
) -> None:
    """While the job runs, a plan arrives as an incumbent would (through the store, where the
    worker's progress callback puts it); the job then passes its limit: the watchdog kills the
    worker and the job ends `feasible` with that plan."""
    client, store = app_client
    job = client.post("/v1/jobs", json=slow_job(60), headers=AUTH).json()
    pid = _running_pid(store, job["id"])
    _ready(store, job["id"])
    plan = client.post("/v1/placements/solve", json=bundled("dps_small"), headers=AUTH).text
    store.progress(job["id"], {"phase": "solving", "best_objective": 1.0}, incumbent=plan)
    with sqlite3.connect(store.path) as db:  # the limit passes now rather than in a minute
        db.execute("UPDATE jobs SET time_limit = 0.01 WHERE id = ?", (job["id"],))
    final = wait(client, job["id"], AUTH, TERMINAL, timeout=30)
    assert final["status"] == "feasible", final
    assert final["attempts"][-1]["ended"] == "stopped at its limit"
    assert not group_alive(pid)
    result = client.get(f"/v1/jobs/{job['id']}/result", headers=AUTH)
    assert result.text == plan


def test_a_job_whose_worker_dies_is_retried_with_the_reason(tmp_path: Path) -> None:
    app = create_app(settings(tmp_path, max_attempts=2))
    with TestClient(app) as client:
        store: JobStore = app.state.store
        job = client.post("/v1/jobs", json=slow_job(3), headers=AUTH).json()
        pid = _running_pid(store, job["id"])
        os.killpg(pid, signal.SIGKILL)
        final = wait(client, job["id"], AUTH, TERMINAL, timeout=60)
        assert final["status"] in ("feasible", "no_solution", "optimal"), final
        assert final["attempts"][0]["ended"].startswith("worker_died")
        job = client.post("/v1/jobs", json=slow_job(3), headers=AUTH).json()
        for _ in range(2):  # the second death spends the last attempt
            pid = _running_pid(store, job["id"])
            os.killpg(pid, signal.SIGKILL)
            while store.get(job["id"]).pid == pid:  # type: ignore[union-attr]
                time.sleep(0.05)
        final = wait(client, job["id"], AUTH, TERMINAL, timeout=30)
        assert final["status"] == "failed", final
        assert final["error"]["code"] == "worker_died"


def test_optimiser_serve_logs_requests_and_jobs_at_info(tmp_path: Path) -> None:
    """The command line's own logging set-up must not hide the server's log."""
    port = free_port()
    log_path = tmp_path / "serve.log"
    env = {**os.environ, "OPTIMISER_API_KEYS": KEY, "OPTIMISER_DATA_DIR": str(tmp_path)}
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "optimiser.cli", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    try:
        deadline = time.time() + 60
        while "Application startup complete" not in log_path.read_text():
            assert time.time() < deadline, log_path.read_text()
            time.sleep(0.1)
        job = _call(port, "/v1/jobs", {"kind": "staffing", "instance": bundled("staffing_small")})
        ended = f"job {job['id']} ended optimal: kind staffing, size 3"
        while ended not in log_path.read_text():
            assert time.time() < deadline, log_path.read_text()
            time.sleep(0.1)
        _call(port, f"/v1/jobs/{job['id']}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    text = log_path.read_text()
    assert "POST /v1/jobs 202" in text
    assert "GET /v1/jobs/{job_id} 200" in text
    assert f"job {job['id']} queued: kind staffing, size 3" in text
