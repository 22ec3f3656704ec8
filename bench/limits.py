"""Time limits held by the engine: `python -m bench.limits [--quick]`.

For the hardest instance of each class (places per weekday; a budget cap with a minimum
average quality on the MIP; generalised-assignment offers using several places), solve()
runs on HiGHS with limits of 1, 5, 30 and 60 s (quick: 2,000 x 100 and 1 and 5 s) and the
table gives wall / limit (the promise: at most 1.05 + 2 s / limit), the status and the gap.
It also measures what the supervisor costs on a small instance: the first time-limited solve
of a process (starting the forkserver with the engine preloaded) and later ones, against the
same solve in-process (no limit).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from bench.instances import with_binding_side_rules
from optimiser import SolveOptions, load_instance, solve
from optimiser.placements.generate import generate_placements
from optimiser.placements.schema import PlacementInstance

ROOT = Path(__file__).resolve().parents[1]


def classes(n: int, m: int) -> dict[str, PlacementInstance]:
    base: dict[str, Any] = {"start_weeks": 4, "moves": False}
    return {
        "weekday": generate_placements(
            n, m, seed=7, weekday_places=True, days=(2, 3), offers=False, **base
        ),
        "budget_quality": with_binding_side_rules(
            generate_placements(n, m, seed=7, offers=False, **base)
        ),
        "offers": generate_placements(n, m, seed=7, offers=True, **base),
    }


def overrun(
    sizes: list[tuple[int, int]], limits: list[float], only: list[str] | None = None
) -> None:
    print("| instance | limit s | wall s | wall / limit | status | gap |")
    print("|---|---:|---:|---:|---|---:|")
    for n, m in sizes:
        for name, inst in classes(n, m).items():
            if only and name not in only:
                continue
            for limit in limits:
                started = time.perf_counter()
                sol = solve(inst, SolveOptions(solver="highs", time_limit_seconds=limit))
                wall = time.perf_counter() - started
                gap = "-" if sol.statistics.gap is None else f"{sol.statistics.gap:.2%}"
                print(
                    f"| {name} {n:,} x {m:,} | {limit:g} | {wall:.2f} | {wall / limit:.2f} "
                    f"| {sol.status.value} | {gap} |"
                )


def cost() -> None:
    inst = load_instance(ROOT / "instances" / "dps_small.json")
    started = time.perf_counter()
    solve(inst, SolveOptions(time_limit_seconds=60))
    first = time.perf_counter() - started
    runs = {"in-process": SolveOptions(), "supervised": SolveOptions(time_limit_seconds=60)}
    medians = {}
    for label, options in runs.items():
        times = []
        for _ in range(20):
            started = time.perf_counter()
            solve(inst, options)
            times.append(time.perf_counter() - started)
        medians[label] = statistics.median(times)
    print(f"\ndps_small: first supervised solve {first:.2f} s (forkserver start);")
    print(
        f"then median {medians['supervised'] * 1000:.1f} ms supervised against "
        f"{medians['in-process'] * 1000:.1f} ms in-process "
        f"({medians['supervised'] / medians['in-process']:.1f}x)."
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", help="e.g. 20000x500 (default: 2,000 x 100 and 20,000 x 500)")
    parser.add_argument("--limits", help="seconds, e.g. 1,5,30 (default: 1,5,30,60)")
    parser.add_argument("--classes", help="some of weekday,budget_quality,offers")
    parser.add_argument("--no-cost", action="store_true", help="skip the supervisor's cost")
    args = parser.parse_args()
    sizes = [(2_000, 100)] if args.quick else [(2_000, 100), (20_000, 500)]
    limits = [1.0, 5.0] if args.quick else [1.0, 5.0, 30.0, 60.0]
    if args.sizes:
        sizes = [(int(a), int(b)) for a, b in (s.split("x") for s in args.sizes.split(","))]
    if args.limits:
        limits = [float(x) for x in args.limits.split(",")]
    overrun(sizes, limits, args.classes.split(",") if args.classes else None)
    if not args.no_cost:
        cost()


if __name__ == "__main__":
    main()
