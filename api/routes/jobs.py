"""Durable solve jobs: submit (202 + Location), status, result, cancel, list."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api import examples
from api.jobviews import JobStatus, status_of
from api.problems import responses
from api.runner import Runner
from api.security import Caller, SettingsDep, caller
from api.settings import Settings
from api.store import Job, JobStore, KeyState
from api.sync import size_of
from optimiser import (
    PlacementInstance,
    PlacementSolution,
    SolveOptions,
    Solver,
    StaffingInstance,
    StaffingSolution,
)

__all__ = ["JobList", "JobOptions", "JobRequest", "JobStatus", "router", "status_of", "submit_job"]

log = logging.getLogger("api.jobs")
router = APIRouter(prefix="/v1/jobs", tags=["jobs"], dependencies=[Depends(caller)])
RETRY_AFTER_SECONDS = "5"


class JobOptions(BaseModel):
    """The solve options a caller may set on a job."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    solver: Solver | None = None
    time_limit_seconds: float | None = Field(default=None, strict=True, gt=0, le=86_400)
    mip_gap: float = Field(default=1e-4, strict=True, ge=0, le=1)
    sensitivity: bool = Field(
        default=False,
        strict=True,
        description="Staffing: keep every rule and variable with its price and range, for "
        "the result workbook's Answer, Sensitivity and Limits sheets.",
    )


class JobRequest(BaseModel):
    """A job submission: its kind, instance and options."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["staffing", "placements"]
    instance: Annotated[StaffingInstance | PlacementInstance, Field(discriminator="kind")]
    options: JobOptions = Field(default_factory=JobOptions)


class JobList(BaseModel):
    """One page of the caller's jobs, newest first."""

    items: list[JobStatus]
    total: int
    limit: int
    offset: int


def _store(request: Request) -> JobStore:
    store: JobStore = request.app.state.store
    return store


def _runner(request: Request) -> Runner:
    runner: Runner = request.app.state.runner
    return runner


StoreDep = Annotated[JobStore, Depends(_store)]
RunnerDep = Annotated[Runner, Depends(_runner)]


JOB_EXAMPLE = examples.examples(
    {"kind": "placements", "instance": examples.PLACEMENTS, "options": {"time_limit_seconds": 60}},
    "A placement job",
)


@router.post(
    "", status_code=202, response_model=JobStatus, responses=responses(400, 401, 409, 413, 422, 429)
)
def submit_job(  # noqa: PLR0917 (FastAPI injects each parameter)
    body: Annotated[JobRequest, Body(openapi_examples=JOB_EXAMPLE)],
    response: Response,
    owner: Caller,
    settings: SettingsDep,
    store: StoreDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JobStatus:
    """Queue a solve; answers 202 with the job's id and a Location header. The queue limit is
    checked and the job inserted in one transaction (429 with Retry-After when full). With an
    Idempotency-Key, a retry with the same body returns the same job; the same key with another
    body is refused (422), and while the first request is still being accepted, 409."""
    if body.kind != body.instance.kind:
        raise HTTPException(422, "kind_mismatch")
    key = hashlib.sha256(idempotency_key.encode()).hexdigest() if idempotency_key else None
    state, used_by, used_hash = (
        store.reserve_key(owner, key) if key else (KeyState.RESERVED, None, None)
    )
    if state is KeyState.ACCEPTING:
        raise HTTPException(409, "idempotency_key_in_use")
    try:
        payload = _payload(body, settings)
        digest = hashlib.sha256(payload.encode()).hexdigest()
        job = _repeat(store, used_by, used_hash, digest) if state is KeyState.USED else None
        if job is None:
            job = _admit(store, owner, body, payload, settings, key, digest)
    except BaseException:
        if key and state is KeyState.RESERVED:
            store.release_key(owner, key)
        raise
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return status_of(job)


def _payload(body: JobRequest, settings: Settings) -> str:
    options = settings.capped(SolveOptions(**body.options.model_dump()), sync=False)
    return json.dumps(
        {
            "instance": body.instance.model_dump(mode="json"),
            "options": options.model_dump(mode="json"),
        }
    )


def _repeat(store: JobStore, job_id: str | None, seen: str | None, digest: str) -> Job:
    """The job an idempotency key was first used for, if this body is the same."""
    if seen != digest:
        raise HTTPException(422, "idempotency_key_reused")
    job = store.get(job_id) if job_id else None
    if job is None:
        raise HTTPException(422, "idempotency_key_reused")
    log.info("job %s repeated", job.id)
    return job


def _admit(  # noqa: PLR0917
    store: JobStore,
    owner: str,
    body: JobRequest,
    payload: str,
    settings: Settings,
    key: str | None,
    digest: str,
) -> Job:
    limit = json.loads(payload)["options"]["time_limit_seconds"]
    admitted = store.admit(
        owner,
        body.kind,
        size_of(body.instance),
        limit,
        payload=payload,
        max_queued=settings.max_queued,
        key=key,
        body_hash=digest,
    )
    if admitted.job is None:
        raise HTTPException(429, "queue_full", headers={"Retry-After": RETRY_AFTER_SECONDS})
    job = admitted.job
    log.info("job %s queued: kind %s, size %d, limit %g s", job.id, job.kind, job.size, limit)
    return job


@router.get("", response_model=JobList, responses=responses(401, 422))
def list_jobs(
    owner: Caller,
    store: StoreDep,
    settings: SettingsDep,
    limit: Annotated[int | None, Query(ge=1, le=1000)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> JobList:
    """The caller's jobs, newest first."""
    size = limit or settings.page_size
    jobs, total = store.page(owner, size, offset)
    return JobList(items=[status_of(j) for j in jobs], total=total, limit=size, offset=offset)


def _mine(store: JobStore, job_id: str, owner: str) -> Job:
    job = store.get(job_id, owner)
    if job is None:  # another caller's job is as invisible as a missing one
        raise HTTPException(404, "job_not_found")
    return job


@router.get("/{job_id}", response_model=JobStatus, responses=responses(401, 404))
def get_job(job_id: str, owner: Caller, store: StoreDep) -> JobStatus:
    """Status, progress while running, timings, earlier attempts."""
    return status_of(_mine(store, job_id, owner))


@router.get(
    "/{job_id}/result",
    response_model=StaffingSolution | PlacementSolution,
    responses=responses(401, 404, 409),
)
def get_result(job_id: str, owner: Caller, store: StoreDep) -> Response:
    """The solution, once the job has one (409 while it runs, or if it failed or was cancelled)."""
    job = _mine(store, job_id, owner)
    if not job.terminal:
        raise HTTPException(409, "job_not_finished")
    result = store.result(job.id) if job.has_result else None
    if result is None:
        raise HTTPException(409, "job_has_no_result")
    return Response(result, media_type=JSONResponse.media_type)


@router.delete("/{job_id}", response_model=JobStatus, responses=responses(401, 404, 409))
def cancel_job(job_id: str, owner: Caller, store: StoreDep, runner: RunnerDep) -> JobStatus:
    """Cancel a queued or running job (a running solve is stopped)."""
    job = _mine(store, job_id, owner)
    if not runner.cancel(job.id):
        raise HTTPException(409, "job_already_finished")
    log.info("job %s cancelled", job.id)
    return status_of(_mine(store, job_id, owner))
