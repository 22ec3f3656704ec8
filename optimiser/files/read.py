"""Workbooks and CSV folders read back as instances; every problem named by sheet, row, column.

All problems come in one round: cells that cannot be read (text where a number is expected, a
date where a week number is expected) are reported together with the instance's field and
cross-entity problems (see optimiser.files.parse), each at its sheet, row and column letter.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from optimiser.core.errors import InstanceError, Problem
from optimiser.core.plain import date_message
from optimiser.files.parse import parse_instance
from optimiser.files.tables import (
    TABLES,
    CellError,
    DateCellError,
    Table,
    cell_value,
    columns,
    settings_fields,
    unflatten,
)
from optimiser.placements.schema import PlacementInstance
from optimiser.staffing.schema import StaffingInstance

Rows = list[list[Any]]
INDEX = re.compile(r"\[\d+\]")


class Adjustment(Protocol):
    """Changes made to the data read before it is checked (what-if settings): their own
    problems, and a problem with a value they wrote named by them."""

    def apply(self, data: dict[str, Any]) -> list[Problem]:
        """Change `data` in place; every problem with the changes."""

    def rename(self, problem: Problem) -> Problem | None:
        """`problem` named by the change that wrote its value; None if none did."""


def read_workbook(
    path: Path, adjust: Adjustment | None = None
) -> StaffingInstance | PlacementInstance:
    """A workbook written by `template` or `export` (or edited by hand) as a checked instance
    (`adjust`ed before it is checked)."""
    book = load_workbook(path, read_only=True, data_only=True)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    return assemble(sheets, _kind(sheets), adjust)


def read_csv_folder(
    folder: Path, adjust: Adjustment | None = None
) -> StaffingInstance | PlacementInstance:
    """An instance from a folder of CSV files (one per sheet, kind.txt)."""
    kind_file = folder / "kind.txt"
    kind = kind_file.read_text(encoding="utf-8").strip() if kind_file.is_file() else ""
    sheets: dict[str, Rows] = {}
    for file in folder.glob("*.csv"):
        with file.open(newline="", encoding="utf-8") as f:
            sheets[file.stem] = [list(r) for r in csv.reader(f)]
    return assemble(sheets, kind or _kind(sheets), adjust)


def _kind(sheets: dict[str, Rows]) -> str:
    return "placements" if "referrals" in sheets else "staffing"


@dataclass
class Reader:
    """Instance data read from sheets, and where each item came from."""

    data: dict[str, Any]
    where: dict[str, tuple[str, int]] = field(default_factory=dict)  # path -> (sheet, row)
    letters: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> column -> letter
    problems: list[Problem] = field(default_factory=list)

    def at(self, sheet: str, row: int, column: str) -> str:
        """Where a field came from: sheet, row and column letter."""
        letter = self.letters.get(sheet, {}).get(column)
        where = f"sheet {sheet}, row {row}"
        if letter is None:
            return f"{where}, column {column}" if column else where
        return f"{where}, column {letter} ({column})"

    def locate(self, problem: Problem) -> Problem:
        """An instance path like functions[3].traded.take_up_share as sheet, row, column."""
        path = problem.path
        best = max((p for p in self.where if _within(path, p)), key=len, default=None)
        if best is None:
            return problem
        sheet, row = self.where[best]
        column = INDEX.sub("", path[len(best) :].lstrip("."))
        return Problem(self.at(sheet, row, column), problem.message, problem.ids)


def _within(path: str, prefix: str) -> bool:
    return path == prefix or (path.startswith(prefix) and path[len(prefix)] in ".[")


def assemble(
    sheets: dict[str, Rows], kind: str, adjust: Adjustment | None = None
) -> StaffingInstance | PlacementInstance:
    """Rows -> instance data (`adjust`ed) -> checked instance; every problem at once, by sheet,
    row, column (a value `adjust` wrote by the change that wrote it)."""
    if kind not in TABLES:
        raise InstanceError([Problem("kind", "unknown kind; expected staffing or placements")])
    reader = Reader({"kind": kind})
    for table in TABLES[kind]:
        rows = [r for r in sheets.get(table.sheet, []) if any(v not in (None, "") for v in r)]
        if rows:
            _read_table(reader, table, rows)
    if adjust is not None:
        reader.problems += adjust.apply(reader.data)
    try:
        instance = parse_instance(reader.data)
    except InstanceError as exc:
        bad_cells = {p.path for p in reader.problems}
        located = [
            (adjust.rename(p) if adjust is not None else None) or reader.locate(p)
            for p in exc.problems
        ]
        reader.problems += [
            p
            for p in located
            if not (p.path in bad_cells and p.message == "required field is missing")
        ]
    if reader.problems:
        raise InstanceError(reader.problems)
    return instance


def _read_table(reader: Reader, table: Table, rows: Rows) -> None:
    if table.field in ("", "policy"):
        target = reader.data if table.field == "" else reader.data.setdefault("policy", {})
        target.update(_read_settings(reader, table, rows))
        return
    items = _read_rows(reader, table, rows)
    if table.child_of is None and "." in table.field:  # policy.objective: inside the policy
        parent, name = table.field.split(".")
        if items:
            reader.data.setdefault(parent, {})[name] = items
        for i in range(len(items)):
            reader.where[f"{table.field}[{i}]"] = reader.where[f"{table.sheet}#{i}"]
    elif table.child_of is None:
        reader.data[table.field] = items
        for i in range(len(items)):
            reader.where[f"{table.field}[{i}]"] = reader.where[f"{table.sheet}#{i}"]
    else:
        _attach(reader, table, items)


def _read_settings(reader: Reader, table: Table, rows: Rows) -> dict[str, Any]:
    types = dict(settings_fields(table.model))
    prefix = "" if table.field == "" else f"{table.field}."
    out: dict[str, Any] = {}
    for n, row in enumerate(rows[1:], start=2):
        key = str(row[0]).strip() if row and row[0] is not None else ""
        if key not in types:
            reader.problems.append(
                Problem(f"sheet {table.sheet}, row {n}, column A", "not a setting")
            )
            continue
        reader.where[f"{prefix}{key}"] = (table.sheet, n)
        reader.letters.setdefault(table.sheet, {})[""] = "B"
        try:
            value = cell_value(row[1] if len(row) > 1 else None, types[key])
        except CellError as exc:
            message = date_message(key) if isinstance(exc, DateCellError) else str(exc)
            reader.problems.append(
                Problem(f"sheet {table.sheet}, row {n}, column B ({key})", message)
            )
            continue
        if value is not None:
            out[key] = value
    return out


def _read_rows(reader: Reader, table: Table, rows: Rows) -> list[dict[str, Any]]:
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    types = dict(columns(table.model))
    if table.child_of is not None:
        types = {table.key: str, **types}
    letters = reader.letters.setdefault(table.sheet, {})
    for i, h in enumerate(header):
        letters.setdefault(h, get_column_letter(i + 1))
        if h and h not in types:
            at = f"sheet {table.sheet}, row 1, column {get_column_letter(i + 1)}"
            reader.problems.append(Problem(at, "not a column of this sheet"))
    items: list[dict[str, Any]] = []
    for n, row in enumerate(rows[1:], start=2):
        cells = {}
        for i, name in enumerate(header):
            if name not in types:
                continue
            try:
                cells[name] = cell_value(row[i] if i < len(row) else None, types[name])
            except CellError as exc:
                message = date_message(name) if isinstance(exc, DateCellError) else str(exc)
                reader.problems.append(Problem(reader.at(table.sheet, n, name), message))
        reader.where[f"{table.sheet}#{len(items)}"] = (table.sheet, n)
        items.append(unflatten(cells))
    return items


def _attach(reader: Reader, table: Table, items: list[dict[str, Any]]) -> None:
    """Child rows (a provider's lots, a year's changes) into their parents' lists."""
    assert table.child_of is not None
    parents = {p.get("id"): (i, p) for i, p in enumerate(reader.data.get(table.child_of, []))}
    for k, item in enumerate(items):
        sheet, row = reader.where[f"{table.sheet}#{k}"]
        owner = item.pop(table.key, None)
        if owner not in parents:
            reader.problems.append(
                Problem(reader.at(sheet, row, table.key), f"no such {table.key}")
            )
            continue
        index, parent = parents[owner]
        parent.setdefault(table.field, []).append(item)
        reader.where[f"{table.child_of}[{index}].{table.field}[{len(parent[table.field]) - 1}]"] = (
            sheet,
            row,
        )
