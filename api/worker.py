"""One job in its own process (and process group): `python -m api.worker DB JOB_ID PARENT`.

Before anything else the worker ties its life to the server's (Linux parent-death signal; if
the server is already gone, it stops at once), so no worker outlives the server that started
it. Then it loads the engine and runs the job (`api.jobrun`): it starts work only once the
store shows the job dispatched to this very process, so a worker the server could not record
never solves. Only the standard library is imported before the tie is made.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
MARK = "OPTIMISER_WORKER_JOB"  # in every worker's environment (and its children's): the job id


def tie_to_parent(parent: int) -> None:
    """Die with the server: SIGKILL when the thread that started this process ends."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the server died before the tie was made
        os._exit(0)


def main() -> None:
    db, job_id, parent = sys.argv[1], sys.argv[2], int(sys.argv[3])
    tie_to_parent(parent)
    from api.jobrun import start  # noqa: PLC0415 (the engine loads only once tied)

    start(db, job_id, parent)


if __name__ == "__main__":
    main()
