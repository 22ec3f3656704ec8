"""Crashes and bursts against a live server: SIGKILLs aimed at job dispatch, and bursts of
concurrent submissions against the queue limit. Each returns figures; nothing here asserts."""

from __future__ import annotations

import contextlib
import random
import sqlite3
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bench.reliability import Reply, Server, WorkerSampler

ORPHAN_WAIT_SECONDS = 3.0
AIMS = ("just_after_submit", "at_dispatch_record", "while_starting")


@dataclass
class KillReport:
    kills: int = 0
    aims: Counter[str] = field(default_factory=Counter)
    orphans: int = 0  # workers alive ORPHAN_WAIT_SECONDS after their server was killed
    submitted: int = 0
    lost: int = 0  # accepted jobs never seen terminal after the last restart
    most_workers: int = 0
    pool: int = 0
    endings: Counter[str] = field(default_factory=Counter)
    interruptions: Counter[int] = field(default_factory=Counter)  # runs a crash ended, per job
    failures: Counter[str] = field(default_factory=Counter)  # error code of each failed job


def _aim(server: Server, job_id: str, aim: str, rng: random.Random) -> None:
    """Wait for the moment to kill: right after the 202, when the store records the dispatch,
    or while the worker starts (after the record, before it is ready)."""
    if aim == "just_after_submit":
        time.sleep(rng.uniform(0, 0.05))
        return
    deadline = time.time() + 10
    while time.time() < deadline:
        status = server.status_of(job_id)
        if status is not None and status != "queued":
            break
        time.sleep(0.001)
    if aim == "while_starting":
        time.sleep(rng.uniform(0, 0.3))


def _orphans(server: Server) -> int:
    """Workers, or processes they started, still alive a moment after their server died (each
    is then killed)."""
    deadline = time.time() + ORPHAN_WAIT_SECONDS
    while time.time() < deadline and server.descendants():
        time.sleep(0.05)
    left = server.descendants()
    for proc in left:
        proc.kill()
    return len(left)


def kills(server: Server, bodies: list[dict[str, Any]], count: int, seed: int = 0) -> KillReport:
    """`count` SIGKILLs of the server, each aimed at the dispatch of a job just submitted
    (cycling through `bodies`); then a last restart, and every accepted job must end."""
    rng = random.Random(seed)
    report = KillReport(pool=int(server.settings.get("OPTIMISER_WORKERS", "1")) + 1)
    accepted: list[str] = []
    with WorkerSampler(server) as sampler:
        for k in range(count):
            if server.process is None:
                server.start()
            reply = server.request("POST", "/v1/jobs", bodies[k % len(bodies)])
            if reply.status == 202:
                accepted.append(reply.json()["id"])
            aim = AIMS[k % len(AIMS)]
            _aim(server, accepted[-1], aim, rng)
            server.kill()
            report.kills += 1
            report.aims[aim] += 1
            report.orphans += _orphans(server)
        server.start()
        statuses = server.wait_all(accepted, timeout=60 + 10 * len(accepted))
        report.most_workers = sampler.most
    report.submitted = len(accepted)
    report.lost = sum(1 for s in statuses.values() if s is None or s in ("queued", "running"))
    report.endings = Counter(str(s) for s in statuses.values())
    with contextlib.closing(sqlite3.connect(server.db, timeout=30)) as db:
        rows = db.execute("SELECT id, interruptions, error_code FROM jobs").fetchall()
    ours = [r for r in rows if r[0] in set(accepted)]
    report.interruptions = Counter(int(r[1]) for r in ours)
    report.failures = Counter(str(r[2]) for r in ours if statuses.get(r[0]) == "failed")
    return report


@dataclass
class BurstReport:
    sent: int
    limit: int
    accepted: int
    refused: int  # 429 with a Retry-After header
    other: Counter[int]
    left_queue: int  # accepted jobs dispatched (or ended) while the burst ran


def burst(server: Server, body: dict[str, Any], sent: int, limit: int) -> BurstReport:
    """`sent` submissions at once against a server whose queue holds `limit`; the queue is
    emptied (cancelled) afterwards."""
    gate = threading.Barrier(sent)

    def one(_: int) -> Reply:
        gate.wait()
        return server.request("POST", "/v1/jobs", body)

    with ThreadPoolExecutor(sent) as pool:
        replies = list(pool.map(one, range(sent)))
    ids = [r.json()["id"] for r in replies if r.status == 202]
    jobs = server.jobs()
    left = sum(1 for i in ids if jobs.get(i, ("queued",))[0] != "queued")
    refused = sum(1 for r in replies if r.status == 429 and "retry-after" in r.headers)
    other = Counter(r.status for r in replies if r.status not in (202, 429))
    for job_id in ids:
        server.request("DELETE", f"/v1/jobs/{job_id}")
    return BurstReport(sent, limit, len(ids), refused, other, left)
