"""The job server's reliability, bounded (the full run, with its figures, is `make soak`): real
server processes on loopback, real SIGKILLs, real SQLite. A few hundred fuzzed requests, a
handful of kills aimed at job dispatch, a 100-request burst, canaries in every string field and
header, authorisation across keys, and a job held to its whole limit."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench import crashes, hostile
from bench.reliability import CANARY, Server, hard_job, small_job

WHOLE_LIMIT_SLACK_SECONDS = 2.0  # the promise: limit x 1.05 + 2 s + start-up


@functools.cache
def _hard(time_limit: float) -> dict[str, Any]:
    return hard_job(time_limit)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = {
        "OPTIMISER_WORKERS": "2",
        "OPTIMISER_SYNC_WORKERS": "2",
        "OPTIMISER_SYNC_TIME_LIMIT_SECONDS": "2",
    }
    running = Server(tmp_path_factory.mktemp("reliability"), settings)
    running.start()
    yield running
    running.stop()


def test_fuzzed_requests_get_no_5xx_and_repeat_nothing(server: Server) -> None:
    report = hostile.fuzz(server, requests=300, seed=1)
    assert report.requests == 300
    assert report.server_errors == []
    assert report.echoes == []
    assert report.statuses[422] > 50  # the fuzz reaches validation, not only routing


def test_canaries_in_every_string_field_and_header_never_come_back(server: Server) -> None:
    """Every response is grepped (and every canary job's status once it ends); then the
    server's own log."""
    replies, leaks = hostile.canaries(server, per_route=4)
    assert leaks == []
    assert replies > 50
    assert CANARY not in server.log.read_text()


def test_keys_see_only_their_own_jobs(server: Server) -> None:
    checks, failures = hostile.authorisation(server)
    assert failures == []
    assert checks >= 20


def test_a_job_ends_within_its_whole_limit(server: Server) -> None:
    """A 2 s limit on a job its solver cannot finish: from dispatch to its end within
    2 x 1.05 + 2 s plus the worker's measured start-up, with an honest status (a plan within
    the limit, none, or stopped by the watchdog while building on a loaded machine)."""
    job = server.request("POST", "/v1/jobs", _hard(2.0)).json()
    server.wait_all([job["id"]], timeout=60)
    status = server.request("GET", f"/v1/jobs/{job['id']}").json()
    if status["status"] == "failed":
        assert status["error"]["code"] == "watchdog", status
    else:
        assert status["status"] in ("feasible", "no_solution"), status
    bound = 2.0 * 1.05 + WHOLE_LIMIT_SLACK_SECONDS + status["startup_seconds"]
    assert status["elapsed_seconds"] <= bound, status


def test_a_burst_is_admitted_up_to_the_queue_limit(tmp_path: Path) -> None:
    """100 submissions at once against a queue of 20: at most 20 plus those dispatched
    meanwhile are accepted; every other one is 429 with Retry-After."""
    burst_server = Server(tmp_path, {"OPTIMISER_WORKERS": "2", "OPTIMISER_MAX_QUEUED": "20"})
    burst_server.start()
    try:
        report = crashes.burst(burst_server, small_job(), sent=100, limit=20)
    finally:
        burst_server.stop()
    assert report.accepted <= report.limit + report.left_queue, report
    assert report.accepted >= report.limit, report
    assert report.accepted + report.refused == report.sent, report
    assert not report.other


def test_kills_aimed_at_dispatch_leave_no_orphan_and_lose_no_job(tmp_path: Path) -> None:
    """Six SIGKILLs of the server: right after a submission, as the store records a dispatch,
    and while a worker starts; small and long jobs alike. With the default retries every job
    ends with a plan: a crash uses none of a job's attempts."""
    settings = {"OPTIMISER_WORKERS": "2"}
    killed = Server(tmp_path, settings)
    try:
        report = crashes.kills(killed, [small_job(), _hard(3.0)], count=6)
    finally:
        killed.stop()
    assert report.kills == 6
    assert report.orphans == 0
    assert report.lost == 0
    assert report.submitted == 6
    assert set(report.endings) <= {"optimal", "feasible"}, report.endings
    assert 0 < report.most_workers <= report.pool
