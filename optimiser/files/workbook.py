"""Instances and solutions as workbooks (.xlsx, openpyxl) and CSV folders.

An instance is written one sheet per table (see optimiser.tables) plus a `notes` sheet naming
each column's meaning and unit; reading it back (optimiser.files.read) gives the same
instance. Results are written as workbooks a council can file.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from optimiser.files.dropdowns import add_drop_downs
from optimiser.files.notes import notes_rows
from optimiser.files.pages import landscape
from optimiser.files.results_placements import placements_book
from optimiser.files.results_staffing import staffing_book
from optimiser.files.solver_reports import Report
from optimiser.files.tables import (
    TABLES,
    columns,
    flatten,
    settings_fields,
)
from optimiser.placements.schema import PlacementInstance
from optimiser.placements.solution import PlacementSolution
from optimiser.staffing.schema import StaffingInstance
from optimiser.staffing.solution import StaffingSolution

Rows = list[list[Any]]
HEADER = Font(bold=True, color="FFFFFF")
FILL = PatternFill("solid", fgColor="1F4E79")


def instance_tables(instance: StaffingInstance | PlacementInstance) -> dict[str, Rows]:
    """Every sheet of an instance as rows, the first row the headers."""
    data = instance.model_dump(mode="json")
    out: dict[str, Rows] = {}
    for table in TABLES[instance.kind]:
        if table.field in ("", "policy"):
            source = data if table.field == "" else data["policy"]
            out[table.sheet] = [["field", "value"]] + [
                [c, flatten(source, [(c, t)])[c]] for c, t in settings_fields(table.model)
            ]
            continue
        cols = columns(table.model)
        if table.child_of is not None:
            out[table.sheet] = [[table.key, *(c for c, _ in cols)]] + [
                [parent["id"], *flatten(child, cols).values()]
                for parent in data[table.child_of]
                for child in parent[table.field]
            ]
        else:
            head, _, inner = table.field.partition(".")  # policy.objective: inside the policy
            items: list[Any] = (data[head].get(inner) or []) if inner else data[head]
            out[table.sheet] = [[c for c, _ in cols]] + [
                list(flatten(r, cols).values()) for r in items
            ]
    return out


def write_instance_workbook(instance: StaffingInstance | PlacementInstance, path: Path) -> None:
    """Write an instance as a workbook, one sheet per table."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    for sheet, rows in instance_tables(instance).items():
        _write_sheet(book.create_sheet(sheet), rows)
    _write_sheet(book.create_sheet("notes"), notes_rows(instance.kind))
    add_drop_downs(book, instance.kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def write_instance_csv(instance: StaffingInstance | PlacementInstance, folder: Path) -> None:
    """Write an instance as a folder of CSV files, one per sheet, and kind.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kind.txt").write_text(instance.kind + "\n", encoding="utf-8")
    for sheet, rows in instance_tables(instance).items():
        with (folder / f"{sheet}.csv").open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([["" if v is None else v for v in r] for r in rows])


def _write_sheet(ws: Worksheet, rows: Rows) -> None:
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font, cell.fill = HEADER, FILL
    ws.freeze_panes = "A2"
    for i, column in enumerate(zip(*rows, strict=False), start=1):
        width = max(len(str(v)) if v is not None else 0 for v in column)
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, width + 2))


def write_solution_workbook(
    solution: StaffingSolution | PlacementSolution,
    path: Path,
    instance: StaffingInstance | PlacementInstance,
    source: Path | None = None,
    reports: Sequence[Report] = (),
) -> None:
    """The result as a workbook a council can file: a Summary first (the Diagnosis when no
    plan meets every rule), names beside ids, plain headers with units, print setup on every
    sheet. `source`: the input file, named and hashed on the Summary. `reports`: Answer,
    Sensitivity or Limits sheets (a staffing plan solved with `SolveOptions(sensitivity=True)`;
    any placement plan)."""
    if isinstance(solution, StaffingSolution):
        assert isinstance(instance, StaffingInstance)
        book = staffing_book(solution, instance, source, reports)
    else:
        assert isinstance(instance, PlacementInstance)
        book = placements_book(solution, instance, source, reports)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def write_frames_workbook(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """DataFrames as formatted sheets (a sweep's table, a solution's tables), each printing
    A4 landscape, one page wide."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    for sheet, frame in tables.items():
        rows: Rows = [list(frame.columns)] + [
            [_plain(v) for v in r] for r in frame.itertuples(index=False)
        ]
        ws = book.create_sheet(sheet)
        _write_sheet(ws, rows)
        landscape(ws, one_page=False)
        for i, column in enumerate(frame.columns, start=1):
            fmt = _number_format(str(column))
            if fmt:
                for cell in ws[get_column_letter(i)][1:]:
                    cell.number_format = fmt
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def _plain(value: Any) -> Any:
    """Cells take numbers, text and booleans (NaN as an empty cell); anything else as text."""
    if isinstance(value, float) and value != value:  # noqa: PLR0124 (NaN)
        return None
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def _number_format(column: str) -> str | None:
    if column.endswith("_gbp"):
        return '"£"#,##0;-"£"#,##0'
    if column.endswith("_fte") or column in ("fte", "change_alone", "change_in_combined_repair"):
        return "0.00"
    if column.endswith("share"):
        return "0.0%"
    if column.endswith("_km"):
        return "0.0"
    return None
