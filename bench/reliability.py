"""The job server's reliability harness, shared by tests/test_api_reliability.py (bounded) and
`make soak` (full): a real server process on loopback, real SIGKILLs, real SQLite.

Each check returns its figures; the callers assert on them (tests) or print them (soak).
Traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from api.local import free_port, start_server
from api.marks import STORE_MARK
from api.records import TERMINAL

ROOT = Path(__file__).resolve().parent.parent
KEY = "reliability-key-1"
OTHER_KEY = "reliability-key-2"
CANARY = "Zq7Canary"


def bundled(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "instances" / f"{name}.json").read_text())
    return data


@dataclass(frozen=True)
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


@dataclass
class Server:
    """`python -m api` on a free port with its own data folder; stderr goes to `log`."""

    data_dir: Path
    settings: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def db(self) -> Path:
        return self.data_dir / "jobs.sqlite3"

    @property
    def log(self) -> Path:
        return self.data_dir / "server.log"

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {
            "OPTIMISER_API_KEYS": f"{KEY},{OTHER_KEY}",
            "OPTIMISER_DATA_DIR": str(self.data_dir),
            **self.settings,
        }
        self.process = start_server(self.port, env, log_path=self.log)

    def kill(self) -> None:
        """SIGKILL the server's process group (a crash: no shutdown hook runs)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
            self.process = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        key: str | None = KEY,
    ) -> Reply:
        """One request; a JSON body for a dict. Never raises on an HTTP status."""
        sent = {"Content-Type": "application/json"} if body is not None else {}
        sent |= {"X-API-Key": key} if key else {}
        sent |= headers or {}
        raw = json.dumps(body).encode() if isinstance(body, dict) else body
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=raw, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            heads = {k.lower(): v for k, v in response.getheaders()}
            return Reply(response.status, heads, text)
        finally:
            conn.close()

    def jobs(self) -> dict[str, tuple[str, float | None, float | None]]:
        """Every job in the store: id -> (status, started, finished), read directly."""
        with contextlib.closing(sqlite3.connect(self.db, timeout=30)) as db:
            rows = db.execute("SELECT id, status, started, finished FROM jobs").fetchall()
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

    def status_of(self, job_id: str) -> str | None:
        with contextlib.closing(sqlite3.connect(self.db, timeout=30)) as db:
            row = db.execute("SELECT status FROM jobs WHERE id=?", (job_id,)).fetchone()
        return None if row is None else str(row[0])

    def descendants(self) -> list[psutil.Process]:
        """Every live process a worker of this server's store started, or the worker itself
        (by the store named in its environment)."""
        found = []
        for proc in psutil.process_iter(["status"]):
            with contextlib.suppress(psutil.Error):
                ours = proc.environ().get(STORE_MARK) == str(self.db)
                if ours and proc.info["status"] != psutil.STATUS_ZOMBIE:
                    found.append(proc)
        return found

    def workers(self) -> list[psutil.Process]:
        """Live worker processes of this server's data folder."""
        found = []
        for proc in psutil.process_iter(["cmdline", "status"]):
            cmdline = proc.info["cmdline"] or []
            if (
                "api.worker" in cmdline
                and str(self.db) in cmdline
                and proc.info["status"] != psutil.STATUS_ZOMBIE
            ):
                found.append(proc)
        return found

    def wait_all(self, ids: list[str], timeout: float) -> dict[str, str | None]:
        """Poll the store until every job is terminal (or the time is up): id -> status."""
        deadline = time.time() + timeout
        while True:
            jobs = self.jobs()
            statuses = {i: jobs[i][0] if i in jobs else None for i in ids}
            if all(s in TERMINAL for s in statuses.values()) or time.time() > deadline:
                return statuses
            time.sleep(0.2)


class WorkerSampler:
    """Counts this server's live workers every few hundredths of a second, in a thread."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> WorkerSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.most = max(self.most, len(self.server.workers()))
            self._stop.wait(0.03)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def hard_job(time_limit: float, seed: int = 11) -> dict[str, Any]:
    """Weekday packing at 2,000 x 100 on HiGHS: it runs to any time limit of a few seconds."""
    from optimiser.placements.generate import generate_placements  # noqa: PLC0415

    instance = generate_placements(2000, 100, seed=seed, weekday_places=True)
    return {
        "kind": "placements",
        "instance": instance.model_dump(mode="json"),
        "options": {"solver": "highs", "time_limit_seconds": time_limit},
    }


def small_job() -> dict[str, Any]:
    return {"kind": "placements", "instance": bundled("dps_small")}
