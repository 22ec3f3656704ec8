"""Many solves at once: `solve_many` for scripts, `run_batch` for the command line.

Both take any `concurrent.futures.Executor`: a local process pool by default, or a Dask
cluster's (`distributed.Client(address).get_executor()`), the same interface either way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from optimiser.core.errors import InstanceError, OptimiserError
from optimiser.core.options import SolveOptions
from optimiser.files.frames import objective
from optimiser.files.io import load_instance, write_json
from optimiser.solve import Instance, Solution, solve

log = logging.getLogger(__name__)


@contextmanager
def executor_for(jobs: int = 1, cluster: str | None = None) -> Iterator[Executor | None]:
    """None (solve in this process) for one job; else a process pool, or a Dask cluster."""
    if cluster is not None:
        try:
            from distributed import Client  # noqa: PLC0415 (optional dependency)
        except ImportError:
            raise OptimiserError(
                "a cluster needs the 'distributed' package: pip install 'optimiser[cluster]'"
            ) from None
        with Client(cluster) as client:  # type: ignore[no-untyped-call]
            yield client.get_executor()
    elif jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield pool
    else:
        yield None


def solve_many(
    instances: Sequence[Instance],
    options: SolveOptions | None = None,
    *,
    jobs: int = 1,
    executor: Executor | None = None,
) -> list[Solution]:
    """Solve every instance, in parallel when given jobs > 1 or an executor; results come back
    in the order given. An invalid instance or a solver failure raises, as `solve` does."""
    options = options or SolveOptions()
    if executor is None and jobs > 1:
        with executor_for(jobs) as pool:
            return solve_many(instances, options, executor=pool)
    if executor is None:
        return [solve(i, options) for i in instances]
    futures = [executor.submit(_solve_one, i, options) for i in instances]
    return [f.result() for f in futures]


def _solve_one(instance: Instance, options: SolveOptions) -> Solution:
    """`solve` with one signature (an overloaded function confuses executors' typing)."""
    return solve(instance, options)


@dataclass(frozen=True)
class BatchRow:
    """One line of a batch's summary table."""

    instance: str
    kind: str
    status: str
    objective: float | None
    build_seconds: float | None
    solve_seconds: float | None
    seconds: float
    error: str | None = None
    file: str = ""


def solve_file(path: str, options: SolveOptions, out: str | None) -> BatchRow:
    """Load, solve and (with `out`) write one instance's result; failures become a row with
    every input problem. A row names the instance by its own name, and the file it came from."""
    started = time.perf_counter()
    name = Path(path).stem
    try:
        instance = load_instance(path)
        solution = solve(instance, options)
    except InstanceError as exc:
        problems = "; ".join(str(p) for p in exc.problems)
        error = f"{len(exc.problems)} input problem(s): {problems}"
        return _failed(name, "invalid", time.perf_counter() - started, error, path)
    except OptimiserError as exc:
        error = f"{exc.code}: {exc}"
        return _failed(name, "failed", time.perf_counter() - started, error, path)
    if out is not None:
        write_json(Path(out) / f"{name}.json", solution)
    stats = solution.statistics
    return BatchRow(
        instance.name,
        instance.kind,
        solution.status.value,
        objective(solution),
        stats.build_seconds,
        stats.solve_seconds,
        time.perf_counter() - started,
        file=path,
    )


def _failed(name: str, status: str, seconds: float, error: str, path: str) -> BatchRow:
    """A row for a file with no result: named by the file (its instance may not be read)."""
    return BatchRow(name, "?", status, None, None, None, seconds, error, file=path)


def run_batch(
    paths: Sequence[str],
    options: SolveOptions,
    out: str | None,
    executor: Executor | None,
    on_done: Callable[[BatchRow], None] | None = None,
) -> list[BatchRow]:
    """Every file solved (in parallel with an executor); rows in the order of `paths`."""
    if executor is None:
        rows = []
        for p in paths:
            rows.append(solve_file(p, options, out))
            if on_done:
                on_done(rows[-1])
        return rows
    futures: dict[Future[BatchRow], int] = {
        executor.submit(solve_file, p, options, out): i for i, p in enumerate(paths)
    }
    done: dict[int, BatchRow] = {}
    for future in as_completed(futures):
        done[futures[future]] = future.result()
        if on_done:
            on_done(done[futures[future]])
    return [done[i] for i in range(len(paths))]
