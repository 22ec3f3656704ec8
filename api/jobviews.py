"""What the API shows of a job: its status with ISO 8601 timestamps and measured timings.
Statuses come from the store's vocabulary (the engine's SolveStatus plus job states)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from api.problems import FieldError
from api.records import EVERY_STATUS
from api.store import Job, JobState


class JobError(BaseModel):
    """Why a job failed: a stable code, a sentence, and any field problems."""

    code: str
    message: str
    errors: list[FieldError] = Field(
        default_factory=list, description="For an invalid instance: every problem, by field path."
    )


class Attempt(BaseModel):
    """One attempt at a job and why it ended."""

    attempt: int
    ended: str = Field(description="Why the attempt ended (a stable code and a sentence).")
    at: datetime


class JobStatus(BaseModel):
    """A job's state as the API reports it."""

    id: str
    kind: str
    status: str = Field(
        description="queued, running, a solution status, cancelled or failed.",
        json_schema_extra={"enum": list(EVERY_STATUS)},
    )
    size: int = Field(description="Referrals or functions in the instance.")
    created: datetime
    started: datetime | None = Field(description="When a worker was dispatched.")
    finished: datetime | None
    startup_seconds: float | None = Field(
        description="Measured worker start-up: from dispatch until the worker was ready."
    )
    elapsed_seconds: float | None = Field(description="From dispatch to now, or to the end.")
    time_limit_seconds: float
    progress: dict[str, Any] | None = Field(
        description="While running: the phase; best objective and bound where the solver "
        "gives them."
    )
    error: JobError | None
    attempts: list[Attempt] = Field(description="Earlier attempts and why each ended.")
    result: str | None = Field(description="Where the result is, once there is one.")


def iso(stamp: float | None) -> datetime | None:
    """A Unix timestamp as a UTC datetime (None stays None)."""
    return None if stamp is None else datetime.fromtimestamp(stamp, tz=UTC)


def status_of(job: Job) -> JobStatus:
    """The API's view of a stored job."""
    end = job.finished or time.time()
    return JobStatus(
        id=job.id,
        kind=job.kind,
        status=job.status,
        size=job.size,
        created=datetime.fromtimestamp(job.created, tz=UTC),
        started=iso(job.started),
        finished=iso(job.finished),
        startup_seconds=None
        if job.ready is None or job.started is None
        else round(job.ready - job.started, 3),
        elapsed_seconds=None if job.started is None else round(end - job.started, 3),
        time_limit_seconds=job.time_limit,
        progress=job.progress if job.status == JobState.RUNNING else None,
        error=_error(job),
        attempts=[
            Attempt(attempt=a["attempt"], ended=a["ended"], at=datetime.fromtimestamp(a["at"], UTC))
            for a in job.attempt_log
        ],
        result=f"/v1/jobs/{job.id}/result" if job.has_result else None,
    )


def _error(job: Job) -> JobError | None:
    if not job.error_code:
        return None
    errors = [FieldError(**p) for p in job.problems]
    return JobError(code=job.error_code, message=job.error or "", errors=errors)
