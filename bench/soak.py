"""The job server's full reliability run: `python -m bench.soak` (or `make soak`).

Real server processes on loopback, real SIGKILLs, real SQLite; prints its figures:
5xx over the fuzz, canary echoes, authorisation checks; orphans, lost jobs and the most worker
processes seen over the kills; accepted against the limit over bursts; job overrun
(end - dispatch) / limit for 2, 5 and 30 s limits; GET /v1/jobs/{id} p50/p99 with two workers
busy and with synchronous solves running. Traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import crashes, hostile
from bench.reliability import CANARY, Server, bundled, hard_job, percentile, small_job

log = logging.getLogger("bench.soak")
OVERRUN_JOBS = {2.0: 6, 5.0: 6, 30.0: 2}  # limit -> jobs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fuzz", type=int, default=5000, help="Fuzzed requests.")
    parser.add_argument("--kills", type=int, default=100, help="SIGKILLs aimed at dispatch.")
    parser.add_argument("--bursts", type=int, default=5, help="100-request bursts.")
    parser.add_argument("--quick", action="store_true", help="A few of each (minutes).")
    args = parser.parse_args()
    if args.quick:
        args.fuzz, args.kills, args.bursts = 300, 6, 1
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="optimiser-soak-") as tmp:
        root = Path(tmp)
        _hostile(root / "hostile", args.fuzz, full_canaries=not args.quick)
        _kills(root / "kills", args.kills)
        _bursts(root / "bursts", args.bursts)
        _overrun(root / "overrun", quick=args.quick)
        _latency(root / "latency")


def _hostile(data: Path, requests: int, *, full_canaries: bool) -> None:
    server = Server(
        data,
        {
            "OPTIMISER_WORKERS": "2",
            "OPTIMISER_SYNC_WORKERS": "2",
            "OPTIMISER_SYNC_TIME_LIMIT_SECONDS": "2",
        },
    )
    server.start()
    try:
        started = time.perf_counter()
        fuzz = hostile.fuzz(server, requests, seed=2026)
        seconds = time.perf_counter() - started
        replies, leaks = hostile.canaries(server, per_route=None if full_canaries else 4)
        checks, failures = hostile.authorisation(server)
    finally:
        server.stop()
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(fuzz.statuses.items()))
    print(f"fuzz: {fuzz.requests} requests in {seconds:.0f} s ({statuses})")
    print(f"  5xx: {len(fuzz.server_errors)}; responses repeating a canary: {len(fuzz.echoes)}")
    print(f"canaries: {replies} responses read, {len(leaks)} repeating a canary")
    print(f"  server log repeating a canary: {CANARY in server.log.read_text()}")
    print(f"authorisation across keys: {checks} checks, {len(failures)} failed")


def _kills(data: Path, kills: int) -> None:
    server = Server(data, {"OPTIMISER_WORKERS": "2"})  # default retries
    bodies = [small_job(), hard_job(3.0), small_job(), hard_job(8.0, seed=12)]
    started = time.perf_counter()
    try:
        report = crashes.kills(server, bodies, kills, seed=2026)
    finally:
        server.stop()
    aims = ", ".join(f"{k} {v}" for k, v in report.aims.items())
    endings = ", ".join(f"{k} {v}" for k, v in sorted(report.endings.items()))
    print(f"kills: {report.kills} SIGKILLs of the server in {time.perf_counter() - started:.0f} s")
    print(f"  aimed: {aims}")
    print(f"  orphans: {report.orphans}; jobs accepted {report.submitted}, lost {report.lost}")
    print(f"  most worker processes seen: {report.most_workers} (pool {report.pool})")
    print(f"  how the accepted jobs ended: {endings}")
    runs = ", ".join(f"{k}: {v}" for k, v in sorted(report.interruptions.items()))
    print(f"  runs ended by a crash, per job (count: jobs): {runs}")
    if report.failures:
        print(f"  failed jobs by code: {dict(report.failures)}")


def _bursts(data: Path, bursts: int) -> None:
    server = Server(data, {"OPTIMISER_WORKERS": "2", "OPTIMISER_MAX_QUEUED": "20"})
    server.start()
    try:
        for k in range(bursts):
            r = crashes.burst(server, small_job(), sent=100, limit=20)
            held = r.accepted <= r.limit + r.left_queue
            print(
                f"burst {k + 1}: {r.sent} at once, queue limit {r.limit}: accepted {r.accepted} "
                f"(dispatched meanwhile {r.left_queue}; limit held: {held}), 429 with "
                f"Retry-After {r.refused}, other {dict(r.other)}"
            )
    finally:
        server.stop()


def _stamp(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()


def _overrun(data: Path, *, quick: bool) -> None:
    """Jobs whose solver would run past any limit: (end - dispatch) / limit, and whether each
    ended within limit x 1.05 + 2 s + its measured start-up."""
    server = Server(data, {"OPTIMISER_WORKERS": "2"})
    server.start()
    try:
        for limit, jobs in OVERRUN_JOBS.items():
            count = 1 if quick else jobs
            ids = [
                server.request("POST", "/v1/jobs", hard_job(limit, seed=20 + k)).json()["id"]
                for k in range(count)
            ]
            server.wait_all(ids, timeout=60 + count * limit * 2)
            statuses = [server.request("GET", f"/v1/jobs/{i}").json() for i in ids]
            _print_overrun(limit, statuses)
    finally:
        server.stop()


def _print_overrun(limit: float, statuses: list[dict[str, Any]]) -> None:
    ran = [s for s in statuses if s["started"] and s["finished"]]
    ratios = [(_stamp(s["finished"]) - _stamp(s["started"])) / limit for s in ran]
    startups = [s["startup_seconds"] or 0.0 for s in ran]
    within = sum(
        1
        for s, r in zip(ran, ratios, strict=True)
        if r * limit <= limit * 1.05 + 2 + (s["startup_seconds"] or 0.0)
    )
    endings = statistics.multimode([s["status"] for s in statuses])
    print(
        f"overrun at a {limit:g} s limit ({len(ran)} jobs): (end - dispatch) / limit "
        f"min {min(ratios):.3f}, median {statistics.median(ratios):.3f}, max {max(ratios):.3f}; "
        f"start-up median {statistics.median(startups):.3f} s; within limit x 1.05 + 2 s + "
        f"start-up: {within} of {len(ran)}; most common ending {endings}"
    )


def _latency(data: Path) -> None:
    """GET /v1/jobs/{id} at 20 a second for 15 s: with two workers busy, then with two
    synchronous solves of the county instance running back to back as well."""
    server = Server(
        data,
        {
            "OPTIMISER_WORKERS": "2",
            "OPTIMISER_SYNC_WORKERS": "2",
            "OPTIMISER_SYNC_TIME_LIMIT_SECONDS": "10",
        },
    )
    server.start()
    try:
        ids = [
            server.request("POST", "/v1/jobs", hard_job(60.0, seed=30 + k)).json()["id"]
            for k in range(3)
        ]
        time.sleep(3)
        busy = _poll(server, ids[0], 15.0)
        stop = threading.Event()
        sync_times: list[float] = []
        county = bundled("county_600x80")
        threads = [
            threading.Thread(target=_sync_loop, args=(server, county, stop, sync_times))
            for _ in range(2)
        ]
        for t in threads:
            t.start()
        with_sync = _poll(server, ids[0], 15.0)
        stop.set()
        for t in threads:
            t.join(timeout=120)
    finally:
        server.stop()
    for name, ms in (("2 workers busy", busy), ("2 workers busy + 2 sync solves", with_sync)):
        print(
            f"GET /v1/jobs/{{id}} with {name}: {len(ms)} requests, p50 {percentile(ms, 0.5):.1f} "
            f"ms, p99 {percentile(ms, 0.99):.1f} ms, max {max(ms):.1f} ms"
        )
    if sync_times:
        print(
            f"  sync solves of county_600x80 meanwhile: {len(sync_times)}, median "
            f"{statistics.median(sync_times):.2f} s (request to answer)"
        )


def _poll(server: Server, job_id: str, seconds: float) -> list[float]:
    ms: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        server.request("GET", f"/v1/jobs/{job_id}")
        ms.append((time.perf_counter() - t0) * 1000)
        time.sleep(max(0.0, 0.05 - (time.perf_counter() - t0)))
    return ms


def _sync_loop(
    server: Server, instance: dict[str, Any], stop: threading.Event, times: list[float]
) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        reply = server.request("POST", "/v1/placements/solve", instance)
        if reply.status == 200:
            times.append(time.perf_counter() - t0)


if __name__ == "__main__":
    main()
