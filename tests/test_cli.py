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


def test_placements_solve_prints_tables_and_writes_csv(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "solve",
            str(INSTANCES / "dps_small.json"),
            "--csv",
            str(tmp_path / "csv"),
            "--json",
            str(tmp_path / "plan.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "19 of 20 referrals placed" in result.output
    assert "DPS-020" in result.output
    assert "no_eligible_provider" in result.output
    assert {p.name for p in (tmp_path / "csv").iterdir()} == {
        "placements.csv",
        "unplaced.csv",
        "utilisation.csv",
    }
    unplaced = (tmp_path / "csv" / "unplaced.csv").read_text()
    assert "DPS-020,no_eligible_provider" in unplaced
    assert json.loads((tmp_path / "plan.json").read_text())["totals"]["placed"] == 19


def test_placements_backend_can_be_forced() -> None:
    for solver in ("flow", "lagrange", "highs", "cpsat"):
        result = runner.invoke(
            app, ["solve", str(INSTANCES / "dps_small.json"), "--solver", solver]
        )
        assert result.exit_code == 0, result.output
        assert f"Backend: {solver}" in result.output
    result = runner.invoke(
        app, ["solve", str(INSTANCES / "outreach_primary.json"), "--solver", "flow"]
    )
    assert result.exit_code == 1
    assert "min-cost flow cannot express weekday places" in result.output


def test_generate_is_reproducible(tmp_path: Path) -> None:
    args = ["generate", "placements", "--referrals", "50", "--providers", "8", "--seed", "7"]
    first = runner.invoke(app, [*args, "--out", str(tmp_path / "a.json")])
    second = runner.invoke(app, [*args, "--out", str(tmp_path / "b.json")])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    other = runner.invoke(app, [*args[:-1], "8", "--out", str(tmp_path / "c.json")])
    assert other.exit_code == 0
    assert (tmp_path / "c.json").read_text() != (tmp_path / "a.json").read_text()
    solved = runner.invoke(app, ["solve", str(tmp_path / "a.json")])
    assert solved.exit_code == 0, solved.output


def test_shortlist_reads_with_names() -> None:
    """`optimiser shortlist` on the bundled small instance: DPS-001 goes to Abingdon hub
    (£11,111); Meadowbrook AP academy is next (£11,429, adding £318). The table and the
    sentence name the providers and the lot, not their ids or lot codes."""
    result = runner.invoke(app, ["shortlist", str(INSTANCES / "dps_small.json"), "DPS-001"])
    assert result.exit_code == 0, result.output
    words = " ".join(result.output.split())
    assert (
        "Placed with Abingdon hub, Full-time provision from day 6 of an exclusion (interim), "
        "at £11,111. Next cheapest: Meadowbrook AP academy, Full-time provision from day 6 of "
        "an exclusion (interim), at £11,429; choosing it instead adds £318 to the plan."
    ) in words
    assert "Abingdon hub (plan)" in words
    assert "abingdon_hub" not in words
    assert "interim_full_time" not in words
