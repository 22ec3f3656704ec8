"""The commissioning routes: shortlist, re-plan and diff over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.api_helpers import AUTH, bundled, settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings(tmp_path))) as c:
        yield c


def test_shortlist_replan_and_diff(client: TestClient) -> None:
    instance = bundled("dps_small")
    plan = client.post("/v1/placements/solve", json=instance, headers=AUTH)
    assert plan.status_code == 200
    reference = plan.json()["placements"][0]["reference"]
    body = {"instance": instance, "reference": reference, "solution": plan.json(), "k": 3}
    short = client.post("/v1/placements/shortlist", json=body, headers=AUTH)
    assert short.status_code == 200
    assert short.json()["placed_with"] == plan.json()["placements"][0]["provider"]
    again = client.post(
        "/v1/placements/replan", json={"instance": instance, "previous": plan.json()}, headers=AUTH
    )
    assert again.status_code == 200
    assert all(p["locked"] for p in again.json()["placements"])
    same = client.post(
        "/v1/placements/diff", json={"a": plan.json(), "b": plan.json()}, headers=AUTH
    )
    assert same.status_code == 200
    assert same.json()["referrals"] == []
    assert same.json()["weeks"] == []


def test_unknown_reference_is_a_problem_that_echoes_nothing(client: TestClient) -> None:
    body = {"instance": bundled("dps_small"), "reference": "Planted-Secret-42"}
    response = client.post("/v1/placements/shortlist", json=body, headers=AUTH)
    assert response.status_code == 422
    assert "Planted-Secret-42" not in response.text
    assert client.post("/v1/placements/diff", json={}).status_code == 401
