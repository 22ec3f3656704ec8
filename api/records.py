"""What the job store holds: job states (derived from the engine's SolveStatus), the row of a
job, and the SQLite schema with its in-place upgrade of older data folders."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from optimiser import SolveStatus


class JobState(StrEnum):
    """States a job has besides the engine's solve statuses."""

    QUEUED = "queued"
    RUNNING = "running"
    CANCELLED = "cancelled"
    FAILED = "failed"
    DONE = "done"  # a synchronous operation whose answer has no solve status (a shortlist)


class Origin(StrEnum):
    """Where a job came from: /v1/jobs, or a synchronous solve route (run by its own pool)."""

    JOB = "job"
    SYNC = "sync"


WITH_RESULT: frozenset[str] = frozenset(s.value for s in SolveStatus) | {JobState.DONE.value}
TERMINAL: frozenset[str] = WITH_RESULT | {JobState.CANCELLED.value, JobState.FAILED.value}
EVERY_STATUS: tuple[str, ...] = (
    JobState.QUEUED.value,
    JobState.RUNNING.value,
    *(s.value for s in SolveStatus),
    JobState.CANCELLED.value,
    JobState.FAILED.value,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    size INTEGER NOT NULL,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    time_limit REAL NOT NULL,
    payload TEXT,
    result TEXT,
    error_code TEXT,
    error TEXT,
    progress TEXT,
    idempotency_key TEXT,
    pid INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_idempotency ON jobs(owner, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, created);
CREATE INDEX IF NOT EXISTS jobs_owner ON jobs(owner, created);
CREATE TABLE IF NOT EXISTS idempotency (
    owner TEXT NOT NULL,
    key TEXT NOT NULL,
    body_hash TEXT,
    job_id TEXT,
    reserved REAL NOT NULL,
    PRIMARY KEY (owner, key)
);
CREATE TABLE IF NOT EXISTS workers (
    pgid INTEGER PRIMARY KEY,
    token TEXT NOT NULL,
    job_id TEXT,
    spawned REAL NOT NULL
);
"""

# Columns added since the first release: (name, declaration); added in place when missing.
ADDED = (
    ("origin", "TEXT NOT NULL DEFAULT 'job'"),
    ("ready", "REAL"),
    ("incumbent", "TEXT"),
    ("attempt_log", "TEXT"),
    ("problems", "TEXT"),
    ("interruptions", "INTEGER NOT NULL DEFAULT 0"),
)


def migrate(db: sqlite3.Connection) -> None:
    """Create the tables, and add the columns an older data folder lacks."""
    db.executescript(SCHEMA)
    have = {row[1] for row in db.execute("PRAGMA table_info(jobs)")}
    for name, declaration in ADDED:
        if name not in have:
            db.execute(f"ALTER TABLE jobs ADD COLUMN {name} {declaration}")
    db.execute("CREATE INDEX IF NOT EXISTS jobs_origin ON jobs(origin, status, created)")


@dataclass(frozen=True)
class Job:
    """A job's row without its payload, result or incumbent (those are read on demand)."""

    id: str
    owner: str
    kind: str
    status: str
    size: int
    created: float
    started: float | None
    finished: float | None
    time_limit: float
    error_code: str | None
    error: str | None
    progress: dict[str, Any] | None
    pid: int | None
    attempts: int
    ready: float | None = None
    attempt_log: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    origin: str = "job"
    has_incumbent: bool = False
    interruptions: int = 0  # runs ended by a server restart: they use none of its attempts

    @property
    def charged(self) -> int:
        """The attempts that count against the job's retries (runs a restart ended do not)."""
        return self.attempts - self.interruptions

    @property
    def terminal(self) -> bool:
        """Whether the job has ended (it will not change again)."""
        return self.status in TERMINAL

    @property
    def has_result(self) -> bool:
        """Whether the job ended with a solution status (and so has a result)."""
        return self.status in WITH_RESULT


COLUMNS = (
    "id, owner, kind, status, size, created, started, ready, finished, time_limit, error_code, "
    "error, progress, pid, attempts, attempt_log, problems, origin, "
    "incumbent IS NOT NULL AS has_incumbent, interruptions"
)


def job_of(row: sqlite3.Row) -> Job:
    """A job from its database row (JSON columns decoded)."""
    values = dict(row)
    for name in ("progress",):
        values[name] = json.loads(values[name]) if values[name] else None
    for name in ("attempt_log", "problems"):
        values[name] = json.loads(values[name]) if values[name] else []
    values["has_incumbent"] = bool(values["has_incumbent"])
    return Job(**values)
