"""Planted pupil references never appear in logs, error bodies, or anywhere in the job store
outside the stored payload and result."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.api_helpers import AUTH, bundled, settings, wait

PLANTED = "PLANTEDREF"


def _planted_instance() -> dict[str, Any]:
    data = bundled("dps_small")
    for i, r in enumerate(data["referrals"]):
        r["reference"] = f"{PLANTED}{i:03d}"
    data["offers"][0]["reference"] = f"{PLANTED}016"
    return data


def test_planted_references_stay_in_payloads(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    app = create_app(settings(tmp_path))
    with TestClient(app) as client:
        instance = _planted_instance()
        job = client.post(
            "/v1/jobs", json={"kind": "placements", "instance": instance}, headers=AUTH
        )
        assert job.status_code == 202
        assert PLANTED not in job.text
        done = wait(client, job.json()["id"], AUTH, ("optimal", "failed"))
        assert done["status"] == "optimal"
        assert PLANTED not in str(done)
        result = client.get(f"/v1/jobs/{job.json()['id']}/result", headers=AUTH)
        assert PLANTED in result.text  # the caller gets their own references back
        sync = client.post("/v1/placements/solve", json=instance, headers=AUTH)
        assert sync.status_code == 200
        errors = []
        duplicated = _planted_instance()
        duplicated["referrals"][1]["reference"] = f"{PLANTED}000"
        errors.append(client.post("/v1/placements/solve", json=duplicated, headers=AUTH))
        wrong_type = _planted_instance()
        wrong_type["referrals"][2]["key_stage"] = f"{PLANTED}X"
        errors.append(client.post("/v1/placements/validate", json=wrong_type, headers=AUTH))
        unknown_key = _planted_instance()
        unknown_key["referrals"][3][f"{PLANTED}_key"] = 1
        errors.append(
            client.post(
                "/v1/jobs", json={"kind": "placements", "instance": unknown_key}, headers=AUTH
            )
        )
        errors.append(
            client.post("/v1/jobs", json={"kind": "staffing", "instance": instance}, headers=AUTH)
        )
        for response in errors:
            assert response.status_code == 422, response.text
            assert PLANTED not in response.text
    captured = capfd.readouterr()
    assert PLANTED not in caplog.text
    assert PLANTED not in captured.out + captured.err  # worker processes log to inherited stderr
    with sqlite3.connect(tmp_path / "jobs.sqlite3") as db:
        columns = [c[1] for c in db.execute("PRAGMA table_info(jobs)")]
        outside = [c for c in columns if c not in ("payload", "result")]
        for row in db.execute(f"SELECT {', '.join(outside)} FROM jobs"):
            assert PLANTED not in " ".join(str(v) for v in row)
        assert (
            db.execute(
                "SELECT COUNT(*) FROM jobs WHERE payload LIKE ?", (f"%{PLANTED}%",)
            ).fetchone()[0]
            == 1
        )
