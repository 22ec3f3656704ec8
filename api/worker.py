"""A worker process of the job runner: `python -m api.worker DB PARENT TOKEN`, in its own process
group.

First it ties its life to the server's (Linux parent-death signal; if the server is already gone, it
stops at once), so no worker outlives the server that started it. Then it loads the engine and
waits, idle, for job ids on its standard input (the runner writes each after recording the dispatch
in the store) and runs them one at a time (`api.jobrun`); it exits when its input closes (after a
configured number of jobs, or when the server goes). Only the standard library is imported before
the tie is made.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def tie_to_parent(parent: int) -> None:
    """Die with the server: SIGKILL when the thread that started this process ends."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the server died before the tie was made
        os._exit(0)


def main() -> None:
    """Worker process entry: tie to the server, then run the jobs it is sent."""
    db, parent = sys.argv[1], int(sys.argv[2])
    tie_to_parent(parent)
    from api.jobrun import serve  # noqa: PLC0415 (the engine loads only once tied)

    serve(db, sys.stdin)


if __name__ == "__main__":
    main()
