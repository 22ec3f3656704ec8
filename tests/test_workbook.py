"""Spreadsheets: bundled instances round-trip through workbooks and CSV folders unchanged; bad
cells are reported by sheet, row and column; templates and result workbooks open."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from optimiser import InstanceError, load_instance
from optimiser.cli import app
from optimiser.files.workbook import (
    instance_tables,
    write_instance_csv,
    write_instance_workbook,
)
from tests.helpers import INSTANCES

BUNDLED = sorted(INSTANCES.glob("*.json"))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_round_trip(path: Path, tmp_path: Path) -> None:
    instance = load_instance(path)
    write_instance_workbook(instance, tmp_path / "book.xlsx")
    back = load_instance(tmp_path / "book.xlsx")
    assert back == instance
    write_instance_workbook(back, tmp_path / "again.xlsx")  # workbook -> instance -> workbook
    first, second = load_workbook(tmp_path / "book.xlsx"), load_workbook(tmp_path / "again.xlsx")
    assert first.sheetnames == second.sheetnames
    for name in first.sheetnames:
        assert list(first[name].values) == list(second[name].values)
    write_instance_csv(instance, tmp_path / "csv")
    assert load_instance(tmp_path / "csv") == instance


def test_bad_cells_name_sheet_row_and_column(tmp_path: Path) -> None:
    write_instance_workbook(load_instance(INSTANCES / "staffing_small.json"), tmp_path / "b.xlsx")
    book = load_workbook(tmp_path / "b.xlsx")
    book["staff_groups"]["D2"] = "three"  # fte_available of the first group
    book["functions"]["E3"] = -4  # min_fte of the second function
    book.save(tmp_path / "b.xlsx")
    with pytest.raises(InstanceError) as caught:
        load_instance(tmp_path / "b.xlsx")
    assert [str(p) for p in caught.value.problems] == [
        "sheet staff_groups, row 2, column D (fte_available): expected a number",
        "sheet functions, row 3, column E (min_fte): must be 0 or more [ids: strategic]",
    ]


def test_templates_are_filled_in_and_solved(tmp_path: Path) -> None:
    runner = CliRunner()
    for kind in ("staffing", "placements"):
        target = tmp_path / f"{kind}.xlsx"
        result = runner.invoke(app, ["template", kind, str(target)])
        assert result.exit_code == 0, result.output
        book = load_workbook(target)
        assert "notes" in book.sheetnames
        assert any(row[3] == "£ a year" or row[3] == "£" for row in book["notes"].values)
        solved = runner.invoke(
            app, ["solve", str(target), "--xlsx", str(tmp_path / f"{kind}_result.xlsx")]
        )
        assert solved.exit_code == 0, solved.output


def test_export_command_and_tables() -> None:
    tables = instance_tables(load_instance(INSTANCES / "dps_small.json"))
    assert tables["provider_lots"][0] == ["provider", "lot", "price_gbp", "per", "places"]
    assert len(tables["referrals"]) == 21


@pytest.mark.parametrize("kind", ["staffing", "placements"])
def test_templates_explain_every_column(kind: str, tmp_path: Path) -> None:
    """The notes sheet gives every column of every sheet a meaning, a unit and its allowed
    values; every sheet has an example row; categorical columns and ids from other sheets
    have drop-down lists."""
    target = tmp_path / "t.xlsx"
    assert CliRunner().invoke(app, ["template", kind, str(target)]).exit_code == 0
    book = load_workbook(target)
    notes = list(book["notes"].iter_rows(values_only=True))
    assert notes[0] == ("sheet", "column", "meaning", "unit", "allowed values")
    blank = [row[:2] for row in notes[1:] if not all(row)]
    assert blank == []
    listed = {(row[0], row[1]) for row in notes[1:]}
    for ws in book.worksheets[:-1]:
        assert ws.max_row >= 2, f"{ws.title} has no example row"
        if ws.title not in ("settings", "policy"):
            assert {(ws.title, c.value) for c in ws[1]} <= listed
    lists = {
        (ws.title, str(v.sqref).split(":")[0][:1], v.formula1)
        for ws in book.worksheets
        for v in ws.data_validations.dataValidation
    }
    expected = {
        "staffing": [
            ("staff_groups", "C", '"specialist,admin"'),
            ("functions", "C", '"core,core_plus,traded"'),
            ("funding_sources", "D", "'functions'!$A$2:$A$1000"),
        ],
        "placements": [
            ("provider_lots", "A", "'providers'!$A$2:$A$1000"),
            ("provider_lots", "B", "'lots'!$A$2:$A$1000"),
            ("provider_lots", "D", '"day,session,hour,week,place_year"'),
            ("providers", "E", '"mon,tue,wed,thu,fri"'),
            ("offers", "A", "'referrals'!$A$2:$A$1000"),
        ],
    }[kind]
    assert set(expected) <= lists
