"""The planner's result pages: `python -m bench.pages [--requests 100]`.

Plans Oxfordshire 2015-16 and 2015-18 (staffing, one year and three) and the county term (600
referrals x 80 providers) as jobs through the app's own runner, then week 2 of the county
re-planned from it (a job with week 1's placements locked); then requests each result page N
times in the app's process
(Starlette's test client: no network, so the figure is the server's time to read the job,
parse the instance and solution, and render the page) and reports the first request (which
parses the stored instance and solution), p50 and p95 over all N (later requests use the
parsed copy kept for the few most recent finished scenarios), and the page size. Also a
placed referral's page (with its shortlist: the first request asks the synchronous pool for
it, later ones use the copy kept for the last few referrals asked), the re-plan's result
(with its difference from week 1), and week 1 against week 2 on the compare page.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    ("staffing", "oxfordshire_2015_16"),
    ("staffing", "oxfordshire_2015_18"),
    ("placements", "county_600x80"),
)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _plan(client: TestClient, kind: str, name: str) -> str:
    instance = json.loads((ROOT / "instances" / f"{name}.json").read_text())
    job = client.post("/v1/jobs", json={"kind": kind, "instance": instance}).json()
    return _wait(client, str(job["id"]), name)


def _wait(client: TestClient, job_id: str, name: str) -> str:
    deadline = time.time() + 120
    while time.time() < deadline:
        status = client.get(f"/v1/jobs/{job_id}").json()
        if status["status"] not in ("queued", "running"):
            return job_id
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not finish")


def _replan(client: TestClient, week1: str) -> str:
    """Week 2 re-planned from week 1 through the page's form, as a person would."""
    form = client.get(f"/scenarios/{week1}/replan").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    week2 = (ROOT / "instances" / "county_week2.json").read_bytes()
    response = client.post(
        f"/scenarios/{week1}/replan",
        data={"csrf_token": token.group(1), "keep": "lock", "name": "week 2"},
        files={"file": ("week2.json", week2, "application/json")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return _wait(client, response.headers["location"].rsplit("/", 1)[1], "county_week2")


def _time(client: TestClient, path: str, n: int) -> tuple[float, float, float, int]:
    """First request, p50 and p95 over n requests (ms), and the page's size in bytes."""
    times, size = [], 0
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        size = len(response.content)
        assert response.status_code == 200, path
    return times[0], _pct(times, 0.5), _pct(times, 0.95), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="20 requests a page.")
    args = parser.parse_args()
    n = 20 if args.quick else args.requests
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(local_only=True, data_dir=Path(folder), workers=2)
        with TestClient(create_app(settings)) as client:
            rows = []
            jobs = {}
            for kind, name in PAGES:
                jobs[name] = _plan(client, kind, name)
                rows.append((f"{kind} {name}", *_time(client, f"/scenarios/{jobs[name]}", n)))
            week1 = jobs["county_600x80"]
            week2 = _replan(client, week1)
            for label, path in (
                ("referral with shortlist", f"/scenarios/{week1}/referrals/0"),
                ("re-plan week 2 with diff", f"/scenarios/{week2}"),
                ("compare week 1, week 2", f"/scenarios/compare?a={week1}&b={week2}"),
            ):
                rows.append((label, *_time(client, path, n)))
    print(f"Planner pages, {n} requests each, in-process (2-core machine)")
    print(f"{'page':<34} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>10}")
    for label, first, p50, p95, size in rows:
        print(f"{label:<34} {first:>9.1f} {p50:>8.1f} {p95:>8.1f} {size:>10,}")


if __name__ == "__main__":
    main()
