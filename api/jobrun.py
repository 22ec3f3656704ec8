"""The body of a worker process: for each job id it is sent, check that the store shows the job
dispatched to this process, solve it within the job's whole time limit, keep the best plan so far in
the store as the engine reports it, and write the result. A job cancelled meanwhile keeps its
`cancelled` status. Logs hold ids, counts and timings only.
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

from api.store import JobState, JobStore
from optimiser import (
    BackendError,
    InstanceError,
    OptimiserError,
    Progress,
    ProgressCallback,
    SolveOptions,
    parse_instance,
    solve,
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
    for line in orders:
        job_id = line.strip()
        if not job_id:
            continue
        if not store.mark_ready(job_id, os.getpid()):
            log.warning("job %s: not dispatched to process %d", job_id, os.getpid())
            continue
        run(store, job_id)


def solver_limit(job_limit: float | None, spent: float) -> float | None:
    """The engine's limit: what is left of the job's limit after `spent` seconds, less room
    for building, extraction and verification."""
    if job_limit is None:
        return None
    return max(MIN_SOLVER_SECONDS, (job_limit - spent) * SOLVER_SHARE - RESERVE_SECONDS)


def run(store: JobStore, job_id: str) -> None:
    """Run one job: parse its request, solve, and store the solution (or why it failed)."""
    began = time.monotonic()
    payload = store.payload(job_id)
    if payload is None:
        return
    data = json.loads(payload)
    try:
        instance = parse_instance(data["instance"])
        options = SolveOptions(**data["options"])
        limit = solver_limit(options.time_limit_seconds, time.monotonic() - began)
        options = options.model_copy(update={"time_limit_seconds": limit})
        solution = solve(instance, options, _reporter(store, job_id))
    except Exception as exc:
        _fail(store, job_id, exc)
        return
    store.finish(job_id, solution.status.value, result=solution.model_dump_json())
    log.info(
        "job %s finished: %s in %.2f s (solver limit %s s)",
        job_id,
        solution.status.value,
        time.monotonic() - began,
        "none" if limit is None else f"{limit:.2f}",
    )


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
