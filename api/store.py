"""The durable job store: SQLite in the data folder (no server to install).

Rows hold ids, kinds, statuses, sizes and timings; the instance (`payload`) and the solution
(`result`) are the only columns that may hold pupil references, and both are deleted after
the retention period. Each call opens its own connection, so threads and processes share it.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TERMINAL = ("optimal", "feasible", "infeasible", "unbounded", "no_solution", "cancelled", "failed")

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
"""


@dataclass(frozen=True)
class Job:
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

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL


_COLUMNS = (
    "id, owner, kind, status, size, created, started, finished, time_limit, error_code, "
    "error, progress, pid, attempts"
)


def _job(row: sqlite3.Row) -> Job:
    values = dict(row)
    values["progress"] = json.loads(values["progress"]) if values["progress"] else None
    return Job(**values)


class JobStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            yield db
        finally:
            db.close()

    def migrate_scenarios(self) -> None:
        """The planner's scenario columns (a name; the run it was re-planned from), added to a
        store made before them. Typed by a person, so deleted with the row like a payload."""
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            have = {row["name"] for row in db.execute("PRAGMA table_info(jobs)")}
            for column in ("name", "parent"):
                if column not in have:
                    db.execute(f"ALTER TABLE jobs ADD COLUMN {column} TEXT")
            db.execute("COMMIT")

    def set_scenario(self, job_id: str, name: str, parent: str | None) -> None:
        with self._db() as db:
            db.execute("UPDATE jobs SET name=?, parent=? WHERE id=?", (name, parent, job_id))

    def scenarios(self, owner: str) -> dict[str, tuple[str | None, str | None]]:
        """Name and parent of each of the owner's jobs, by id."""
        with self._db() as db:
            rows = db.execute("SELECT id, name, parent FROM jobs WHERE owner=?", (owner,))
            return {row["id"]: (row["name"], row["parent"]) for row in rows}

    def ping(self) -> bool:
        with self._db() as db:
            return bool(db.execute("SELECT 1").fetchone()[0] == 1)

    def create(
        self,
        owner: str,
        kind: str,
        size: int,
        time_limit: float,
        *,
        payload: str,
        idempotency_key: str | None,
    ) -> tuple[Job, bool]:
        """Insert a queued job; with an idempotency key already used by this owner, return the
        existing job instead (and False)."""
        with self._db() as db:
            if idempotency_key is not None:
                row = db.execute(
                    f"SELECT {_COLUMNS} FROM jobs WHERE owner=? AND idempotency_key=?",
                    (owner, idempotency_key),
                ).fetchone()
                if row is not None:
                    return _job(row), False
            job_id = uuid.uuid4().hex
            db.execute(
                "INSERT INTO jobs (id, owner, kind, status, size, created, time_limit, payload, "
                "idempotency_key) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)",
                (job_id, owner, kind, size, time.time(), time_limit, payload, idempotency_key),
            )
            row = db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id=?", (job_id,)).fetchone()
            return _job(row), True

    def get(self, job_id: str, owner: str | None = None) -> Job | None:
        with self._db() as db:
            if owner is None:
                row = db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id=?", (job_id,)).fetchone()
            else:
                row = db.execute(
                    f"SELECT {_COLUMNS} FROM jobs WHERE id=? AND owner=?", (job_id, owner)
                ).fetchone()
        return _job(row) if row else None

    def page(self, owner: str, limit: int, offset: int) -> tuple[list[Job], int]:
        with self._db() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM jobs WHERE owner=? "
                "ORDER BY created DESC, id LIMIT ? OFFSET ?",
                (owner, limit, offset),
            ).fetchall()
            total = db.execute("SELECT COUNT(*) FROM jobs WHERE owner=?", (owner,)).fetchone()[0]
        return [_job(r) for r in rows], int(total)

    def count(self, status: str) -> int:
        with self._db() as db:
            return int(
                db.execute("SELECT COUNT(*) FROM jobs WHERE status=?", (status,)).fetchone()[0]
            )

    def running(self) -> list[Job]:
        with self._db() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE status='running'").fetchall()
        return [_job(r) for r in rows]

    def claim_next(self) -> Job | None:
        """Move the oldest queued job to running (atomically) and return it."""
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT id FROM jobs WHERE status='queued' ORDER BY created, id LIMIT 1"
            ).fetchone()
            if row is None:
                db.execute("COMMIT")
                return None
            db.execute(
                "UPDATE jobs SET status='running', started=?, attempts=attempts+1, "
                "progress=? WHERE id=?",
                (time.time(), json.dumps({"phase": "starting"}), row["id"]),
            )
            db.execute("COMMIT")
        return self.get(row["id"])

    def set_pid(self, job_id: str, pid: int) -> None:
        with self._db() as db:
            db.execute("UPDATE jobs SET pid=? WHERE id=?", (pid, job_id))

    def payload(self, job_id: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT payload FROM jobs WHERE id=?", (job_id,)).fetchone()
        return row["payload"] if row else None

    def result(self, job_id: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT result FROM jobs WHERE id=?", (job_id,)).fetchone()
        return row["result"] if row else None

    def progress(self, job_id: str, progress: dict[str, Any]) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE jobs SET progress=? WHERE id=? AND status='running'",
                (json.dumps(progress), job_id),
            )

    def finish(
        self,
        job_id: str,
        status: str,
        *,
        result: str | None = None,
        error_code: str | None = None,
        error: str | None = None,
        only_from: tuple[str, ...] = ("running",),
    ) -> bool:
        """Set a terminal status unless the job already left `only_from` (say, cancelled)."""
        marks = ",".join("?" * len(only_from))
        with self._db() as db:
            done = db.execute(
                f"UPDATE jobs SET status=?, result=?, error_code=?, error=?, finished=?, pid=NULL "
                f"WHERE id=? AND status IN ({marks})",
                (status, result, error_code, error, time.time(), job_id, *only_from),
            )
            return done.rowcount == 1

    def requeue(self, job_id: str, note: str) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE jobs SET status='queued', started=NULL, pid=NULL, progress=? "
                "WHERE id=? AND status='running'",
                (json.dumps({"phase": "queued", "note": note}), job_id),
            )

    def purge(self, older_than_days: float) -> int:
        """Delete finished jobs (their payloads and results with them) past retention."""
        cutoff = time.time() - older_than_days * 86400
        with self._db() as db:
            return db.execute(
                "DELETE FROM jobs WHERE finished IS NOT NULL AND finished < ?", (cutoff,)
            ).rowcount
