"""Result workbooks a council can file: every bundled result opened with openpyxl and checked
for its Summary figures, its print setup and (staffing) the council's position reconciled to
the penny; an infeasible result opens on its diagnosis; placements list every provider."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from optimiser import (
    PlacementInstance,
    PlacementSolution,
    SolveOptions,
    SolveStatus,
    StaffingInstance,
    StaffingSolution,
    load_instance,
    parse_instance,
    solve,
)
from optimiser.files.report_table import Report
from optimiser.files.results_years import YEAR_SHEETS
from optimiser.files.workbook import write_frames_workbook, write_solution_workbook
from tests.helpers import INSTANCES, raw

BUNDLED = sorted(INSTANCES.glob("*.json"))
STAFFING_SHEETS = [
    "Summary",
    "Council position",
    "Deployment",
    "Functions",
    "Staff groups",
    "Funding",
    "Binding rules",
]


def summary(book: Workbook) -> dict[Any, Any]:
    """The Summary sheet's label -> value rows."""
    return {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r[0]}


def rows(book: Workbook, sheet: str, first: int = 2) -> list[tuple[Any, ...]]:
    return list(book[sheet].iter_rows(min_row=first, values_only=True))


def written(path: Path, tmp_path: Path) -> tuple[Any, Any, Workbook]:
    instance = load_instance(path)
    solution = solve(instance)
    target = tmp_path / f"{path.stem}.xlsx"
    write_solution_workbook(solution, target, instance, path)
    return instance, solution, load_workbook(target)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_summary_first_and_print_setup(path: Path, tmp_path: Path) -> None:
    instance, solution, book = written(path, tmp_path)
    assert book.sheetnames[0] == "Summary"
    figures = summary(book)
    assert figures["Status"].startswith("Optimal")
    assert figures["Input file"] == path.name
    assert len(figures["Input file SHA-256"]) == 64
    assert figures["Plan re-checked without the solver"].startswith("Yes")
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1, ws.title
        assert ws.page_setup.fitToHeight == 1, ws.title  # one page (tests/test_result_print.py)
        props, footer = ws.sheet_properties.pageSetUpPr, ws.oddFooter
        assert props is not None
        assert props.fitToPage, ws.title
        assert footer is not None
        assert footer.left.text == instance.name, ws.title
        assert footer.right.text == "Page &P of &N", ws.title
    for ws in book.worksheets[1:]:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws["A1"].font.bold, ws.title
    if isinstance(solution, StaffingSolution) and solution.years:
        year_figures(solution, book)
    elif isinstance(solution, StaffingSolution):
        staffing_figures(solution, book)
    else:
        placement_figures(solution, instance, book)


def staffing_figures(solution: StaffingSolution, book: Workbook) -> None:
    assert solution.council is not None
    assert book.sheetnames == STAFFING_SHEETS
    figures = summary(book)
    assert figures["Council net cost (£ a year)"] == solution.council.net_gbp
    cap = solution.council.cap_gbp
    assert figures["Council budget cap (£ a year)"] == ("no cap" if cap is None else cap)
    assert figures["Headroom under the cap (£ a year)"] == solution.council.headroom_gbp
    assert figures["Objective"] == "The lowest net cost to the council"
    reconciled(solution.council.net_gbp, book)


def year_figures(solution: StaffingSolution, book: Workbook) -> None:
    """A plan over years: its total on the Summary, one row a year whose net costs add up to
    it, and each group's establishment in every year."""
    assert list(dict.fromkeys(re.sub(r" \d+$", "", s) for s in book.sheetnames)) == [
        "Summary",
        *YEAR_SHEETS,
    ]
    figures = summary(book)
    assert figures["Council net cost over the years (£)"] == solution.net_cost_gbp
    nets = [r[1] for r in rows(book, "Year by year")]
    assert nets == [y.net_cost_gbp for y in solution.years]
    assert sum(nets) == pytest.approx(solution.net_cost_gbp, abs=0.02)
    groups = len(solution.years[0].groups)
    assert len(parts(book, "Establishment")) == groups * len(solution.years)


def reconciled(net: float, book: Workbook) -> None:
    """Both statements on the Council position sheet end on the net cost, and their lines
    (costs, income, funding; the council's rows, surplus, sources left over) add up to it to
    the penny."""
    for statement in ("How the net cost arises", "How the council meets it"):
        lines = [r for r in rows(book, "Council position") if r[0] == statement]
        assert lines[-1][1] == "Council net cost"
        assert lines[-1][3] == net
        assert round(sum(r[3] for r in lines[:-1]), 2) == pytest.approx(net, abs=0.005)


def placement_figures(
    solution: PlacementSolution, instance: PlacementInstance, book: Workbook
) -> None:
    assert solution.totals is not None
    sheets = [re.sub(r" \d+$", "", s) for s in book.sheetnames]  # long lists: numbered parts
    assert list(dict.fromkeys(sheets)) == [
        "Summary",
        "Placements",
        "Unplaced",
        "Utilisation",
        "Peak pupils by lot",
    ]
    figures = summary(book)
    assert figures["Placement cost (£)"] == solution.totals.objective_gbp
    assert figures["Placed"] == solution.totals.placed
    assert figures["Not placed"] == solution.totals.unplaced
    names = {p.id: p.name for p in instance.providers}
    for sheet in ("Utilisation", "Peak pupils by lot"):
        providers = [r[:2] for r in parts(book, sheet)]
        assert providers == list(names.items())  # those with no pupils included
    placed = parts(book, "Placements")
    assert [r[0] for r in placed] == [p.reference for p in solution.placements]
    lots = {x.id: x.name for x in instance.lots}
    for row, placement in zip(placed, solution.placements, strict=True):
        assert row[1:4] == (placement.provider, names[placement.provider], lots[placement.lot])
    costs = [r[6] for r in parts(book, "Utilisation")]
    total = sum(p.total_cost_gbp for p in solution.placements)
    assert sum(costs) == pytest.approx(total, abs=0.01)


