"""Durable solve jobs: submit (202 + Location), status, result, cancel, list."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api import examples
from api.problems import responses
from api.runner import Runner
from api.security import Caller, SettingsDep, caller
from api.store import Job, JobStore
from optimiser import (
    PlacementInstance,
    PlacementSolution,
    SolveOptions,
    StaffingInstance,
    StaffingSolution,
    check_instance,
)

log = logging.getLogger("api.jobs")
router = APIRouter(prefix="/v1/jobs", tags=["jobs"], dependencies=[Depends(caller)])


class JobOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    solver: Literal["highs", "cbc", "flow", "lagrange", "cpsat"] | None = None
    time_limit_seconds: float | None = Field(default=None, strict=True, gt=0, le=86_400)
    mip_gap: float = Field(default=1e-4, strict=True, ge=0, le=1)


class JobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["staffing", "placements"]
    instance: Annotated[StaffingInstance | PlacementInstance, Field(discriminator="kind")]
    options: JobOptions = Field(default_factory=JobOptions)


class JobError(BaseModel):
    code: str
    message: str


class JobStatus(BaseModel):
    id: str
    kind: str
    status: str = Field(description="queued, running, a solution status, cancelled or failed")
    size: int = Field(description="Referrals or functions in the instance.")
    created: float
    started: float | None
    finished: float | None
    elapsed_seconds: float | None
    time_limit_seconds: float
    progress: dict[str, Any] | None = Field(
        description="While running: the phase; best objective and bound where the solver "
        "gives them."
    )
    error: JobError | None
    result: str | None = Field(description="Where the result is, once there is one.")


class JobList(BaseModel):
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


def status_of(job: Job) -> JobStatus:
    end = job.finished or time.time()
    has_result = job.status in ("optimal", "feasible", "infeasible", "unbounded", "no_solution")
    return JobStatus(
        id=job.id,
        kind=job.kind,
        status=job.status,
        size=job.size,
        created=job.created,
        started=job.started,
        finished=job.finished,
        elapsed_seconds=None if job.started is None else round(end - job.started, 3),
        time_limit_seconds=job.time_limit,
        progress=job.progress if job.status == "running" else None,
        error=JobError(code=job.error_code, message=job.error or "") if job.error_code else None,
        result=f"/v1/jobs/{job.id}/result" if has_result else None,
    )


def _size(instance: StaffingInstance | PlacementInstance) -> int:
    return (
        len(instance.functions)
        if isinstance(instance, StaffingInstance)
        else len(instance.referrals)
    )


JOB_EXAMPLE = examples.examples(
    {"kind": "placements", "instance": examples.PLACEMENTS, "options": {"time_limit_seconds": 60}},
    "A placement job",
)


@router.post(
    "", status_code=202, response_model=JobStatus, responses=responses(400, 401, 413, 422, 429)
)
def submit_job(  # noqa: PLR0917 (FastAPI injects each parameter)
    body: Annotated[JobRequest, Body(openapi_examples=JOB_EXAMPLE)],
    response: Response,
    owner: Caller,
    settings: SettingsDep,
    store: StoreDep,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JobStatus:
    """Queue a solve; answers 202 with the job's id and a Location header. With an
    Idempotency-Key, a retry returns the same job."""
    if body.kind != body.instance.kind:
        raise HTTPException(422, "kind_mismatch")
    check_instance(body.instance)
    if store.count("queued") >= settings.max_queued:
        raise HTTPException(429, "queue_full", headers={"Retry-After": "5"})
    options = settings.capped(SolveOptions(**body.options.model_dump()), sync=False)
    payload = json.dumps(
        {
            "instance": body.instance.model_dump(mode="json"),
            "options": options.model_dump(mode="json"),
        }
    )
    key = hashlib.sha256(idempotency_key.encode()).hexdigest() if idempotency_key else None
    limit = options.time_limit_seconds or settings.job_time_limit_seconds
    job, created = store.create(
        owner, body.kind, _size(body.instance), limit, payload=payload, idempotency_key=key
    )
    log.info(
        "job %s %s: kind %s, size %d",
        job.id,
        "queued" if created else "repeated",
        job.kind,
        job.size,
    )
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return status_of(job)


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
    """Status, progress while running, timings."""
    return status_of(_mine(store, job_id, owner))


@router.get(
    "/{job_id}/result",
    response_model=StaffingSolution | PlacementSolution,
    responses=responses(401, 404, 409),
)
def get_result(job_id: str, owner: Caller, store: StoreDep) -> JSONResponse:
    """The solution, once the job has one (409 while it runs, or if it failed or was cancelled)."""
    job = _mine(store, job_id, owner)
    if not job.terminal:
        raise HTTPException(409, "job_not_finished")
    result = store.result(job.id)
    if result is None:
        raise HTTPException(409, "job_has_no_result")
    return JSONResponse(json.loads(result))


@router.delete("/{job_id}", response_model=JobStatus, responses=responses(401, 404, 409))
def cancel_job(job_id: str, owner: Caller, store: StoreDep, runner: RunnerDep) -> JobStatus:
    """Cancel a queued or running job (a running solve is stopped)."""
    job = _mine(store, job_id, owner)
    if not runner.cancel(job.id):
        raise HTTPException(409, "job_already_finished")
    log.info("job %s cancelled", job.id)
    return status_of(_mine(store, job_id, owner))
