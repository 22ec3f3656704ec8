"""Process groups of workers, read with psutil: who is in a group, whether a process is one of
our workers (by its command line, or for its children by the job id in its environment), and
killing a group whole."""

from __future__ import annotations

import contextlib
import os
import signal

import psutil

from api.marks import MARK

WAIT_SECONDS = 5.0


def kill_group(pgid: int, sig: int = signal.SIGKILL) -> None:
    """Signal a worker's whole process group (its pid is its group id)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def members(pgid: int) -> list[psutil.Process]:
    """The live processes of a group (zombies, dead but not yet reaped, do not count)."""
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return []
    found = []
    for proc in psutil.process_iter(["status"]):
        with contextlib.suppress(ProcessLookupError, psutil.Error):
            if os.getpgid(proc.pid) == pgid and proc.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(proc)
    return found


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is still running."""
    return bool(members(pgid))


def is_ours(proc: psutil.Process, token: str) -> bool:
    """Whether `proc` is the worker started with this token, or a process it started (a
    recycled pid or group id must never be killed)."""
    try:
        cmdline = proc.cmdline()
        if "api.worker" in cmdline and token in cmdline:
            return True
        return bool(proc.environ().get(MARK) == token)
    except psutil.Error:
        return False


def kill_ours(pgid: int, token: str) -> int:
    """Kill the processes of the group that belong to this worker; how many there were."""
    ours = [p for p in members(pgid) if is_ours(p, token)]
    for proc in ours:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(ours, timeout=WAIT_SECONDS)
    return len(ours)


def workers_alive() -> list[psutil.Process]:
    """Every live worker process on this machine (any job, any server), for checks."""
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        cmdline = proc.info["cmdline"] or []
        if "api.worker" in cmdline and proc.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(proc)
    return found
