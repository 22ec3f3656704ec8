"""`optimiser solve FILE --set PATH=VALUE`: a what-if from the command line with the sweep's
field paths; `solve --help` names every accepted format."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from optimiser import load_instance, parse_staffing, solve
from optimiser.cli import app
from tests.helpers import INSTANCES, raw

OXFORDSHIRE = INSTANCES / "oxfordshire_2015_16.json"


def test_set_changes_the_instance_before_solving(tmp_path: Path) -> None:
    """The same answer as editing the JSON by hand: the cap lowered to £1,200,000 leaves
    £30,558 of headroom on the £1,169,442 optimum."""
    result = CliRunner().invoke(
        app,
        [
            "solve",
            str(OXFORDSHIRE),
            "--set",
            "council_budget_cap_gbp=1200000",
            "--set",
            "functions[tr05].max_fte=0",
            "--json",
            str(tmp_path / "plan.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    plan = json.loads((tmp_path / "plan.json").read_text())
    data = raw("oxfordshire_2015_16")
    data["council_budget_cap_gbp"] = 1_200_000
    next(f for f in data["functions"] if f["id"] == "tr05")["max_fte"] = 0
    by_hand = solve(parse_staffing(data))
    assert by_hand.council is not None
    assert plan["council"] == by_hand.council.model_dump(mode="json")
    assert plan["council"]["headroom_gbp"] == 30_558.32


def test_bad_set_paths_and_values_are_input_problems() -> None:
    runner = CliRunner()
    bad_path = runner.invoke(app, ["solve", str(OXFORDSHIRE), "--set", "functions[nope].min_fte=1"])
    assert bad_path.exit_code == 2
    assert "--set functions[nope].min_fte: no list item with that id" in bad_path.output
    bad_value = runner.invoke(
        app, ["solve", str(OXFORDSHIRE), "--set", "bands[traded].max_share=35"]
    )
    assert bad_value.exit_code == 2
    assert "enter the share as a fraction, for example 0.35 for 35%" in bad_value.output
    assert load_instance(OXFORDSHIRE) == parse_staffing(raw("oxfordshire_2015_16"))  # untouched


def test_solve_help_names_every_format() -> None:
    result = CliRunner().invoke(app, ["solve", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(re.sub("[\u2500-\u257f]", " ", result.output).split())  # no box lines
    for words in ("JSON files (.json)", "workbooks (.xlsx", "folders of CSV files", "--set"):
        assert words in text
