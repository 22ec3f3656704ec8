"""Admission to the job store: idempotency keys and the queue limit, each decided in one
`BEGIN IMMEDIATE` write transaction, so that the limit and the keys hold under any burst."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from enum import StrEnum

from api.database import Database
from api.records import COLUMNS, Job, JobState, Origin, job_of

RESERVATION_SECONDS = 120.0  # an idempotency key left reserved by a crashed request is reused


class KeyState(StrEnum):
    """An idempotency key when a request arrives with it."""

    RESERVED = "reserved"  # new: this request holds it until its job is admitted or refused
    ACCEPTING = "accepting"  # another request with this key is still being accepted
    USED = "used"  # a job was admitted with it


@dataclass(frozen=True)
class Admission:
    """The outcome of a submission: the job, or None when the queue is full."""

    job: Job | None
    created: bool


class Admissions(Database):
    """Submissions: idempotency keys, and jobs admitted under the queue limit."""

    def reserve_key(self, owner: str, key: str) -> tuple[KeyState, str | None, str | None]:
        """Hold an idempotency key for this request: (state, job id, body hash of that job)."""
        now = time.time()
        with self._write() as db:
            row = db.execute(
                "SELECT job_id, body_hash, reserved FROM idempotency WHERE owner=? AND key=?",
                (owner, key),
            ).fetchone()
            if row is not None and row["job_id"] is not None:
                return KeyState.USED, row["job_id"], row["body_hash"]
            if row is not None and now - row["reserved"] < RESERVATION_SECONDS:
                return KeyState.ACCEPTING, None, None
            db.execute(
                "INSERT OR REPLACE INTO idempotency (owner, key, reserved) VALUES (?, ?, ?)",
                (owner, key, now),
            )
        return KeyState.RESERVED, None, None

    def release_key(self, owner: str, key: str) -> None:
        """Free an idempotency key whose job was never created."""
        with self._db() as db:
            db.execute(
                "DELETE FROM idempotency WHERE owner=? AND key=? AND job_id IS NULL", (owner, key)
            )

    def admit(
        self,
        owner: str,
        kind: str,
        size: int,
        time_limit: float,
        *,
        payload: str,
        max_queued: int | None = None,
        origin: Origin = Origin.JOB,
        key: str | None = None,
        body_hash: str | None = None,
    ) -> Admission:
        """Count the queued jobs of this origin and insert one more, in one transaction: the
        limit holds under any burst. A reserved idempotency key is bound to the new job."""
        job_id = uuid.uuid4().hex
        with self._write() as db:
            queued = db.execute(
                "SELECT COUNT(*) FROM jobs WHERE status=? AND origin=?",
                (JobState.QUEUED.value, origin.value),
            ).fetchone()[0]
            if max_queued is not None and queued >= max_queued:
                if key is not None:
                    db.execute(
                        "DELETE FROM idempotency WHERE owner=? AND key=? AND job_id IS NULL",
                        (owner, key),
                    )
                return Admission(None, False)
            db.execute(
                "INSERT INTO jobs (id, owner, kind, status, size, created, time_limit, payload, "
                "idempotency_key, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job_id,
                    owner,
                    kind,
                    JobState.QUEUED.value,
                    size,
                    time.time(),
                    time_limit,
                    payload,
                    key,
                    origin.value,
                ),
            )
            if key is not None:
                db.execute(
                    "UPDATE idempotency SET job_id=?, body_hash=? WHERE owner=? AND key=?",
                    (job_id, body_hash, owner, key),
                )
            row = db.execute(f"SELECT {COLUMNS} FROM jobs WHERE id=?", (job_id,)).fetchone()
        return Admission(job_of(row), True)
