"""What a plan's explanations cost: `python -m bench.answer_cost [--size 20000x500] [--runs 3]`.

The plain instance solved end to end in-process (read, validate, build, flow, explain, verify),
each run in a fresh process, three ways, interleaved run by run:

  full        the engine as it is: every unplaced referral with its reasons, near misses and
              record for the team
  noevidence  the near misses and the record left out (evidence.gather answers nothing)
  bare        no explanation of unplaced referrals at all, and no utilisation table

against the bare OR-Tools flow on the same arrays (bench.scale's `flow`), so that the share of
the 2x target that the plan's own words take can be read off. The modes other than `full` patch
the engine in their own process only; the verifier still checks every plan.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.scale import make_instance

MODES = ("full", "noevidence", "bare")


def child(mode: str, path: str) -> dict[str, Any]:
    """One end-to-end solve in this process, with the answer cut down as the mode says."""
    from optimiser import SolveOptions, parse_placements, solve  # noqa: PLC0415
    from optimiser.files.io import read_json  # noqa: PLC0415
    from optimiser.placements import evidence, extract  # noqa: PLC0415
    from optimiser.placements import solve as placements_solve  # noqa: PLC0415
    from optimiser.placements.model import Assignment, PlacementModel  # noqa: PLC0415
    from optimiser.placements.solution import Unplaced  # noqa: PLC0415

    def no_evidence(model: PlacementModel, blocking: Any, refs: list[int]) -> dict[int, Any]:
        return {r: ([], "") for r in refs}

    def unexplained(model: PlacementModel, plan: Assignment) -> list[Unplaced]:
        refs = model.inst.referrals
        return [
            Unplaced(
                reference=refs[r].reference,
                reason="cheaper_unplaced",
                explanation="",
                penalty_gbp=0,
            )
            for r in np.flatnonzero(plan.choice < 0).tolist()
        ]

    if mode == "noevidence":
        evidence.gather = no_evidence
    if mode == "bare":
        placements_solve.explain_unplaced = unexplained  # type: ignore[attr-defined]
        extract.utilisation = lambda *_: []
    started = time.perf_counter()
    solution = solve(parse_placements(read_json(Path(path))), SolveOptions(mip_gap=1e-3))
    return {
        "mode": mode,
        "seconds": time.perf_counter() - started,
        "status": solution.status.value,
        "verified": bool(solution.verification and solution.verification.passed),
    }


def flow_child(path: str) -> dict[str, Any]:
    """The bare flow on prepared arrays, timed alone (as bench.scale's `flow`)."""
    from optimiser import parse_placements  # noqa: PLC0415
    from optimiser.files.io import read_json  # noqa: PLC0415
    from optimiser.placements.backends.flow import flow_arrays, run_flow  # noqa: PLC0415
    from optimiser.placements.model import build  # noqa: PLC0415

    arrays = flow_arrays(build(parse_placements(read_json(Path(path)))))
    started = time.perf_counter()
    run_flow(arrays)
    return {"mode": "flow", "seconds": time.perf_counter() - started}


def _run(mode: str, path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.answer_cost", "--child", mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="20000x500", help="NxM of the plain instance")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"))
    args = parser.parse_args()
    if args.child:
        mode, path = args.child
        print(json.dumps(flow_child(path) if mode == "flow" else child(mode, path)))
        return
    n, m = (int(x) for x in args.size.split("x"))
    seconds: dict[str, list[float]] = {mode: [] for mode in ("flow", *MODES)}
    with tempfile.TemporaryDirectory() as tmp:
        path = make_instance(n, m, "plain", Path(tmp))
        for _ in range(args.runs):
            for mode in ("flow", *MODES):
                result = _run(mode, path)
                if mode != "flow" and not (result["verified"] and result["status"] == "optimal"):
                    raise SystemExit(f"{mode}: {result['status']}, verified {result['verified']}")
                seconds[mode].append(result["seconds"])
    flow = seconds["flow"]
    runs = f"{args.runs} run{'s' if args.runs != 1 else ''} each"
    print(f"plain {n:,} x {m:,}, {runs}; bare flow {min(flow):.2f}-{max(flow):.2f} s")
    for mode in MODES:
        s = seconds[mode]
        print(
            f"  {mode:<10} {min(s):.2f}-{max(s):.2f} s   "
            f"{min(s) / max(flow):.2f}-{max(s) / min(flow):.2f}x the flow"
        )


if __name__ == "__main__":
    main()
