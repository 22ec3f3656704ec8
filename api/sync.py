"""Synchronous solves under the same supervision as jobs: the instance is queued as a job for
the synchronous pool, a worker process solves it within the capped limit (the watchdog holds
the cap, and a plan found by then comes back `feasible`), and the request waits for it without
blocking the event loop. A caller who hangs up cancels the solve. The job and its data are
deleted once answered. Instances above the configured size are refused (413, pointing to
/v1/jobs)."""

from __future__ import annotations

import asyncio
import json
import logging
import time

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.problems import FieldError, problem
from api.runner import Runner
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
SERVER_SIDE = frozenset({"watchdog", "worker_died", "worker_start", "interrupted"})
SOLVER_FAILURES = frozenset({BackendError.code, VerificationError.code, "internal_error"})


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
) -> Response:
    """Run one solve in the synchronous pool and answer with its solution or its problem."""
    settings: Settings = request.app.state.settings
    store: JobStore = request.app.state.store
    size = size_of(instance)
    if size > settings.sync_max_size:
        return problem(
            413,
            "too_large_for_sync",
            f"synchronous solves take at most {settings.sync_max_size} "
            f"{'functions' if instance.kind == 'staffing' else 'referrals'}; "
            "submit this instance to /v1/jobs",
        )
    capped = settings.capped(options, sync=True)
    payload = await run_in_threadpool(_payload, instance, capped)
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
    log.info("sync %s queued: kind %s, size %d, limit %g s", job_id, instance.kind, size, limit)
    try:
        job = await _wait(request, store, job_id)
        return await run_in_threadpool(_answer, store, job)
    finally:
        await run_in_threadpool(_close, request.app.state.runner, store, job_id)


def _payload(instance: StaffingInstance | PlacementInstance, options: SolveOptions) -> str:
    return json.dumps(
        {"instance": instance.model_dump(mode="json"), "options": options.model_dump(mode="json")}
    )


async def _wait(request: Request, store: JobStore, job_id: str) -> Job | None:
    """Poll the store until the job ends; None when the caller hung up first."""
    started = time.monotonic()
    while True:
        job = await run_in_threadpool(store.get, job_id)
        if job is None or job.terminal:
            return job
        if await request.is_disconnected():
            log.info("sync %s: the caller hung up after %.1f s", job_id, time.monotonic() - started)
            return None
        await asyncio.sleep(POLL_SECONDS)


def _close(runner: Runner, store: JobStore, job_id: str) -> None:
    """Stop the solve if it still runs, then delete the job and its data."""
    runner.cancel(job_id)
    store.delete(job_id)


def _answer(store: JobStore, job: Job | None) -> Response:
    if job is None:
        return problem(503, "cancelled", "the solve was stopped")
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
    if code in SERVER_SIDE:
        return problem(503, code, job.error or "", headers={"Retry-After": "5"})
    return problem(422, code, job.error or "")
