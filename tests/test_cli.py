"""The command line's exit statuses: 0 plan, 2 invalid input, 3 infeasible (diagnosis shown)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from optimiser.cli import app
from tests.helpers import INSTANCES, raw

runner = CliRunner()


def test_plan_exits_0_and_writes_json(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(
        app, ["solve", str(INSTANCES / "staffing_small.json"), "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "optimal" in result.output
    assert "£50,000" in result.output
    assert json.loads(out.read_text())["net_cost_gbp"] == 50000.0


def test_cbc_and_time_limit_options() -> None:
    result = runner.invoke(
        app,
        ["solve", str(INSTANCES / "staffing_small.json"), "--solver", "cbc", "--time-limit", "30"],
    )
    assert result.exit_code == 0, result.output
    assert "cbc" in result.output


def test_invalid_input_exits_2(tmp_path: Path) -> None:
    data = raw("staffing_small")
    data["staff_groups"][0]["fte_available"] = -3
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["solve", str(path)])
    assert result.exit_code == 2
    assert "staff_groups[0].fte_available" in result.output


def test_infeasible_exits_3_with_diagnosis(tmp_path: Path) -> None:
    data = raw("staffing_small")
    data["council_budget_cap_gbp"] = 20000
    path = tmp_path / "tight.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["solve", str(path)])
    assert result.exit_code == 3
    assert "No plan meets every rule" in result.output
    assert "council's net contribution of at most £20,000" in result.output


def test_unknown_solver_is_a_usage_error() -> None:
    result = runner.invoke(
        app, ["solve", str(INSTANCES / "staffing_small.json"), "--solver", "gurobi"]
    )
    assert result.exit_code == 2
    assert "gurobi" in result.output


def test_several_files_write_one_json_each(tmp_path: Path) -> None:
    files = [str(INSTANCES / "staffing_small.json"), str(INSTANCES / "oakfield_traded_offer.json")]
    result = runner.invoke(app, ["solve", *files, "--json", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in tmp_path.iterdir()} == {
        "staffing_small.json",
        "oakfield_traded_offer.json",
    }
