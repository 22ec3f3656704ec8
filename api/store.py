"""The durable job store: SQLite in the data folder (no server to install).

Rows hold ids, kinds, statuses, sizes and timings; the instance (`payload`), the solution
(`result`) and the best plan so far (`incumbent`) are the only columns that may hold pupil
references, and all are deleted after the retention period. Each call opens its own
connection, so threads and processes share the file. Every decision that two callers could
race on (admission under the queue limit, an idempotency key, dispatching a job to a worker)
is one `BEGIN IMMEDIATE` write transaction.
"""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

from api.admission import Admission, Admissions, KeyState
from api.records import COLUMNS, TERMINAL, Job, JobState, Origin, job_of

__all__ = ["TERMINAL", "Admission", "Job", "JobState", "JobStore", "KeyState", "Origin"]


class JobStore(Admissions):
    """The jobs, their idempotency keys and their workers, in SQLite."""

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
        """Name a job as a scenario, with the job it was derived from."""
        with self._db() as db:
            db.execute("UPDATE jobs SET name=?, parent=? WHERE id=?", (name, parent, job_id))

    def scenarios(self, owner: str) -> dict[str, tuple[str | None, str | None]]:
        """Name and parent of each of the owner's jobs, by id."""
        with self._db() as db:
            rows = db.execute("SELECT id, name, parent FROM jobs WHERE owner=?", (owner,))
            return {row["id"]: (row["name"], row["parent"]) for row in rows}

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
        """Insert a queued job with no queue limit; with an idempotency key this owner already
        used, the existing job instead (and False)."""
        if idempotency_key is not None:
            _, job_id, _ = self.reserve_key(owner, idempotency_key)
            existing = self.get(job_id) if job_id else None
            if existing is not None:
                return existing, False
        admitted = self.admit(owner, kind, size, time_limit, payload=payload, key=idempotency_key)
        assert admitted.job is not None  # no limit was given
        return admitted.job, True

    # --- reading ---------------------------------------------------------------------------

    def get(self, job_id: str, owner: str | None = None) -> Job | None:
        """A job by id; with an owner, only that owner's jobs from /v1/jobs."""
        with self._db() as db:
            if owner is None:
                row = db.execute(f"SELECT {COLUMNS} FROM jobs WHERE id=?", (job_id,)).fetchone()
            else:
                row = db.execute(
                    f"SELECT {COLUMNS} FROM jobs WHERE id=? AND owner=? AND origin=?",
                    (job_id, owner, Origin.JOB.value),
                ).fetchone()
        return job_of(row) if row else None

    def page(self, owner: str, limit: int, offset: int) -> tuple[list[Job], int]:
        """One page of the owner's jobs (not sync solves), newest first, and how many there are."""
        where = "WHERE owner=? AND origin=?"
        with self._db() as db:
            rows = db.execute(
                f"SELECT {COLUMNS} FROM jobs {where} ORDER BY created DESC, id LIMIT ? OFFSET ?",
                (owner, Origin.JOB.value, limit, offset),
            ).fetchall()
            total = db.execute(
                f"SELECT COUNT(*) FROM jobs {where}", (owner, Origin.JOB.value)
            ).fetchone()[0]
        return [job_of(r) for r in rows], int(total)

    def count(self, status: str, origin: Origin | None = None) -> int:
        """How many jobs have this status (of one origin, if given)."""
        sql, args = "SELECT COUNT(*) FROM jobs WHERE status=?", [status]
        if origin is not None:
            sql, args = sql + " AND origin=?", [*args, origin.value]
        with self._db() as db:
            return int(db.execute(sql, args).fetchone()[0])

    def running(self) -> list[Job]:
        """The jobs now running."""
        with self._db() as db:
            rows = db.execute(
                f"SELECT {COLUMNS} FROM jobs WHERE status=?", (JobState.RUNNING.value,)
            ).fetchall()
        return [job_of(r) for r in rows]

    def _column(self, job_id: str, column: str) -> str | None:
        with self._db() as db:
            row = db.execute(f"SELECT {column} FROM jobs WHERE id=?", (job_id,)).fetchone()
        return row[column] if row else None

    def payload(self, job_id: str) -> str | None:
        """The job's submitted request, as JSON."""
        return self._column(job_id, "payload")

    def result(self, job_id: str) -> str | None:
        """The job's result, as JSON."""
        return self._column(job_id, "result")

    def incumbent(self, job_id: str) -> str | None:
        """The job's best plan so far, as JSON."""
        return self._column(job_id, "incumbent")

    # --- dispatch and workers --------------------------------------------------------------

    def next_queued(self, origin: Origin) -> str | None:
        """The oldest queued job of this origin, if any."""
        with self._db() as db:
            row = db.execute(
                "SELECT id FROM jobs WHERE status=? AND origin=? ORDER BY created, id LIMIT 1",
                (JobState.QUEUED.value, origin.value),
            ).fetchone()
        return str(row["id"]) if row else None

    def claim_next(self, origin: Origin = Origin.JOB) -> Job | None:
        """Move the oldest queued job to running without a worker (for tools and tests; the
        runner uses `dispatch`)."""
        job_id = self.next_queued(origin)
        with self._write() as db:
            done = db.execute(
                "UPDATE jobs SET status=?, started=?, attempts=attempts+1 WHERE id=? AND status=?",
                (JobState.RUNNING.value, time.time(), job_id, JobState.QUEUED.value),
            ).rowcount
        return self.get(job_id) if done and job_id else None

    def record_worker(self, pgid: int, token: str) -> None:
        """A worker process group just started (idle until a job is dispatched to it)."""
        with self._db() as db:
            db.execute(
                "INSERT OR REPLACE INTO workers (pgid, token, spawned) VALUES (?, ?, ?)",
                (pgid, token, time.time()),
            )

    def dispatch(self, job_id: str, pid: int) -> bool:
        """Mark a queued job running under the recorded worker `pid`, in one transaction with
        the worker's record. False if the job left the queue meanwhile."""
        now = time.time()
        with self._write() as db:
            done = db.execute(
                "UPDATE jobs SET status=?, started=?, ready=NULL, pid=?, attempts=attempts+1, "
                "progress=? WHERE id=? AND status=?",
                (
                    JobState.RUNNING.value,
                    now,
                    pid,
                    json.dumps({"phase": "starting"}),
                    job_id,
                    JobState.QUEUED.value,
                ),
            ).rowcount
            if done:
                db.execute("UPDATE workers SET job_id=? WHERE pgid=?", (job_id, pid))
        return done == 1

    def mark_ready(self, job_id: str, pid: int) -> bool:
        """The worker `pid` took the job, which is still its own: record when."""
        with self._db() as db:
            done = db.execute(
                "UPDATE jobs SET ready=?, progress=? WHERE id=? AND pid=? AND status=?",
                (
                    time.time(),
                    json.dumps({"phase": "solving"}),
                    job_id,
                    pid,
                    JobState.RUNNING.value,
                ),
            ).rowcount
        return done == 1

    def worker_groups(self) -> list[tuple[int, str]]:
        """Every process group the runner started and has not yet seen gone: (pgid, token)."""
        with self._db() as db:
            rows = db.execute("SELECT pgid, token FROM workers").fetchall()
        return [(int(r["pgid"]), str(r["token"])) for r in rows]

    def forget_worker(self, pgid: int) -> None:
        """Forget a worker process group that has ended."""
        with self._db() as db:
            db.execute("DELETE FROM workers WHERE pgid=?", (pgid,))

    # --- progress and endings ---------------------------------------------------------------

    def progress(self, job_id: str, progress: dict[str, Any], incumbent: str | None = None) -> None:
        """The latest progress, and the best plan so far when there is one."""
        sql = "UPDATE jobs SET progress=?" + (", incumbent=?" if incumbent is not None else "")
        args: list[Any] = [json.dumps(progress)]
        if incumbent is not None:
            args.append(incumbent)
        with self._db() as db:
            db.execute(f"{sql} WHERE id=? AND status=?", (*args, job_id, JobState.RUNNING.value))

    def finish(
        self,
        job_id: str,
        status: str,
        *,
        result: str | None = None,
        error_code: str | None = None,
        error: str | None = None,
        problems: list[dict[str, Any]] | None = None,
        only_from: tuple[str, ...] = (JobState.RUNNING.value,),
        note: str | None = None,
    ) -> bool:
        """Set a terminal status unless the job already left `only_from` (say, cancelled).
        A failure ends the attempt, whose reason is logged with the job."""
        marks = ",".join("?" * len(only_from))
        with self._write() as db:
            done = db.execute(
                "UPDATE jobs SET status=?, result=?, error_code=?, error=?, problems=?, "
                f"finished=?, pid=NULL, incumbent=NULL WHERE id=? AND status IN ({marks})",
                (
                    status,
                    result,
                    error_code,
                    error,
                    json.dumps(problems) if problems else None,
                    time.time(),
                    job_id,
                    *only_from,
                ),
            ).rowcount
            if done and (note or error_code):
                _log_attempt(db, job_id, note or error_code or "")
        return done == 1

    def requeue(self, job_id: str, note: str, *, interrupted: bool = False) -> bool:
        """Back to the queue for another attempt; `note` (the reason) is logged with the job.
        An `interrupted` run (the server stopped or restarted under it) is counted apart, and
        uses none of the job's attempts."""
        with self._write() as db:
            done = db.execute(
                "UPDATE jobs SET status=?, started=NULL, ready=NULL, pid=NULL, incumbent=NULL, "
                "progress=?, interruptions=interruptions+? WHERE id=? AND status=?",
                (
                    JobState.QUEUED.value,
                    json.dumps({"phase": "queued", "note": note}),
                    int(interrupted),
                    job_id,
                    JobState.RUNNING.value,
                ),
            ).rowcount
            if done:
                _log_attempt(db, job_id, note)
        return done == 1

    def drop_sync(self) -> int:
        """Delete every synchronous solve (on start: nobody waits for them any more)."""
        with self._db() as db:
            return int(db.execute("DELETE FROM jobs WHERE origin=?", (Origin.SYNC.value,)).rowcount)

    def delete(self, job_id: str) -> None:
        """Remove a job and everything it holds (a synchronous solve, once answered)."""
        with self._db() as db:
            db.execute("DELETE FROM jobs WHERE id=?", (job_id,))

    def purge(self, older_than_days: float) -> int:
        """Delete finished jobs (their payloads and results with them) past retention."""
        cutoff = time.time() - older_than_days * 86400
        with self._write() as db:
            purged = db.execute(
                "DELETE FROM jobs WHERE finished IS NOT NULL AND finished < ?", (cutoff,)
            ).rowcount
            db.execute(
                "DELETE FROM idempotency WHERE job_id IS NOT NULL "
                "AND job_id NOT IN (SELECT id FROM jobs)"
            )
        return int(purged)


def _log_attempt(db: sqlite3.Connection, job_id: str, reason: str) -> None:
    row = db.execute("SELECT attempts, attempt_log FROM jobs WHERE id=?", (job_id,)).fetchone()
    log = json.loads(row["attempt_log"]) if row["attempt_log"] else []
    log.append({"attempt": int(row["attempts"]), "ended": reason, "at": time.time()})
    db.execute("UPDATE jobs SET attempt_log=? WHERE id=?", (json.dumps(log), job_id))
