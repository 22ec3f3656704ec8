"""One solve job in its own process (and process group): `python -m api.worker DB JOB_ID`.

It reads the job's payload from the store, solves it with optimiser, and writes the result.
A job that was cancelled meanwhile keeps its `cancelled` status. Logs hold ids and counts only.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

from api.store import JobStore
from optimiser import (
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


def run(store: JobStore, job_id: str) -> None:
    payload = store.payload(job_id)
    if payload is None:
        return
    data = json.loads(payload)
    store.progress(job_id, {"phase": "solving"})
    try:
        instance = parse_instance(data["instance"])
        solution = solve(instance, SolveOptions(**data["options"]), _reporter(store, job_id))
    except InstanceError as exc:
        store.finish(
            job_id, "failed", error_code=exc.code, error=f"{len(exc.problems)} input problem(s)"
        )
        return
    except OptimiserError as exc:
        store.finish(job_id, "failed", error_code=exc.code, error=str(exc))
        return
    except Exception as exc:  # a bug: the job fails with its type, never its data
        log.exception("job %s failed with %s", job_id, type(exc).__name__)
        store.finish(job_id, "failed", error_code="internal_error", error=type(exc).__name__)
        return
    store.finish(job_id, solution.status.value, result=solution.model_dump_json())
    log.info("job %s finished: %s", job_id, solution.status.value)


def _reporter(store: JobStore, job_id: str) -> ProgressCallback:
    """Write the solver's best objective and bound to the job, at most twice a second."""
    last = [0.0]

    def report(p: Progress) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS:
            last[0] = now
            store.progress(
                job_id,
                {
                    "phase": "solving",
                    "best_objective": p.best_objective,
                    "bound": p.bound,
                    "gap": p.gap,
                },
            )

    return report


def main() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    run(JobStore(Path(sys.argv[1])), sys.argv[2])


if __name__ == "__main__":
    main()
