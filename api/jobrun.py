"""The body of a worker process: for each job id it is sent, check that the store shows the job
dispatched to this process, run it within the job's whole time limit (a solve, or a synchronous
commissioning operation: a shortlist, a re-plan), keep the best plan so far in the store as the
engine reports it, and write the result. A placement solve keeps the plan that always exists
(every referral unplaced) as its first incumbent, so that the watchdog always has a plan to end
it with. A job cancelled meanwhile keeps its `cancelled` status. Every solve of the process uses
the thread count fixed when it started (HiGHS's thread pool is one per process and cannot be
resized). Logs hold ids, counts and timings only.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os
import time
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel

from api.marks import THREADS_MARK
from api.operations import OPERATIONS
from api.store import JobState, JobStore
from optimiser import (
    BackendError,
    InstanceError,
    OptimiserError,
    PlacementInstance,
    Progress,
    ProgressCallback,
    SolveOptions,
    StaffingInstance,
    parse_instance,
    solve,
    unplaced_fallback,
)

log = logging.getLogger("api.worker")
PROGRESS_EVERY_SECONDS = 0.5
# The engine's time limit bounds its solver; the job's limit also covers reading the payload,
# building the model, extracting and verifying the plan. The solver gets this share of what is
# left once the instance is read, less a fixed reserve.
SOLVER_SHARE = 0.75
RESERVE_SECONDS = 0.25
MIN_SOLVER_SECONDS = 0.1


def serve(db: str, orders: TextIO) -> None:
    """Run the jobs whose ids arrive on `orders`, one after another, each only once the store
    shows it dispatched to this process. End of input ends the worker."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # This process is already the supervised child of a solve: the runner's watchdog holds the
    # job's whole limit and the incumbents are stored as they arrive. Marked daemonic, it
    # solves in-process (the engine starts no supervisor child of its own inside a daemon),
    # so nothing it starts can outlive it.
    mp.current_process().daemon = True
    store = JobStore(Path(db))
    threads = pinned_threads()
    for line in orders:
        job_id = line.strip()
        if not job_id:
            continue
        if not store.mark_ready(job_id, os.getpid()):
            log.warning("job %s: not dispatched to process %d", job_id, os.getpid())
            continue
        run(store, job_id, threads)


def solver_limit(job_limit: float | None, spent: float) -> float | None:
    """The engine's limit: what is left of the job's limit after `spent` seconds, less room
    for building, extraction and verification."""
    if job_limit is None:
        return None
    return max(MIN_SOLVER_SECONDS, (job_limit - spent) * SOLVER_SHARE - RESERVE_SECONDS)


def pinned_threads() -> int | None:
    """The thread count the server fixed for this worker process (None: the solvers' own)."""
    value = os.environ.get(THREADS_MARK, "")
    return int(value) if value.isdigit() else None


def run(store: JobStore, job_id: str, threads: int | None = None) -> None:
    """Run one job: read its request, run it, and store the answer (or why it failed)."""
    began = time.monotonic()
    payload = store.payload(job_id)
    if payload is None:
        return
    data = json.loads(payload)
    options = SolveOptions()
    try:
        options = SolveOptions(**data["options"])
        result = _perform(store, job_id, data, _pinned(options, threads), began)
    except Exception as exc:
        _fail(store, job_id, exc)
        return
    result = _noted(result, options.threads, threads)
    status = getattr(result, "status", JobState.DONE)
    store.finish(job_id, str(status), result=result.model_dump_json())
    log.info(
        "job %s finished: %s in %.2f s (limit %s s)",
        job_id,
        status,
        time.monotonic() - began,
        options.time_limit_seconds or "none",
    )


def _pinned(options: SolveOptions, threads: int | None) -> SolveOptions:
    return options.model_copy(update={"threads": threads})


def _perform(
    store: JobStore, job_id: str, data: dict[str, Any], options: SolveOptions, began: float
) -> BaseModel:
    """A solve (kept best plans reported to the store as they arrive) or an operation."""

    def within(read: SolveOptions) -> SolveOptions:
        spent = time.monotonic() - began
        limit = solver_limit(read.time_limit_seconds, spent)
        return read.model_copy(update={"time_limit_seconds": limit})

    operation = data.get("operation", "solve")
    if operation != "solve":
        chosen = OPERATIONS[operation]
        body = chosen.body.model_validate(data["body"])
        if chosen.instance is None:
            assert chosen.run is not None  # an operation either runs or makes an instance
            return chosen.run(body, within(options))
        instance: StaffingInstance | PlacementInstance = chosen.instance(body)  # a re-plan
    else:
        instance = parse_instance(data["instance"])
    if isinstance(instance, PlacementInstance) and options.time_limit_seconds is not None:
        fallback = unplaced_fallback(instance).model_dump_json()
        store.progress(job_id, {"phase": "solving"}, fallback)
    return solve(instance, within(options), _reporter(store, job_id))


def _noted(result: BaseModel, asked: int | None, threads: int | None) -> BaseModel:
    """A solution whose request asked for another thread count says which it used."""
    stats = getattr(result, "statistics", None)
    if asked is None or asked == threads or not isinstance(stats, BaseModel):
        return result
    used = "the solvers' default" if threads is None else str(threads)
    note = f"threads: {used} (fixed for this server's worker processes), not the {asked} asked for"
    notes = [*getattr(stats, "notes", []), note]
    return result.model_copy(update={"statistics": stats.model_copy(update={"notes": notes})})


def _fail(store: JobStore, job_id: str, exc: Exception) -> None:
    """The job fails with the error's code and a message that repeats no submitted value."""
    problems: list[dict[str, Any]] | None = None
    if isinstance(exc, InstanceError):
        problems = [
            {"path": p.path, "message": p.message, "ids": list(p.ids)} for p in exc.problems
        ]
        message = f"{len(exc.problems)} input problem(s)"
    elif isinstance(exc, BackendError):
        message = "the solver failed; the request was valid"
    elif isinstance(exc, OptimiserError):
        message = str(exc)
    else:  # a bug: its type only
        log.exception("job %s failed with %s", job_id, type(exc).__name__)
        store.finish(job_id, JobState.FAILED, error_code="internal_error", error=type(exc).__name__)
        return
    store.finish(job_id, JobState.FAILED, error_code=exc.code, error=message, problems=problems)
    log.info("job %s failed: %s", job_id, exc.code)


def _reporter(store: JobStore, job_id: str) -> ProgressCallback:
    """Write the solver's best objective and bound at most twice a second, and every plan the
    engine reports (an incumbent) as soon as it arrives."""
    last = [0.0]

    def report(p: Progress) -> None:
        now = time.monotonic()
        plan = p.incumbent  # a whole verified plan (status feasible), when the engine has one
        incumbent = plan.model_dump_json() if isinstance(plan, BaseModel) else None
        if incumbent is None and now - last[0] < PROGRESS_EVERY_SECONDS:
            return
        last[0] = now
        progress = {
            "phase": "solving",
            "best_objective": p.best_objective,
            "bound": p.bound,
            "gap": p.gap,
        }
        store.progress(job_id, progress, incumbent)

    return report
