"""`optimiser solve FILE --set PATH=VALUE`: a what-if from the command line with the sweep's
field paths; `solve --help` names every accepted format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from optimiser import InstanceError, load_instance, parse_staffing, solve
from optimiser.cli import app
from optimiser.files.workbook import write_instance_workbook
from optimiser.scenarios.settings import load_with_settings
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


def test_every_set_problem_and_the_files_own_in_one_round(tmp_path: Path) -> None:
    """A path naming nothing, a field the schema does not have, a value of the wrong type, a
    share typed as a percentage and the file's own mistake: one error, five problems."""
    data = raw("oxfordshire_2015_16")
    next(g for g in data["staff_groups"] if g["id"] == "sia")["fte_available"] = -1
    source = tmp_path / "oxfordshire.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    sets = [
        "functions[nope].min_fte=1",
        "functions[co01].bogus=1",
        "council_budget_cap_gbp=lots",
        "bands[traded].max_share=35",
    ]
    result = CliRunner().invoke(
        app, ["solve", str(source), *(a for s in sets for a in ("--set", s))]
    )
    assert result.exit_code == 2
    lines = [line.strip() for line in result.output.splitlines()[1:]]
    index = [g["id"] for g in data["staff_groups"]].index("sia")
    assert lines == [
        "• --set functions[nope].min_fte: no list item with that id",
        "• --set functions[co01].bogus: no such field",
        "• --set bands[traded].max_share: enter the share as a fraction, for example 0.35 for 35%",
        "• --set council_budget_cap_gbp: enter a number",
        f"• staff_groups[{index}].fte_available: must be 0 or more [ids: sia]",
    ]


def test_set_problems_with_a_workbooks_own_by_sheet_row_and_column(tmp_path: Path) -> None:
    """In a workbook, the file's own mistakes keep their sheet, row and column; a refused value
    that was set is named by its setting, not by the cell it replaced."""
    book_path = tmp_path / "oxfordshire.xlsx"
    write_instance_workbook(load_instance(OXFORDSHIRE), book_path)
    book = load_workbook(book_path)
    groups = book["staff_groups"]
    header = [c.value for c in groups[1]]
    groups.cell(2, header.index("fte_available") + 1, "lots")
    book.save(book_path)
    with pytest.raises(InstanceError) as caught:
        load_with_settings(book_path, ["bands[traded].max_share=35", "nothing[x].y=1"])
    letter = get_column_letter(header.index("fte_available") + 1)
    assert [str(p) for p in caught.value.problems] == [
        f"sheet staff_groups, row 2, column {letter} (fte_available): expected a number",
        "--set nothing[x].y: no such field",
        "--set bands[traded].max_share: enter the share as a fraction, for example 0.35 for 35%",
    ]


def test_solve_help_names_every_format() -> None:
    result = CliRunner().invoke(app, ["solve", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(re.sub("[\u2500-\u257f]", " ", result.output).split())  # no box lines
    for words in ("JSON files (.json)", "workbooks (.xlsx", "folders of CSV files", "--set"):
        assert words in text
