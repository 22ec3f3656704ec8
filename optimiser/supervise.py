"""Time limits the engine holds itself, whatever the solver does.

Without a time limit a solve runs in the caller's process, as it always has (no overhead).
With one, it runs in a child process (multiprocessing, `forkserver` start with the engine
preloaded) that streams its progress back over a pipe, whole verified incumbents included
(core.progress). The solver inside is still given the limit and normally answers first; when
it does not (HiGHS can run far past its own limit in presolve), the parent stops waiting at
time_limit x 1.05 + GRACE seconds, kills the child and returns the last incumbent it received
with status `feasible`, the best bound any progress report proved and a note saying so; with
no incumbent at all, a `no_solution` answer. Measured costs are in bench/README.md.

A solve that is itself inside a daemonic process (which may not have children) runs in-process.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import pickle
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from optimiser.core.collector import collector_paused
from optimiser.core.gap import relative_gap
from optimiser.core.options import SolveOptions
from optimiser.core.progress import Progress, ProgressCallback
from optimiser.core.status import SolveStatus

log = logging.getLogger(__name__)

GRACE = 0.5  # seconds past 5% over the limit: stopping and answering fit in the 2 s promised
MIN_SOLVER_SECONDS = 0.1
STOPPED_NOTE = "stopped by the engine at the time limit: the best plan received is returned"

I = TypeVar("I")  # noqa: E741
S = TypeVar("S")
Run = Callable[[I, SolveOptions, ProgressCallback | None], S]


def _context() -> Any:
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["optimiser.solve"])
    return ctx


def _child(
    conn: Connection, run: Run[Any, Any], instance: bytes, options: SolveOptions, started: float
) -> None:
    """In the child: solve, sending ("progress", Progress) as it goes and ("done", solution)
    or ("error", exception) at the end. The solver gets what is left of the limit once the
    child is running and the model built is its own business (started: the parent's clock).
    The instance comes pickled, and is read back with the collector paused (tens of thousands
    of objects: 4 s against 1 s for 20,000 referrals on a loaded machine)."""
    limit = options.time_limit_seconds
    assert limit is not None
    try:
        with collector_paused():
            problem = pickle.loads(instance)  # pickled by the parent just now
            left = max(MIN_SOLVER_SECONDS, limit - (time.time() - started))
            options = options.model_copy(update={"time_limit_seconds": left})
            solution = run(problem, options, lambda p: conn.send(("progress", p)))
            conn.send(("done", solution))
    except Exception as exc:
        conn.send(("error", exc))
    finally:
        conn.close()


def _start_without_main(child: Any) -> None:
    """Start the child without re-running the caller's script in it: multiprocessing would run
    a `__main__` file again (breaking scripts without an `if __name__ == "__main__"` guard),
    and the child needs nothing from it (it runs the engine's own functions)."""
    main = sys.modules["__main__"]
    path = main.__dict__.pop("__file__", None)
    spec = getattr(main, "__spec__", None)
    main.__spec__ = None
    try:
        child.start()
    finally:
        if path is not None:
            main.__file__ = path
        main.__spec__ = spec


class _Watch:
    """What the parent has heard: the best incumbent and the best bound."""

    def __init__(self, progress: ProgressCallback | None) -> None:
        self.progress = progress
        self.incumbent: Any = None
        self.value: float | None = None
        self.bound: float | None = None

    def heard(self, p: Progress) -> None:
        if p.bound is not None:
            self.bound = p.bound if self.bound is None else max(self.bound, p.bound)
        better = p.best_objective is not None and (
            self.value is None or p.best_objective < self.value
        )
        if p.incumbent is not None and better:
            self.incumbent, self.value = p.incumbent, p.best_objective
        if self.progress is not None:
            self.progress(p)


def supervised(
    run: Run[I, S],
    instance: I,
    options: SolveOptions,
    progress: ProgressCallback | None,
    no_plan: Callable[[I, float], S],
    *,
    since: float | None = None,
) -> S:
    """`run(instance, options, progress)` within the time limit the options set, counted
    from `since` (time.monotonic() when the caller's solve began: its checks of the instance
    count against the limit too; default now). `no_plan(instance, seconds)` is the answer
    when the child was stopped with no plan."""
    limit = options.time_limit_seconds
    if limit is None or mp.current_process().daemon:
        with collector_paused():
            return run(instance, options, progress)
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    started = time.monotonic() if since is None else since
    with collector_paused():
        blob = pickle.dumps(instance, protocol=pickle.HIGHEST_PROTOCOL)
    args = (sender, run, blob, options, time.time() - (time.monotonic() - started))
    child = ctx.Process(target=_child, args=args, daemon=True)
    _start_without_main(child)
    sender.close()
    deadline = started + limit * 1.05 + GRACE
    watch = _Watch(progress)
    try:
        while (remaining := deadline - time.monotonic()) > 0 and receiver.poll(remaining):
            with collector_paused():  # a whole plan is hundreds of thousands of objects
                kind, payload = receiver.recv()
            if kind == "done":
                return payload  # type: ignore[no-any-return]
            if kind == "error":
                raise payload
            watch.heard(payload)
    except EOFError:
        log.warning("the solve process ended without an answer")
    finally:
        child.kill()
        child.join()
        receiver.close()
    seconds = time.monotonic() - started
    log.info("solve stopped by the engine after %.1f s (limit %.1f s)", seconds, limit)
    if watch.incumbent is None:
        return no_plan(instance, seconds)
    return _stopped(watch, seconds)  # type: ignore[no-any-return]


def _stopped(watch: _Watch, seconds: float) -> Any:
    """The last incumbent as a time-limited answer: `feasible`, the best bound known."""
    solution = watch.incumbent
    value = watch.value
    assert value is not None
    bound = watch.bound if watch.bound is not None and watch.bound <= value + 1e-6 else None
    stats = solution.statistics.model_copy(
        update={
            "objective_bound": bound,
            "gap": None if bound is None else relative_gap(value, bound),
            "solve_seconds": round(seconds, 4),
            "notes": [*solution.statistics.notes, STOPPED_NOTE],
        }
    )
    return solution.model_copy(update={"status": SolveStatus.FEASIBLE, "statistics": stats})
