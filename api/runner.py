"""Runs queued jobs in two pools of worker processes bounded by configuration: one for /v1/jobs, one
for synchronous solves. The API process never solves.

A dispatcher thread keeps each pool's worker processes started (each in its own process group,
recorded in the store as it starts, the engine loaded while it waits), dispatches queued jobs to
idle workers, reaps them, and is the watchdog. Dispatching marks the job running under the worker's
pid in one store transaction, and only then sends the worker the job id; a worker runs one job at a
time (and is replaced after a configured number), and dies with the server (see api.worker), so no
worker runs a job the store does not show. A job's limit is the whole job: it is stopped at the
worker's start + limit × 1.05 + grace, and then ends `feasible` with the best plan the worker
stored, or `failed` when it had none. On start, every recorded process group still alive is killed
(each process checked to be ours), and jobs left running are re-queued up to the configured
attempts, each attempt's reason kept with the job.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from api.groups import group_alive, kill_group, kill_ours
from api.marks import MARK, STORE_MARK, THREADS_MARK
from api.settings import Settings
from api.store import Job, JobState, JobStore, Origin
from optimiser import SolveStatus

log = logging.getLogger("api.runner")

TICK_SECONDS = 0.02
PURGE_EVERY_SECONDS = 3600.0
OVERRUN_SHARE = 1.05
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Child:
    """A worker process: idle (no job yet) or running one job."""

    process: subprocess.Popen[str]
    origin: Origin
    job_id: str | None = None
    jobs: int = 0
    retiring: bool = False  # its input is closed: it exits, and is replaced once reaped


class Runner:
    """Dispatches queued jobs to worker processes and watches them."""

    def __init__(self, settings: Settings, store: JobStore) -> None:
        self.settings = settings
        self.store = store
        self.children: list[Child] = []
        self.pools = {Origin.JOB: settings.workers, Origin.SYNC: settings.sync_workers}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="job-runner", daemon=True)
        self._last_purge = 0.0

    @property
    def alive(self) -> bool:
        """Whether the dispatch thread is running."""
        return self._thread.is_alive()

    def start(self) -> None:
        """Recover jobs left running by an earlier server, then start dispatching."""
        self.recover()
        self._thread.start()

    def stop(self) -> None:
        """Stop dispatching; running jobs are killed and re-queued for the next start
        (synchronous solves fail: their callers are gone)."""
        self._stop.set()
        self._thread.join(timeout=5)
        with self._lock:
            for child in self.children:
                self._kill(child)
                if child.job_id is None:
                    continue
                job = self.store.get(child.job_id)
                if job is not None and job.status == JobState.RUNNING:
                    reason = "the server stopped while it ran"
                    self._retry_or_fail(job, "interrupted", reason, interrupted=True)
            self.children.clear()

    def recover(self) -> None:
        """After a crash: kill every recorded worker group still alive, then re-queue the jobs
        left running (or fail them once their attempts are spent)."""
        for pgid, token in self.store.worker_groups():
            killed = kill_ours(pgid, token)
            if killed:
                log.warning("killed %d leftover process(es) of process group %d", killed, pgid)
            self.store.forget_worker(pgid)
        dropped = self.store.drop_sync()  # their callers went with the old server
        if dropped:
            log.warning("dropped %d synchronous solves of the previous server", dropped)
        for job in self.store.running():
            reason = "the server restarted while it ran"
            self._retry_or_fail(job, "interrupted", reason, interrupted=True)

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; a running solve is stopped. False if already done."""
        with self._lock:
            done = self.store.finish(
                job_id,
                JobState.CANCELLED,
                error_code="cancelled",
                error="cancelled by the caller",
                only_from=(JobState.QUEUED.value, JobState.RUNNING.value),
            )
            for child in [c for c in self.children if c.job_id == job_id and done]:
                self.children.remove(child)
                self._kill(child)
        return done

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self._tick()
            except Exception:  # keep the runner alive; the cause is logged without data
                log.exception("runner tick failed")
            self._stop.wait(TICK_SECONDS)

    def _tick(self) -> None:
        with self._lock:
            self._reap()
            self._watchdog()
            for origin, size in self.pools.items():
                self._dispatch(origin, size)
        if time.time() - self._last_purge > PURGE_EVERY_SECONDS:
            self._last_purge = time.time()
            purged = self.store.purge(self.settings.retention_days)
            if purged:
                log.info("purged %d jobs past retention", purged)

    def _dispatch(self, origin: Origin, size: int) -> None:
        """Give queued jobs to idle workers, starting workers up to the pool's size (all of
        them at once when standby workers are configured, else as jobs arrive)."""
        while True:
            pool = [c for c in self.children if c.origin is origin]
            idle = next((c for c in pool if c.job_id is None and not c.retiring), None)
            job_id = self.store.next_queued(origin)
            if idle is None and len(pool) < size and (job_id or self.settings.standby_workers):
                idle = self._spawn(origin)
            if idle is None or job_id is None:
                return
            if self.store.dispatch(job_id, idle.process.pid):
                idle.job_id = job_id
                idle.jobs += 1
                self._order(idle, job_id)

    def _spawn(self, origin: Origin) -> Child:
        """Start an idle worker and record its process group."""
        token = uuid.uuid4().hex
        env = {**os.environ, MARK: token, STORE_MARK: str(self.store.path)}
        env.pop(THREADS_MARK, None)
        if self.settings.solver_threads is not None:
            env[THREADS_MARK] = str(self.settings.solver_threads)
        process = subprocess.Popen(
            [sys.executable, "-m", "api.worker", str(self.store.path), str(os.getpid()), token],
            start_new_session=True,  # its own process group, killed whole by the watchdog
            stdin=subprocess.PIPE,
            text=True,
            cwd=str(ROOT),
            env=env,
        )
        self.store.record_worker(process.pid, token)
        child = Child(process, origin)
        self.children.append(child)
        return child

    def _order(self, child: Child, job_id: str) -> None:
        """Send the worker its job (after the store recorded the dispatch)."""
        assert child.process.stdin is not None
        with contextlib.suppress(OSError, ValueError):  # a dead worker is reaped next tick
            child.process.stdin.write(job_id + "\n")
            child.process.stdin.flush()
        log.info("job %s dispatched to process %d", job_id, child.process.pid)

    def _release(self, child: Child, job: Job | None) -> None:
        """The worker finished its job: idle again, or told to exit once it ran its share."""
        if job is not None:
            _log_end(job)
        child.job_id = None
        if child.jobs >= self.settings.jobs_per_worker and child.process.stdin is not None:
            child.retiring = True
            with contextlib.suppress(OSError):
                child.process.stdin.close()  # it exits; a later tick reaps it

    def _kill(self, child: Child) -> None:
        """Kill the worker's group, wait for it, and forget the group once it is gone."""
        kill_group(child.process.pid)
        child.process.wait(timeout=10)
        if child.process.stdin is not None:
            with contextlib.suppress(OSError):
                child.process.stdin.close()
        if not group_alive(child.process.pid):
            self.store.forget_worker(child.process.pid)

    def _reap(self) -> None:
        for child in [c for c in self.children if c.process.poll() is not None]:
            self.children.remove(child)
            self._kill(child)  # anything it left behind
            job = self.store.get(child.job_id) if child.job_id else None
            if job is not None and job.status == JobState.RUNNING:
                code = child.process.returncode
                reason = f"the solver process ended unexpectedly (exit code {code})"
                self._retry_or_fail(job, "worker_died", reason)

    def _retry_or_fail(
        self, job: Job, code: str, reason: str, *, interrupted: bool = False
    ) -> None:
        """Re-queue a job whose run ended without its fault, or fail it once its budget is
        spent. A run the server ended (`interrupted`: a restart, a stop, a worker that did not
        start) uses none of the job's attempts; such runs have a bound of their own, so that a
        job that itself brings the server down cannot loop forever."""
        settings = self.settings
        if interrupted:
            again = job.interruptions < settings.max_interruptions
            if not again:
                reason += f" ({job.interruptions + 1} runs ended this way)"
        else:
            again = job.charged < settings.max_attempts
        if again and job.origin == Origin.JOB:
            if self.store.requeue(job.id, f"{code}: {reason}", interrupted=interrupted):
                log.warning("job %s re-queued (%s)", job.id, code)
        elif self.store.finish(
            job.id, JobState.FAILED, error_code=code, error=reason, note=f"{code}: {reason}"
        ):
            log.warning("job %s failed (%s)", job.id, code)

    def _watchdog(self) -> None:
        now = time.time()
        for child in [c for c in self.children if c.job_id is not None]:
            job = self.store.get(child.job_id or "")
            if job is None or job.terminal or job.pid != child.process.pid:
                self._release(child, job)
                continue
            if job.status != JobState.RUNNING or job.started is None:
                continue
            if job.ready is None:
                if now - job.started > self.settings.start_timeout_seconds:
                    self.children.remove(child)
                    self._kill(child)
                    reason = "the worker did not start in time"
                    self._retry_or_fail(job, "worker_start", reason, interrupted=True)
                continue
            if now <= self.deadline(job):
                continue
            self.children.remove(child)
            self._kill(child)
            self._stop_at_limit(job)

    def deadline(self, job: Job) -> float:
        """When the watchdog stops a running job (its worker is up: `ready` is set)."""
        assert job.ready is not None
        grace = self.settings.watchdog_grace_seconds
        return job.ready + job.time_limit * OVERRUN_SHARE + grace

    def _stop_at_limit(self, job: Job) -> None:
        """A job past its limit ends `feasible` with its best stored plan, else `failed`."""
        incumbent = self.store.incumbent(job.id) if job.has_incumbent else None
        if incumbent is not None:
            self.store.finish(
                job.id, SolveStatus.FEASIBLE, result=incumbent, note="stopped at its limit"
            )
            log.warning("job %s stopped at its limit with its best plan", job.id)
            return
        self.store.finish(
            job.id,
            JobState.FAILED,
            error_code="watchdog",
            error="stopped at its time limit before any plan was found",
        )
        log.warning("job %s stopped by the watchdog with no plan", job.id)


def _log_end(job: Job) -> None:
    """A job's end: id, kind, size, status and timings (queued, start-up, running)."""
    if job.started is None or job.finished is None:
        return
    startup = (job.ready or job.finished) - job.started
    log.info(
        "job %s ended %s: kind %s, size %d, queued %.2f s, start-up %.2f s, ran %.2f s "
        "of a %g s limit",
        job.id,
        job.status,
        job.kind,
        job.size,
        job.started - job.created,
        startup,
        job.finished - job.started - startup,
        job.time_limit,
    )
