"""Drop-down lists (data validation) on the sheets of an instance workbook.

Categorical columns offer their listed values (optimiser.files.notes.choices); ids that refer
to another sheet offer that sheet's ids (REFERS). Columns of several values (a referral's lots)
offer the list but accept comma-separated text.
"""

from __future__ import annotations

import typing
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from optimiser.files.notes import REFERS, choices, table_columns
from optimiser.files.tables import TABLES, Table, settings_fields, strip_optional


def add_drop_downs(book: Workbook, kind: str, rows: int = 1000) -> None:
    """Drop-down lists on the sheets of an instance workbook: listed values for categorical
    columns, the other sheet's ids for references. Columns of several values (a referral's
    lots) offer the list but accept comma-separated text."""
    for table in TABLES[kind]:
        if table.sheet not in book.sheetnames:
            continue
        ws = book[table.sheet]
        if table.field in ("", "policy"):
            _settings_drop_downs(ws, table)
            continue
        header = [c.value for c in ws[1]]
        for column, annotation in table_columns(table):
            if column not in header:
                continue
            source = _list_source(book, table, column, annotation)
            if source is None:
                continue
            letter = get_column_letter(header.index(column) + 1)
            loose = typing.get_origin(strip_optional(annotation)) is list or annotation is bool
            _validate(ws, source, f"{letter}2:{letter}{rows}", strict=not loose)


def _settings_drop_downs(ws: Worksheet, table: Table) -> None:
    types = dict(settings_fields(table.model))
    for n, row in enumerate(ws.iter_rows(min_row=2, max_col=1, values_only=True), start=2):
        annotation = types.get(str(row[0]), str)
        options = choices(annotation)
        if options is not None:
            _validate(ws, f'"{",".join(options)}"', f"B{n}", strict=annotation is not bool)


def _list_source(book: Workbook, table: Table, column: str, annotation: Any) -> str | None:
    options = choices(annotation)
    if options is not None:
        return f'"{",".join(options)}"'
    refers = REFERS.get(f"{table.sheet}.{column}")
    if refers is None or refers[0] not in book.sheetnames:
        return None
    header = [c.value for c in book[refers[0]][1]]
    if refers[1] not in header or refers[1] == "skills":  # skills are lists, not one id a cell
        return None
    letter = get_column_letter(header.index(refers[1]) + 1)
    return f"{quote_sheetname(refers[0])}!${letter}$2:${letter}$1000"


def _validate(ws: Worksheet, source: str, cells: str, *, strict: bool) -> None:
    check = DataValidation(type="list", formula1=source, allow_blank=True)
    check.showErrorMessage = strict
    check.error = "Choose a value from the list."
    check.errorTitle = "Not in the list"
    check.add(cells)
    ws.add_data_validation(check)
