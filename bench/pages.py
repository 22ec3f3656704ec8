"""The planner's result pages: `python -m bench.pages [--requests 100]`.

Plans Oxfordshire 2015-16 (staffing) and the county term (600 referrals x 80 providers) as jobs
through the app's own runner, then requests each result page N times in the app's process
(Starlette's test client: no network, so the figure is the server's time to read the job,
parse the instance and solution, and render the page) and reports the first request (which
parses the stored instance and solution), p50 and p95 over all N (later requests use the
parsed copy kept for the few most recent finished scenarios), and the page size.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = (("staffing", "oxfordshire_2015_16"), ("placements", "county_600x80"))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _plan(client: TestClient, kind: str, name: str) -> str:
    instance = json.loads((ROOT / "instances" / f"{name}.json").read_text())
    job = client.post("/v1/jobs", json={"kind": kind, "instance": instance}).json()
    deadline = time.time() + 120
    while time.time() < deadline:
        status = client.get(f"/v1/jobs/{job['id']}").json()
        if status["status"] not in ("queued", "running"):
            return str(job["id"])
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not finish")


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
            for kind, name in PAGES:
                job_id = _plan(client, kind, name)
                times, size = [], 0
                for _ in range(n):
                    started = time.perf_counter()
                    response = client.get(f"/scenarios/{job_id}")
                    times.append((time.perf_counter() - started) * 1000)
                    size = len(response.content)
                    assert response.status_code == 200
                rows.append((kind, name, times[0], _pct(times, 0.5), _pct(times, 0.95), size))
    print(f"Result pages, {n} requests each, in-process (2-core machine)")
    print(f"{'page':<32} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>10}")
    for kind, name, first, p50, p95, size in rows:
        print(f"{kind + ' ' + name:<32} {first:>9.1f} {p50:>8.1f} {p95:>8.1f} {size:>10,}")


if __name__ == "__main__":
    main()