def parts(book: Workbook, sheet: str) -> list[tuple[Any, ...]]:
    """The rows of a sheet, or of its numbered parts in order."""
    titles = [t for t in book.sheetnames if re.fullmatch(rf"{sheet}( \d+)?", t)]
    return [r for t in titles for r in rows(book, t)]


def test_staffing_sheets_have_names_units_and_lists(tmp_path: Path) -> None:
    instance, _, book = written(INSTANCES / "oxfordshire_2015_16.json", tmp_path)
    assert isinstance(instance, StaffingInstance)
    functions = book["Functions"]
    assert [c.value for c in functions[1]][:4] == [
        "Function id",
        "Function",
        "Category",
        "Statutory",
    ]
    assert functions["B2"].value == instance.functions[0].name
    assert functions["C2"].value == "Core Offer"
    assert functions["G1"].value == "Cost (£ a year)"
    assert functions["G2"].number_format.startswith('"£"')
    groups = {r[0]: r for r in rows(book, "Staff groups")}
    sia = instance.group("sia")
    assert groups["sia"][3] == ", ".join(sia.skills)
    assert "[" not in groups["sia"][3]
    sentences = [r[3] for r in rows(book, "Binding rules")]
    assert any(str(s).startswith("Each") for s in sentences)


def test_infeasible_result_opens_on_its_diagnosis(tmp_path: Path) -> None:
    data = raw("oxfordshire_2015_16")
    data["council_budget_cap_gbp"] = 100_000
    instance = parse_instance(data)
    solution = solve(instance)
    assert solution.status is SolveStatus.INFEASIBLE
    write_solution_workbook(solution, tmp_path / "no.xlsx", instance)
    book = load_workbook(tmp_path / "no.xlsx")
    assert book.sheetnames == ["Diagnosis", "Summary"]
    assert book.active is not None
    assert book.active.title == "Diagnosis"
    diagnosis = book["Diagnosis"]
    assert diagnosis["A1"].value == "No plan meets every rule."
    conflicts = [r for r in rows(book, "Diagnosis", 5) if r[0]]
    assert any("council" in str(r[0]) for r in conflicts)
    assert summary(book)["Status"].startswith("Infeasible")
    assert summary(book)["Instance data SHA-256"]


def test_unplaced_reasons_in_words(tmp_path: Path) -> None:
    _, solution, book = written(INSTANCES / "dps_small.json", tmp_path)
    assert isinstance(solution, PlacementSolution)
    unplaced = parts(book, "Unplaced")
    assert [r[0] for r in unplaced] == [u.reference for u in solution.unplaced]
    assert unplaced[0][:2] == ("DPS-020", "No eligible provider")
    assert all("_" not in r[1] for r in unplaced)


def test_placements_sheet_names_provider_and_lot(tmp_path: Path) -> None:
    """The Placements sheet beside each provider's id gives its name, and gives the lot by its
    name (as the council's framework calls it), not its code."""
    _, _, book = written(INSTANCES / "dps_small.json", tmp_path)
    assert next(book["Placements"].iter_rows(max_row=1, values_only=True))[:4] == (
        "Referral",
        "Provider id",
        "Provider",
        "Lot",
    )
    first = next(r for r in parts(book, "Placements") if r[0] == "DPS-001")
    assert first[:4] == (
        "DPS-001",
        "abingdon_hub",
        "Abingdon hub",
        "Full-time provision from day 6 of an exclusion (interim)",
    )
    assert not {r[3] for r in parts(book, "Placements")} & {"interim_full_time", "therapeutic"}


def test_every_sheet_of_every_result_workbook_prints_landscape(tmp_path: Path) -> None:
    """Staffing and placement results with the Answer, Sensitivity and Limits sheets, an
    infeasible result's Diagnosis, a long list split into numbered sheets (the county's) and a
    sweep's table: every sheet A4 landscape, fitted to the page's width."""
    reports = list(Report)
    small, dps = INSTANCES / "staffing_small.json", INSTANCES / "dps_small.json"
    for path, options in ((small, SolveOptions(sensitivity=True)), (dps, None)):
        instance = load_instance(path)
        write_solution_workbook(
            solve(instance, options), tmp_path / f"{path.stem}.xlsx", instance, path, reports
        )
    data = raw("oxfordshire_2015_16")
    data["council_budget_cap_gbp"] = 100_000
    infeasible = parse_instance(data)
    write_solution_workbook(solve(infeasible), tmp_path / "no.xlsx", infeasible)
    county = load_instance(INSTANCES / "county_600x80.json")
    write_solution_workbook(solve(county), tmp_path / "county.xlsx", county)
    sweep = pd.DataFrame({"cap_gbp": [1_000.0, 2_000.0], "objective": [3.0, 2.0]})
    write_frames_workbook({"sweep": sweep}, tmp_path / "sweep.xlsx")
    books = {p.stem: load_workbook(p) for p in sorted(tmp_path.glob("*.xlsx"))}
    assert "Limits report" in books["staffing_small"].sheetnames
    assert "Limits report" in books["dps_small"].sheetnames
    assert "Diagnosis" in books["no"].sheetnames
    assert {"Unplaced 2", "Utilisation", "Peak pupils by lot"} <= set(books["county"].sheetnames)
    for name, book in books.items():
        for ws in book.worksheets:
            assert ws.page_setup.orientation == "landscape", (name, ws.title)
            assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4, (name, ws.title)
            assert ws.page_setup.fitToWidth == 1, (name, ws.title)
