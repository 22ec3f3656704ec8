"""A plan over years keeps every year on every way out of the engine: the HTTP API (a job and a
synchronous solve, through the worker processes and the job store), `solve_many` in one and two
processes, and the command line's JSON. Each is compared with the plan solved directly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from optimiser import SolveOptions, StaffingSolution, parse_staffing, solve, solve_many
from optimiser.cli import app
from tests.api_helpers import AUTH, bundled, settings, wait
from tests.helpers import INSTANCES

YEARS = {"oxfordshire_2015_18": 3, "bromley_outreach_pilot": 3}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with TestClient(create_app(settings(tmp_path_factory.mktemp("store")))) as c:
        yield c


@pytest.fixture(scope="module")
def direct() -> dict[str, StaffingSolution]:
    return {name: solve(parse_staffing(bundled(name))) for name in YEARS}


def same_years(got: StaffingSolution, want: StaffingSolution) -> None:
    """Every year's figures as the direct solve has them (statistics aside)."""
    assert got.status == want.status
    assert len(got.years) == len(want.years) > 1
    assert [y.year for y in got.years] == [y.year for y in want.years]
    for mine, theirs in zip(got.years, want.years, strict=True):
        assert mine.net_cost_gbp == pytest.approx(theirs.net_cost_gbp, abs=0.05)
        assert mine.groups, mine.year
        assert all((mine.deployments, mine.functions, mine.categories, mine.ledger)), mine.year
        assert mine.council is not None
        got_posts = {g.group: g.retained_fte for g in mine.groups}
        want_posts = {g.group: g.retained_fte for g in theirs.groups}
        assert got_posts == pytest.approx(want_posts, abs=1e-6)
    assert got.net_cost_gbp == pytest.approx(want.net_cost_gbp, abs=0.05)
    assert got.discounted_net_cost_gbp == pytest.approx(want.discounted_net_cost_gbp, abs=0.05)
    assert got.verification is not None
    assert got.verification.passed


def parsed(body: dict[str, Any]) -> StaffingSolution:
    return StaffingSolution.model_validate_json(json.dumps(body))


@pytest.mark.parametrize("name", sorted(YEARS))
def test_synchronous_solve_returns_every_year(
    client: TestClient, direct: dict[str, StaffingSolution], name: str
) -> None:
    response = client.post("/v1/staffing/solve", json=bundled(name), headers=AUTH)
    assert response.status_code == 200, response.text
    assert len(response.json()["years"]) == YEARS[name]
    same_years(parsed(response.json()), direct[name])


@pytest.mark.parametrize("name", sorted(YEARS))
def test_job_result_returns_every_year(
    client: TestClient, direct: dict[str, StaffingSolution], name: str
) -> None:
    body = {"kind": "staffing", "instance": bundled(name), "options": {"time_limit_seconds": 60}}
    submitted = client.post("/v1/jobs", json=body, headers=AUTH)
    assert submitted.status_code == 202, submitted.text
    job = submitted.json()["id"]
    assert wait(client, job, AUTH, ("optimal", "failed"))["status"] == "optimal"
    result = client.get(f"/v1/jobs/{job}/result", headers=AUTH).json()
    assert len(result["years"]) == YEARS[name]
    same_years(parsed(result), direct[name])


@pytest.mark.parametrize("jobs", [1, 2])
def test_solve_many_keeps_every_year(direct: dict[str, StaffingSolution], jobs: int) -> None:
    names = sorted(YEARS)
    got = solve_many([parse_staffing(bundled(n)) for n in names], SolveOptions(), jobs=jobs)
    for name, solution in zip(names, got, strict=True):
        assert isinstance(solution, StaffingSolution)
        same_years(solution, direct[name])


def test_command_line_json_keeps_every_year(
    tmp_path: Path, direct: dict[str, StaffingSolution]
) -> None:
    out = tmp_path / "plan.json"
    path = INSTANCES / "oxfordshire_2015_18.json"
    result = CliRunner().invoke(app, ["solve", str(path), "--json", str(out)])
    assert result.exit_code == 0, result.output
    written = StaffingSolution.model_validate_json(out.read_text())
    same_years(written, direct["oxfordshire_2015_18"])
