"""Instances and solutions as workbooks (.xlsx, openpyxl) and CSV folders.

An instance is written one sheet per table (see optimiser.tables) plus a `notes` sheet naming
each column's meaning and unit; reading it back gives the same instance. A bad cell is
reported by sheet, row and column. Results are written formatted for reading.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from optimiser.core.errors import InstanceError, Problem
from optimiser.files.parse import parse_instance
from optimiser.files.results_placements import placements_book
from optimiser.files.results_staffing import staffing_book
from optimiser.files.tables import (
    TABLES,
    CellError,
    Table,
    cell_value,
    columns,
    flatten,
    settings_fields,
    strip_optional,
    unflatten,
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
            out[table.sheet] = [["provider", *(c for c, _ in cols)]] + [
                [parent["id"], *flatten(child, cols).values()]
                for parent in data[table.child_of]
                for child in parent[table.field]
            ]
        else:
            out[table.sheet] = [[c for c, _ in cols]] + [
                list(flatten(r, cols).values()) for r in data[table.field]
            ]
    return out


def write_instance_workbook(instance: StaffingInstance | PlacementInstance, path: Path) -> None:
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    for sheet, rows in instance_tables(instance).items():
        _write_sheet(book.create_sheet(sheet), rows)
    _write_sheet(book.create_sheet("notes"), _notes(instance.kind))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def write_instance_csv(instance: StaffingInstance | PlacementInstance, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kind.txt").write_text(instance.kind + "\n", encoding="utf-8")
    for sheet, rows in instance_tables(instance).items():
        with (folder / f"{sheet}.csv").open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([["" if v is None else v for v in r] for r in rows])


def read_workbook(path: Path) -> StaffingInstance | PlacementInstance:
    """A workbook written by `template` or `export` (or edited by hand) as a checked instance."""
    book = load_workbook(path, read_only=True, data_only=True)
    sheets = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    return _assemble(sheets, _kind(sheets))


def read_csv_folder(folder: Path) -> StaffingInstance | PlacementInstance:
    kind_file = folder / "kind.txt"
    kind = kind_file.read_text(encoding="utf-8").strip() if kind_file.is_file() else ""
    sheets: dict[str, Rows] = {}
    for file in folder.glob("*.csv"):
        with file.open(newline="", encoding="utf-8") as f:
            sheets[file.stem] = [list(r) for r in csv.reader(f)]
    return _assemble(sheets, kind or _kind(sheets))


def _kind(sheets: dict[str, Rows]) -> str:
    return "placements" if "referrals" in sheets else "staffing"


def _assemble(sheets: dict[str, Rows], kind: str) -> StaffingInstance | PlacementInstance:
    """Rows -> instance data -> checked instance; every problem named by sheet, row, column."""
    if kind not in TABLES:
        raise InstanceError([Problem("kind", "unknown kind; expected staffing or placements")])
    data: dict[str, Any] = {"kind": kind}
    where: dict[str, str] = {}  # instance path -> "sheet S, row R"
    problems: list[Problem] = []
    for table in TABLES[kind]:
        rows = [r for r in sheets.get(table.sheet, []) if any(v not in (None, "") for v in r)]
        if not rows:
            continue
        _read_table(table, rows, data, where, problems)
    if problems:
        raise InstanceError(problems)
    try:
        return parse_instance(data)
    except InstanceError as exc:
        raise InstanceError([_locate(p, where) for p in exc.problems]) from None


def _read_table(
    table: Table, rows: Rows, data: dict[str, Any], where: dict[str, str], problems: list[Problem]
) -> None:
    if table.field in ("", "policy"):
        target = data if table.field == "" else data.setdefault("policy", {})
        target.update(_read_settings(table, rows, problems))
        return
    items = _read_rows(table, rows, where, problems)
    if table.child_of is None:
        data[table.field] = items
        for i in range(len(items)):
            where[f"{table.field}[{i}]"] = where[f"{table.sheet}#{i}"]
    else:
        _attach(table, items, data, where, problems)


def _read_settings(table: Table, rows: Rows, problems: list[Problem]) -> dict[str, Any]:
    types = dict(settings_fields(table.model))
    out: dict[str, Any] = {}
    for n, row in enumerate(rows[1:], start=2):
        key = str(row[0]).strip() if row and row[0] is not None else ""
        if key not in types:
            problems.append(Problem(f"sheet {table.sheet}, row {n}, column A", "not a setting"))
            continue
        try:
            value = cell_value(row[1] if len(row) > 1 else None, types[key])
        except CellError as exc:
            problems.append(Problem(f"sheet {table.sheet}, row {n}, column B ({key})", str(exc)))
            continue
        if value is not None:
            out[key] = value
    return out


def _read_rows(
    table: Table, rows: Rows, where: dict[str, str], problems: list[Problem]
) -> list[dict[str, Any]]:
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    types = dict(columns(table.model))
    if table.child_of is not None:
        types = {"provider": str, **types}
    for i, h in enumerate(header):
        if h and h not in types:
            problems.append(
                Problem(
                    f"sheet {table.sheet}, row 1, column {get_column_letter(i + 1)}",
                    "not a column of this sheet",
                )
            )
    items: list[dict[str, Any]] = []
    for n, row in enumerate(rows[1:], start=2):
        cells = {}
        for i, name in enumerate(header):
            if name not in types:
                continue
            try:
                cells[name] = cell_value(row[i] if i < len(row) else None, types[name])
            except CellError as exc:
                at = f"sheet {table.sheet}, row {n}, column {get_column_letter(i + 1)} ({name})"
                problems.append(Problem(at, str(exc)))
        where[f"{table.sheet}#{len(items)}"] = f"sheet {table.sheet}, row {n}"
        items.append(unflatten(cells))
    return items


def _attach(
    table: Table,
    items: list[dict[str, Any]],
    data: dict[str, Any],
    where: dict[str, str],
    problems: list[Problem],
) -> None:
    """Child rows (a provider's lots) into their parents' lists."""
    assert table.child_of is not None
    parents = {p.get("id"): (i, p) for i, p in enumerate(data.get(table.child_of, []))}
    for k, item in enumerate(items):
        owner = item.pop("provider", None)
        if owner not in parents:
            problems.append(
                Problem(where[f"{table.sheet}#{k}"] + ", column A (provider)", "no such provider")
            )
            continue
        index, parent = parents[owner]
        parent.setdefault(table.field, []).append(item)
        at = f"{table.child_of}[{index}].{table.field}[{len(parent[table.field]) - 1}]"
        where[at] = where[f"{table.sheet}#{k}"]


def _locate(problem: Problem, where: dict[str, str]) -> Problem:
    """An instance path like functions[3].traded.price_per_school_gbp as sheet, row, column."""
    best = max((p for p in where if problem.path.startswith(p)), key=len, default=None)
    if best is None:
        return problem
    rest = problem.path[len(best) :].lstrip(".")
    column = f", column {rest}" if rest else ""
    return Problem(f"{where[best]}{column}", problem.message, problem.ids)


def _write_sheet(ws: Worksheet, rows: Rows) -> None:
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font, cell.fill = HEADER, FILL
    ws.freeze_panes = "A2"
    for i, column in enumerate(zip(*rows, strict=False), start=1):
        width = max(len(str(v)) if v is not None else 0 for v in column)
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, width + 2))


UNITS = (
    ("_gbp", "£"),
    ("_fte", "FTE"),
    ("fte_", "FTE"),
    ("_share", "fraction: 0.25 is 25%"),
    ("_m", "metres (British National Grid)"),
    ("_km", "kilometres"),
    ("_week", "week number"),
    ("_seconds", "seconds"),
)


def _notes(kind: str) -> Rows:
    rows: Rows = [["sheet", "column", "unit", "meaning"]]
    for table in TABLES[kind]:
        cols = (
            settings_fields(table.model) if table.field in ("", "policy") else columns(table.model)
        )
        for column, _ in cols:
            info = _field_info(table.model, column)
            unit = next(
                (u for suffix, u in UNITS if column.endswith(suffix) or column.startswith(suffix)),
                "",
            )
            rows.append([table.sheet, column, unit, info])
    return rows


def _field_info(model: Any, column: str) -> str:
    for part in column.split(".")[:-1]:
        model = _nested(model, part)
    field = model.model_fields.get(column.rsplit(".", maxsplit=1)[-1])
    return (field.description or "") if field is not None else ""


def _nested(model: Any, name: str) -> Any:
    return strip_optional(model.model_fields[name].annotation)


def write_solution_workbook(
    solution: StaffingSolution | PlacementSolution,
    path: Path,
    instance: StaffingInstance | PlacementInstance,
    source: Path | None = None,
) -> None:
    """The result as a workbook a council can file: a Summary first (the Diagnosis when no
    plan meets every rule), names beside ids, plain headers with units, print setup on every
    sheet. `source`: the input file, named and hashed on the Summary."""
    if isinstance(solution, StaffingSolution):
        assert isinstance(instance, StaffingInstance)
        book = staffing_book(solution, instance, source)
    else:
        assert isinstance(instance, PlacementInstance)
        book = placements_book(solution, instance, source)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def write_frames_workbook(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """DataFrames as formatted sheets (a sweep's table, a solution's tables)."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    for sheet, frame in tables.items():
        rows: Rows = [list(frame.columns)] + [
            [_plain(v) for v in r] for r in frame.itertuples(index=False)
        ]
        ws = book.create_sheet(sheet)
        _write_sheet(ws, rows)
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
