"""Synchronous solves and commissioning operations run in the supervised synchronous pool,
never in the API process: a request no worker takes is answered with a problem after its own
deadline, a solve stopped at its cap answers its best plan, and a stop with no plan at all is a
problem that says what to do. Worker processes keep one thread count for all their solves."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from api.main import create_app
from api.records import Job
from api.settings import hash_key
from api.sync import Waited, _answer
from optimiser import PlacementInstance, load_instance, solve, unplaced_fallback
from optimiser.placements.generate import generate_placements
from tests.api_helpers import AUTH, bundled, settings
from tests.helpers import INSTANCES

PROBLEM = "application/problem+json"


def _bodies() -> dict[str, dict[str, Any]]:
    """A body for each synchronous route (the plan solved here, in the test)."""
    instance = bundled("dps_small")
    plan = solve(load_instance(INSTANCES / "dps_small.json")).model_dump(mode="json")
    reference = plan["placements"][0]["reference"]
    return {
        "/v1/placements/solve": instance,
        "/v1/placements/shortlist": {"instance": instance, "reference": reference},
        "/v1/placements/replan": {"instance": instance, "previous": plan},
    }


def test_a_sync_request_no_worker_takes_gets_a_problem_after_its_deadline(tmp_path: Path) -> None:
    """No runner (run_jobs=False): nothing solves in the API process, so each route answers,
    after sync_queue_seconds, a 503 problem that points to /v1/jobs; its job is deleted."""
    app = create_app(settings(tmp_path, sync_queue_seconds=1.0), run_jobs=False)
    with TestClient(app) as client:
        for path, body in _bodies().items():
            began = time.monotonic()
            response = client.post(path, json=body, headers=AUTH)
            assert time.monotonic() - began >= 1.0
            assert response.status_code == 503, path
            assert response.headers["content-type"] == PROBLEM
            assert response.headers["retry-after"] == "5"
            assert response.json()["code"] == "sync_not_taken"
            assert "/v1/jobs" in response.json()["detail"]
        assert app.state.store.count("queued") == 0


def test_commissioning_operations_have_the_sync_size_limit(tmp_path: Path) -> None:
    with TestClient(create_app(settings(tmp_path, sync_max_size=10), run_jobs=False)) as small:
        for path, body in _bodies().items():
            response = small.post(path, json=body, headers=AUTH)
            assert response.status_code == 413, path
            assert response.json()["code"] == "too_large_for_sync"
            assert "/v1/jobs" in response.json()["detail"]


def _a_plan_of_every_referral(response: Any, instance: PlacementInstance) -> None:
    """The answer is a plan stopped at its limit (`feasible`) that places or leaves unplaced
    every referral of the instance."""
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["status"] == "feasible"
    references = {p["reference"] for p in plan["placements"]} | {
        u["reference"] for u in plan["unplaced"]
    }
    assert references == {r.reference for r in instance.referrals}


def test_a_sync_solve_stopped_at_its_cap_answers_its_best_plan(tmp_path: Path) -> None:
    """Weekday packing at 2,000 x 100 runs past any cap of a few seconds: at a 2 s cap the
    answer is a plan (`feasible`) that accounts for every referral, whether the engine stopped
    itself or the watchdog stopped the worker with the best plan it had stored (at worst the
    plan that always exists, every referral unplaced, stored before the solve began)."""
    app = create_app(settings(tmp_path, sync_time_limit_seconds=2.0, watchdog_grace_seconds=0))
    instance = generate_placements(2000, 100, seed=11, weekday_places=True)
    with TestClient(app) as client:
        response = client.post(
            "/v1/placements/solve?solver=highs",
            json=instance.model_dump(mode="json"),
            headers=AUTH,
        )
    _a_plan_of_every_referral(response, instance)


def test_a_replan_stopped_at_its_cap_answers_its_best_plan(tmp_path: Path) -> None:
    """A re-plan is solved in the worker as a solve is: the plan that always exists stored
    first and better ones as they arrive. Last week nobody was placed; this week's 2,000 x 100
    weekday instance runs past a 2 s cap: the answer is a plan (`feasible`) that accounts
    for every referral, whoever stopped the solve."""
    app = create_app(settings(tmp_path, sync_time_limit_seconds=2.0, watchdog_grace_seconds=0))
    instance = generate_placements(2000, 100, seed=11, weekday_places=True)
    previous = unplaced_fallback(instance).model_dump(mode="json")
    body = {"instance": instance.model_dump(mode="json"), "previous": previous}
    with TestClient(app) as client:
        response = client.post("/v1/placements/replan", json=body, headers=AUTH)
    _a_plan_of_every_referral(response, instance)


def _job(**values: Any) -> Job:
    row: dict[str, Any] = {
        "id": "j1",
        "owner": "o",
        "kind": "staffing",
        "status": "failed",
        "size": 3,
        "created": 0.0,
        "started": 1.0,
        "finished": 4.0,
        "time_limit": 2.0,
        "error_code": None,
        "error": None,
        "progress": None,
        "pid": None,
        "attempts": 1,
    }
    return Job(**(row | values))


def test_a_sync_solve_stopped_with_no_plan_is_a_problem_saying_what_to_do(tmp_path: Path) -> None:
    """The watchdog stopped the worker before any plan existed (a staffing model that found
    none in time): a 422 problem naming the limit and the way on, not a bare 503."""
    app = create_app(settings(tmp_path, job_time_limit_seconds=600), run_jobs=False)
    job = _job(error_code="watchdog", error="stopped at its time limit before any plan")
    response = _answer(app.state.settings, app.state.store, Waited(job, "ended"))
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = json.loads(bytes(response.body))
    assert body["code"] == "no_plan_in_time"
    assert "2 s ran out before any plan was found" in body["detail"]
    assert "/v1/jobs" in body["detail"]
    assert "600 s" in body["detail"]
    shortlist = _answer(app.state.settings, app.state.store, Waited(job, "ended"), "shortlist")
    detail = json.loads(bytes(shortlist.body))["detail"]
    assert "send the plan (`solution`)" in detail
    assert "`optimiser shortlist`" in detail


def test_one_worker_process_runs_jobs_asking_for_different_thread_counts(tmp_path: Path) -> None:
    """HiGHS keeps one thread pool per process, sized by the first solve: in one process a
    solve asking for 1 thread and then one asking for 2 ended `kNotset` (placements, a
    BackendError) or `no_solution` (staffing). The worker fixes the count for every solve
    (here the server's solver_threads, 1) and notes it where a job asked for another."""
    app = create_app(settings(tmp_path, workers=1, solver_threads=1, jobs_per_worker=10))
    owner = hash_key(AUTH["X-API-Key"])[:16]
    asks = [
        ("placements", bundled("dps_small"), 1),
        ("placements", bundled("dps_small"), 2),
        ("staffing", bundled("oxfordshire_2015_16"), 2),
    ]
    with TestClient(app):
        store = app.state.store
        ids = []
        for kind, instance, threads in asks:
            options = {"solver": "highs", "threads": threads, "time_limit_seconds": 60}
            payload = json.dumps({"instance": instance, "options": options})
            ids.append(store.admit(owner, kind, 1, 60.0, payload=payload).job.id)
        deadline = time.time() + 180
        while not all(store.get(i).terminal for i in ids) and time.time() < deadline:
            time.sleep(0.1)
        workers = [c for c in app.state.runner.children if c.origin == "job"]
        results = [json.loads(store.result(i) or "{}") for i in ids]
    assert [store.get(i).status for i in ids] == ["optimal"] * 3
    assert len(workers) == 1
    assert workers[0].jobs == 3
    notes = [r["statistics"]["notes"] for r in results]
    assert not any("threads" in n for n in notes[0])
    for later in notes[1:]:
        assert "threads: 1 (fixed for this server's worker processes), not the 2 asked for" in later
