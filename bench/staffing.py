"""Staffing at scale: `python -m bench.staffing [--quick]`.

A batch of 153 generated authority-sized instances (one per English authority with education
duties; 20-120 specialist FTE, 20-30 functions) and a 1,000-point sweep (40 take-ups x 25
prices of a traded function), each end to end (load, validate, solve, verify, write), with one
and with two processes, measured in this one run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from optimiser.core.options import SolveOptions
from optimiser.files.io import write_json
from optimiser.scenarios.batch import executor_for, run_batch
from optimiser.scenarios.sweep import Axis, run_sweep
from optimiser.staffing.generate import generate_staffing

AUTHORITIES = 153


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="One repeat instead of three.")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for seed in range(AUTHORITIES):
            path = Path(tmp) / f"authority_{seed:03d}.json"
            write_json(path, generate_staffing(seed))
            paths.append(str(path))
        for jobs in (1, 2):
            times = []
            for _ in range(repeats):
                started = time.perf_counter()
                with executor_for(jobs) as pool:
                    rows = run_batch(paths, SolveOptions(), str(Path(tmp) / "out"), pool)
                times.append(time.perf_counter() - started)
            counts = {s: sum(r.status == s for r in rows) for s in {r.status for r in rows}}
            print(
                f"batch of {AUTHORITIES} authorities, {jobs} process(es): "
                f"{statistics.median(times):.2f} s (median of {repeats}); statuses {counts}"
            )
    base = generate_staffing(1000).model_dump(mode="json")
    traded = next(
        f["id"]
        for f in base["functions"]
        if f.get("traded") and f["traded"].get("price_per_school_gbp")
    )
    axes = [
        Axis(
            f"functions[{traded}].traded.take_up_share",
            tuple(round(0.30 + 0.015 * k, 3) for k in range(40)),
        ),
        Axis(
            f"functions[{traded}].traded.price_per_school_gbp",
            tuple(float(1000 + 200 * k) for k in range(25)),
        ),
    ]
    for jobs in (1, 2):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            with executor_for(jobs) as pool:
                table = run_sweep(base, axes, [], SolveOptions(), pool)
            times.append(time.perf_counter() - started)
        print(
            f"sweep of {len(table)} points, {jobs} process(es): {statistics.median(times):.2f} s "
            f"(median of {repeats}); statuses {table['status'].value_counts().to_dict()}"
        )


if __name__ == "__main__":
    main()
