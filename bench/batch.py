"""Batch throughput: `python -m bench.batch [--copies 10] [--repeats 3]`.

Solves the bundled instances, each `copies` times, with 1 and with 2 worker processes (the
`optimiser batch` path: load, solve, verify, write JSON), and prints instances per second
(median of `repeats` runs, both measured in this one run) and the ratio.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from optimiser.core.options import SolveOptions
from optimiser.scenarios.batch import executor_for, run_batch

INSTANCES = Path(__file__).resolve().parent.parent / "instances"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="3 copies, one repeat.")
    args = parser.parse_args()
    if args.quick:
        args.copies, args.repeats = 3, 1
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for source in sorted(INSTANCES.glob("*.json")):
            for k in range(args.copies):
                target = Path(tmp) / f"{source.stem}_{k}.json"
                shutil.copy(source, target)
                paths.append(str(target))
        rates = {}
        for jobs in (1, 2):
            seconds = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                with executor_for(jobs) as pool:
                    rows = run_batch(paths, SolveOptions(), str(Path(tmp) / "out"), pool)
                seconds.append(time.perf_counter() - started)
                assert all(r.status == "optimal" for r in rows)
            rates[jobs] = len(paths) / statistics.median(seconds)
            print(
                f"{jobs} process(es): {len(paths)} instances in {statistics.median(seconds):.2f} s "
                f"(median of {args.repeats}): {rates[jobs]:.1f} instances/s"
            )
        print(f"2 processes / 1 process: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
