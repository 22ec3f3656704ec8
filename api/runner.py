"""Runs queued jobs, each in its own process group, in a pool bounded by configuration.

A dispatcher thread starts workers, reaps them, and is the watchdog: a solve that overruns its
time limit by more than the grace period has its whole process group killed (CBC runs as a
child of the worker). On start, jobs left `running` by a crash are re-queued once, then failed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from api.settings import Settings
from api.store import JobStore

log = logging.getLogger("api.runner")

MAX_ATTEMPTS = 2
TICK_SECONDS = 0.05
PURGE_EVERY_SECONDS = 3600.0


def kill_group(pid: int, sig: int = signal.SIGKILL) -> None:
    """Signal a worker's whole process group (its pid is its group id)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running (zombies, dead but not yet reaped
    by their parent, do not count)."""
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields: state, ppid, pgrp, ...
            return True
    return False


class Runner:
    def __init__(self, settings: Settings, store: JobStore) -> None:
        self.settings = settings
        self.store = store
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="job-runner", daemon=True)
        self._last_purge = 0.0

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> None:
        self.recover()
        self._thread.start()

    def stop(self) -> None:
        """Stop dispatching; running solves are killed and re-queued for the next start."""
        self._stop.set()
        self._thread.join(timeout=5)
        with self._lock:
            for job_id, child in list(self.children.items()):
                kill_group(child.pid)
                child.wait(timeout=5)
                self.store.requeue(job_id, "the server stopped while it ran")
            self.children.clear()

    def recover(self) -> None:
        """Jobs left running by a crash: kill any survivor, then re-queue once or fail."""
        for job in self.store.running():
            if job.pid is not None and _is_our_worker(job.pid, job.id):
                kill_group(job.pid)
            if job.attempts < MAX_ATTEMPTS:
                self.store.requeue(job.id, "re-queued after a server restart")
                log.info("job %s re-queued after restart", job.id)
            else:
                self.store.finish(
                    job.id,
                    "failed",
                    error_code="interrupted",
                    error="the server restarted while it ran, twice",
                )

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job; a running solve is stopped. False if already done."""
        with self._lock:
            done = self.store.finish(
                job_id,
                "cancelled",
                error_code="cancelled",
                error="cancelled by the caller",
                only_from=("queued", "running"),
            )
            child = self.children.pop(job_id, None)
        if child is not None:
            kill_group(child.pid)
            child.wait(timeout=10)
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
            while len(self.children) < self.settings.workers:
                job = self.store.claim_next()
                if job is None:
                    break
                self._spawn(job.id)
        if time.time() - self._last_purge > PURGE_EVERY_SECONDS:
            self._last_purge = time.time()
            purged = self.store.purge(self.settings.retention_days)
            if purged:
                log.info("purged %d jobs past retention", purged)

    def _spawn(self, job_id: str) -> None:
        child = subprocess.Popen(
            [sys.executable, "-m", "api.worker", str(self.store.path), job_id],
            start_new_session=True,  # its own process group, killed whole by the watchdog
            stdin=subprocess.DEVNULL,
            cwd=str(Path(__file__).resolve().parent.parent),
        )
        self.children[job_id] = child
        self.store.set_pid(job_id, child.pid)
        log.info("job %s started in process %d", job_id, child.pid)

    def _reap(self) -> None:
        for job_id, child in list(self.children.items()):
            code = child.poll()
            if code is None:
                continue
            del self.children[job_id]
            kill_group(child.pid)  # anything it left behind
            if self.store.finish(
                job_id,
                "failed",
                error_code="worker_died",
                error=f"the solver process ended unexpectedly (exit code {code})",
            ):
                log.warning("job %s: worker ended with exit code %d", job_id, code)

    def _watchdog(self) -> None:
        now = time.time()
        grace = self.settings.watchdog_grace_seconds
        for job in self.store.running():
            child = self.children.get(job.id)
            if child is None or job.started is None or now - job.started <= job.time_limit + grace:
                continue
            kill_group(child.pid)
            child.wait(timeout=10)
            del self.children[job.id]
            self.store.finish(
                job.id,
                "failed",
                error_code="watchdog",
                error=f"stopped: ran more than {grace:g} s past its time limit",
            )
            log.warning("job %s stopped by the watchdog", job.id)


def _is_our_worker(pid: int, job_id: str) -> bool:
    """Whether `pid` is still a worker of this job (a recycled pid must not be killed)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"api.worker" in cmdline and job_id.encode() in cmdline
