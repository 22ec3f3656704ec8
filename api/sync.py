"""Synchronous solves and commissioning operations (a shortlist, a re-plan) under the same
supervision as jobs: the request is queued as a job for the synchronous pool, a worker process
runs it within the capped limit (the watchdog holds the cap, and a plan found by then comes back
`feasible`), and the request waits for it without blocking the event loop, up to a deadline of
its own (a solve no worker takes, say because the pool is not running, is answered with a
problem). A caller who hangs up cancels the solve. The job and its data are deleted once
answered. Instances above the configured size are refused (413, pointing to /v1/jobs)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import NamedTuple

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.problems import FieldError, problem
from api.runner import OVERRUN_SHARE, Runner
from api.settings import Settings
from api.store import Job, JobStore, Origin
from optimiser import (
    BackendError,
    InstanceError,
    PlacementInstance,
    SolveOptions,
    StaffingInstance,
    VerificationError,
)

log = logging.getLogger("api.sync")
POLL_SECONDS = 0.05
RUNNING_MARGIN_SECONDS = 5.0  # past the watchdog's own deadline, should the runner be gone
SERVER_SIDE = frozenset({"worker_died", "worker_start", "interrupted"})
SOLVER_FAILURES = frozenset({BackendError.code, VerificationError.code, "internal_error"})


class Waited(NamedTuple):
    """How the wait for a synchronous job ended: the job (None if gone) and why it stopped."""

    job: Job | None
    why: str  # "ended", "hung_up", "not_taken" or "overdue"


def size_of(instance: StaffingInstance | PlacementInstance) -> int:
    """The size of an instance: functions for staffing, referrals for placements."""
    if isinstance(instance, StaffingInstance):
        return len(instance.functions)
    return len(instance.referrals)


async def solve_now(
    request: Request,
    owner: str,
    instance: StaffingInstance | PlacementInstance,
    options: SolveOptions,
    *,
    operation: str = "solve",
    body: BaseModel | None = None,
) -> Response:
    """Run one solve (or the named operation on `body`, whose instance is `instance`) in the
    synchronous pool and answer with its result or its problem."""
    settings: Settings = request.app.state.settings
    store: JobStore = request.app.state.store
    size = size_of(instance)
    if size > settings.sync_max_size:
        return _too_large(settings, instance)
    capped = settings.capped(options, sync=True)
    payload = await run_in_threadpool(_payload, instance, capped, operation, body)
    limit = capped.time_limit_seconds or settings.sync_time_limit_seconds
    admitted = await run_in_threadpool(
        store.admit,
        owner,
        instance.kind,
        size,
        limit,
        payload=payload,
        max_queued=settings.sync_max_queued,
        origin=Origin.SYNC,
    )
    if admitted.job is None:
        return problem(
            429,
            "sync_busy",
            "synchronous solves are all busy; retry, or submit to /v1/jobs",
            headers={"Retry-After": "2"},
        )
    job_id = admitted.job.id
    log.info("sync %s queued: %s, size %d, limit %g s", job_id, operation, size, limit)
    try:
        waited = await _wait(request, settings, store, job_id)
        return await run_in_threadpool(_answer, settings, store, waited, operation)
    finally:
        await run_in_threadpool(_close, request.app.state.runner, store, job_id)


def _too_large(settings: Settings, instance: StaffingInstance | PlacementInstance) -> Response:
    return problem(
        413,
        "too_large_for_sync",
        f"synchronous solves take at most {settings.sync_max_size} "
        f"{'functions' if instance.kind == 'staffing' else 'referrals'}; "
        "submit this instance to /v1/jobs",
    )


def _payload(
    instance: StaffingInstance | PlacementInstance,
    options: SolveOptions,
    operation: str,
    body: BaseModel | None,
) -> str:
    opts = options.model_dump(mode="json")
    if body is None:
        return json.dumps({"instance": instance.model_dump(mode="json"), "options": opts})
    return json.dumps(
        {"operation": operation, "body": body.model_dump(mode="json"), "options": opts}
    )


def overdue_at(settings: Settings, job: Job, waiting_since: float) -> float:
    """When the wait gives up (time.time()): a job still queued after `sync_queue_seconds`
    was taken by no worker; a running one gets the watchdog's own deadline at the latest
    (start-up, limit x 1.05, grace) and a margin, in case the runner itself is gone."""
    if job.started is None:
        return waiting_since + settings.sync_queue_seconds
    return (
        job.started
        + settings.start_timeout_seconds
        + job.time_limit * OVERRUN_SHARE
        + settings.watchdog_grace_seconds
        + RUNNING_MARGIN_SECONDS
    )


async def _wait(request: Request, settings: Settings, store: JobStore, job_id: str) -> Waited:
    """Poll the store until the job ends, the caller hangs up, or the wait is overdue."""
    started, since = time.monotonic(), time.time()
    while True:
        job = await run_in_threadpool(store.get, job_id)
        if job is None or job.terminal:
            return Waited(job, "ended")
        if await request.is_disconnected():
            log.info("sync %s: the caller hung up after %.1f s", job_id, time.monotonic() - started)
            return Waited(None, "hung_up")
        if time.time() > overdue_at(settings, job, since):
            why = "not_taken" if job.started is None else "overdue"
            log.warning("sync %s: %s after %.1f s", job_id, why, time.monotonic() - started)
            return Waited(job, why)
        await asyncio.sleep(POLL_SECONDS)


def _close(runner: Runner, store: JobStore, job_id: str) -> None:
    """Stop the solve if it still runs, then delete the job and its data."""
    runner.cancel(job_id)
    store.delete(job_id)


def _answer(
    settings: Settings, store: JobStore, waited: Waited, operation: str = "solve"
) -> Response:
    job = waited.job
    if waited.why != "ended" or job is None:
        return _unanswered(settings, waited)
    if job.has_result:
        result = store.result(job.id) or "{}"
        return Response(result, media_type=JSONResponse.media_type)
    code = job.error_code or "failed"
    if code == InstanceError.code:
        errors = [FieldError(**p) for p in job.problems]
        return problem(422, code, f"{len(errors)} problem(s) in the instance", errors)
    if code in SOLVER_FAILURES:
        log.error("sync %s: solver failure %s", job.id, code)
        return problem(500, code, "the solver failed; the request was valid")
    if code == "watchdog":
        return _no_plan(settings, job, operation)
    if code in SERVER_SIDE:
        return problem(503, code, job.error or "", headers={"Retry-After": "5"})
    return problem(422, code, job.error or "")


def _no_plan(settings: Settings, job: Job, operation: str) -> Response:
    """Stopped at the cap before any plan existed: what ran out, and the way on."""
    if operation == "solve":
        way = (
            "submit this instance to /v1/jobs with a longer time_limit_seconds (up to "
            f"{settings.job_time_limit_seconds:g} s), or simplify it"
        )
    else:
        first = "send the plan (`solution`) so that it is not solved first, or " * (
            operation == "shortlist"
        )
        way = (
            f"synchronous requests are capped at {settings.sync_time_limit_seconds:g} s: "
            f"{first}run `optimiser {operation}` without the cap"
        )
    return problem(
        422,
        "no_plan_in_time",
        f"the time limit of {job.time_limit:g} s ran out before any plan was found; {way}",
    )


def _unanswered(settings: Settings, waited: Waited) -> Response:
    """The solve was stopped: the caller hung up, no worker took it, or it overran."""
    if waited.why == "not_taken":
        return problem(
            503,
            "sync_not_taken",
            f"no solver process took this solve within {settings.sync_queue_seconds:g} s (the "
            "server's synchronous solvers are busy or not running); retry later, or submit "
            "it to /v1/jobs",
            headers={"Retry-After": "5"},
        )
    if waited.why == "overdue":
        return problem(
            503,
            "sync_overdue",
            "the solve did not end by its time limit and the server's margin, and was "
            "stopped; retry later, or submit it to /v1/jobs",
            headers={"Retry-After": "5"},
        )
    return problem(503, "cancelled", "the solve was stopped")
