"""Staffing at scale: `python -m bench.staffing [--quick] [--years]`.

Plans over years: the whole-post MIP on Oxfordshire over three years to a 0.1% gap against its
LP relaxation; 153 generated authorities over 5 years as a batch and a 1,000-point sweep over
a 3-year authority (grant per pupil x year three's cap), each with one and two processes.

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
from optimiser.files.io import load_instance, write_json
from optimiser.files.parse import parse_staffing
from optimiser.scenarios.batch import executor_for, run_batch
from optimiser.scenarios.sweep import Axis, run_sweep
from optimiser.solve import solve
from optimiser.staffing.generate import generate_staffing, generate_staffing_years

AUTHORITIES = 153
YEARS = 5
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="One repeat instead of three.")
    parser.add_argument("--years", action="store_true", help="Only the plans over years.")
    parser.add_argument(
        "--sweep", action="store_true", help="Only the 1,000-point sweep over 3 years."
    )
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    if args.sweep:
        years_sweep(repeats)
        return
    oxfordshire_whole_posts(repeats)
    with tempfile.TemporaryDirectory() as tmp:
        years_batch(tmp, repeats)
    years_sweep(repeats)
    if args.years:
        return
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


def years_batch(tmp: str, repeats: int) -> None:
    """153 generated authorities planned over 5 years (whole posts), 1 and 2 processes."""
    paths = []
    for seed in range(AUTHORITIES):
        path = Path(tmp) / f"authority_{seed:03d}_5y.json"
        write_json(path, generate_staffing_years(seed, YEARS))
        paths.append(str(path))
    for jobs in (1, 2):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            with executor_for(jobs) as pool:
                rows = run_batch(paths, SolveOptions(), str(Path(tmp) / "out_years"), pool)
            times.append(time.perf_counter() - started)
        counts = {s: sum(r.status == s for r in rows) for s in {r.status for r in rows}}
        print(
            f"batch of {AUTHORITIES} authorities over {YEARS} years, {jobs} process(es): "
            f"{statistics.median(times):.2f} s (median of {repeats}); statuses {counts}"
        )


def years_sweep(repeats: int) -> None:
    """1,000 points over a 3-year authority: the grant per pupil x year 3's cap."""
    base = generate_staffing_years(1000, 3).model_dump(mode="json")
    last = base["years"][-1]["id"]
    axes = [
        Axis("funding_sources[grant].per_unit_gbp", tuple(float(5 + k) for k in range(40))),
        Axis(f"years[{last}].cap_gbp", tuple(float(2_000_000 + 100_000 * k) for k in range(25))),
    ]
    for jobs in (1, 2):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            with executor_for(jobs) as pool:
                table = run_sweep(base, axes, [], SolveOptions(), pool)
            times.append(time.perf_counter() - started)
        print(
            f"sweep of {len(table)} points over 3 years, {jobs} process(es): "
            f"{statistics.median(times):.2f} s (median of {repeats}); "
            f"statuses {table['status'].value_counts().to_dict()}"
        )


def oxfordshire_whole_posts(repeats: int) -> None:
    """Oxfordshire over 3 years: the whole-post MIP to a 0.1% gap against its LP relaxation
    (posts in fractions), in one run."""
    data = load_instance(ROOT / "instances" / "oxfordshire_2015_18.json").model_dump(mode="json")
    relaxed = parse_staffing({**data, "fte_step": None})
    whole = parse_staffing(data)
    options = SolveOptions(mip_gap=0.001)
    seconds = {}
    for name, instance in (("LP (fractional posts)", relaxed), ("MIP (whole posts)", whole)):
        times, sol = [], None
        for _ in range(repeats):
            started = time.perf_counter()
            sol = solve(instance, options)
            times.append(time.perf_counter() - started)
        assert sol is not None
        seconds[name] = statistics.median(times)
        print(
            f"oxfordshire_2015_18 {name}: {sol.status.value}, net £{sol.net_cost_gbp:,.0f}, "
            f"gap {sol.statistics.gap}, {sol.statistics.integer_variables} integer variables, "
            f"{seconds[name]:.3f} s (median of {repeats})"
        )
    ratio = seconds["MIP (whole posts)"] / seconds["LP (fractional posts)"]
    print(f"whole posts cost {ratio:.1f} x the LP's time")


if __name__ == "__main__":
    main()
