"""API under load: `python -m bench.api_load [--jobs 20] [--rate 20]`.

Starts `optimiser serve` on loopback with 2 workers, queues N jobs (the county instance on
CP-SAT), and while they drain polls GET /v1/jobs/{id} at a steady rate: p50 and p99 latency of
that status request; then, per job, the time from submit to result against the solve alone.
Traffic goes only to 127.0.0.1, bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from api.local import call, free_port, start_server

ROOT = Path(__file__).resolve().parent.parent
KEY = "bench-key"
MAX_SECONDS = 300.0


def _stamp(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20.0, help="Status requests a second.")
    parser.add_argument("--quick", action="store_true", help="Accepted: `make bench ARGS=--quick`.")
    args = parser.parse_args()
    instance = json.loads((ROOT / "instances" / "county_600x80.json").read_text())
    body = {"kind": "placements", "instance": instance, "options": {"solver": "cpsat"}}
    port = free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {"OPTIMISER_API_KEYS": KEY, "OPTIMISER_DATA_DIR": data_dir, "OPTIMISER_WORKERS": "2"}
        server = start_server(port, env)
        try:
            submitted = {}
            for _ in range(args.jobs):
                job = call(port, KEY, "/v1/jobs", body)
                submitted[job["id"]] = time.time()
            latencies: list[float] = []
            done: dict[str, Any] = {}
            begun = time.time()
            ids = list(submitted)
            k = 0
            while len(done) < len(ids) and time.time() - begun < MAX_SECONDS:
                job_id = ids[k % len(ids)]
                k += 1
                t0 = time.perf_counter()
                status = call(port, KEY, f"/v1/jobs/{job_id}")
                latencies.append(time.perf_counter() - t0)
                if status["finished"] and job_id not in done:
                    done[job_id] = status
                time.sleep(max(0.0, 1.0 / args.rate - (time.perf_counter() - t0)))
            results = {j: call(port, KEY, f"/v1/jobs/{j}/result") for j in done}
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    _report(args, latencies, submitted, done, results)


def _report(
    args: argparse.Namespace,
    latencies: list[float],
    submitted: dict[str, float],
    done: dict[str, Any],
    results: dict[str, Any],
) -> None:
    ms = [x * 1000 for x in latencies]
    turnaround = [_stamp(done[j]["finished"]) - submitted[j] for j in done]
    running = [_stamp(done[j]["finished"]) - _stamp(done[j]["started"]) for j in done]
    solve_alone = [
        results[j]["statistics"]["solve_seconds"]
        + results[j]["statistics"]["build_seconds"]
        + results[j]["statistics"]["verify_seconds"]
        for j in done
    ]
    print(
        f"{len(done)} of {args.jobs} jobs finished; 2 workers; {len(ms)} status requests at "
        f"{args.rate:g}/s while they drained"
    )
    print(
        f"GET /v1/jobs/{{id}} latency: p50 {_pct(ms, 0.5):.1f} ms, p99 {_pct(ms, 0.99):.1f} ms, "
        f"max {max(ms):.1f} ms"
    )
    print(
        f"submit -> result: median {statistics.median(turnaround):.2f} s, "
        f"max {max(turnaround):.2f} s (queueing behind {args.jobs} jobs)"
    )
    print(f"job running time (worker start -> result): median {statistics.median(running):.2f} s")
    alone = statistics.median(solve_alone)
    print(f"solve alone (build + solve + verify in the worker): median {alone:.2f} s")
    ratio = statistics.median(running) / alone
    print(f"ratio running / solve alone: {ratio:.1f}x (process start-up and imports)")


if __name__ == "__main__":
    main()
