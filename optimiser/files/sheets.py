"""Sheets a council can file: plain headers with units, number formats, rows sized to fit.

Every result sheet is a table whose first row is its header: bold, frozen, filtered and
repeated at the top of every printed page (print setup: optimiser.files.pages). The
workbook's default font is 10 point Arial, and every row of a table is given its height (one
13 point line, more where text wraps), so that how a sheet prints can be worked out here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from optimiser.core.schema import Statistics, Verification
from optimiser.core.status import SolveStatus

GBP = '"£"#,##0;-"£"#,##0'
PENCE = '"£"#,##0.00;-"£"#,##0.00'
FTE = "#,##0.00"
PCT = "0.0%"
ONE_DP = "#,##0.0"
WHOLE = "#,##0"

FONT = "Arial"  # in Excel, and as Liberation Sans (the same widths) in LibreOffice
BODY_FONT = Font(name=FONT, size=10)
HEADER_FONT = Font(name=FONT, size=10, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
LABEL_FONT = Font(name=FONT, size=10, bold=True)
TITLE_FONT = Font(name=FONT, size=14, bold=True)
TOTAL_BORDER = Border(top=Side(style="thin"), bottom=Side(style="double"))
MAX_WIDTH = 60
LINE_HEIGHT = 13.0  # points a line of 10 point text takes
CHARS_PER_WIDTH = 1.1  # letters of running text in one unit of column width (10 point Arial)


@dataclass(frozen=True)
class Col:
    """A column: its header in plain words with the unit, its number format, its width."""

    header: str
    fmt: str | None = None
    width: float | None = None  # characters; None: fitted to the content
    wrap: bool = False


Row = Sequence[Any]


def new_book() -> Workbook:
    """A workbook with no sheets, its default font 10 point Arial (the unit of column width
    is a digit of the default font: widths and print scale then agree across programs)."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    inner: Any = book  # the default font has no public setter: the Normal style's, font 0
    inner._named_styles["Normal"].font = Font(name=FONT, size=10)
    inner._fonts[0] = Font(name=FONT, size=10)
    return book


def add_table(
    book: Workbook,
    title: str,
    cols: Sequence[Col],
    rows: Sequence[Row],
    *,
    intro: Sequence[str] = (),
    widths: Sequence[float] | None = None,
) -> Worksheet:
    """A sheet holding one table (below a few lines of `intro`, if any): its header row
    frozen, filtered and repeated on printed pages; formats, widths (`widths`, else fitted to
    the content) and row heights set."""
    ws: Worksheet = book.create_sheet(title)
    for line in intro:
        ws.append([line])
        ws.cell(ws.max_row, 1).font = LABEL_FONT
    if intro:
        ws.append([])
    top = ws.max_row + 1 if intro else 1
    ws.append([c.header for c in cols])
    for row in rows:
        ws.append([plain(v) for v in row])
    style_header(ws, top, len(cols))
    widths = list(widths or table_widths(cols, rows))
    for i, col in enumerate(cols, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = widths[i - 1]
        for cell in ws[letter][top:]:
            if col.fmt:
                cell.number_format = col.fmt
            cell.alignment = Alignment(wrap_text=col.wrap, vertical="top")
            cell.font = BODY_FONT
    for n in range(1, top):
        ws.row_dimensions[n].height = LINE_HEIGHT
    for n, height in enumerate(row_heights(cols, widths, rows), start=top):
        ws.row_dimensions[n].height = height
    ws.freeze_panes = f"A{top + 1}"
    ws.print_title_rows = f"{top}:{top}"
    if rows:
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(cols))}{top + len(rows)}"
    return ws


def table_widths(cols: Sequence[Col], rows: Sequence[Row]) -> list[float]:
    """Each column's width: its own, else fitted to its header and values."""
    return [
        col.width or fit_width(col.header, [r[i] for r in rows if i < len(r)], col.fmt)
        for i, col in enumerate(cols)
    ]


def row_heights(cols: Sequence[Col], widths: Sequence[float], rows: Sequence[Row]) -> list[float]:
    """Points each row takes, the header's first: a line of LINE_HEIGHT, more where text wraps
    (a spreadsheet does not grow rows on opening)."""
    header = max(_lines(c.header, w * 0.85) for c, w in zip(cols, widths, strict=True))
    out = [LINE_HEIGHT * header]
    for row in rows:
        lines = 1
        for col, width, value in zip(cols, widths, row, strict=False):
            if col.wrap and isinstance(value, str):
                lines = max(lines, _lines(value, width))
        out.append(LINE_HEIGHT * lines)
    return out


def _lines(text: str, width: float) -> int:
    """Lines a text takes in a column `width` characters wide, word-wrapped."""
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > width * CHARS_PER_WIDTH:
            lines, used = lines + 1, len(word)
        else:
            used += len(word) + (1 if used else 0)
    return lines


def style_header(ws: Worksheet, row: int, width: int) -> None:
    """Style a header row's first `width` cells."""
    for cell in ws[row][:width]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def fit_width(header: str, values: Sequence[Any], fmt: str | None) -> float:
    """Characters wide enough for the longest value, and for the header over three lines."""
    longest = max((len(shown(v, fmt)) for v in values), default=0)
    words = max((len(w) for w in header.split()), default=0)
    header_need = max(words, (len(header) + 2) // 3)
    return float(min(MAX_WIDTH, max(7, longest + 2, header_need + 2)))


def shown(value: Any, fmt: str | None) -> str:
    """Roughly what a cell shows (for widths): numbers with the format's decimals."""
    if isinstance(value, int | float) and not isinstance(value, bool) and fmt:
        decimals = len(fmt.split(";")[0].partition(".")[2].rstrip("%"))
        if "%" in fmt:
            return f"{value * 100:,.{decimals}f}%"
        text = f"{value:,.{decimals}f}"
        return f"£{text}" if "£" in fmt else text
    return "" if value is None else plain_text(value)


def plain_text(value: Any) -> str:
    """A value as the text its cell holds."""
    shown_value = plain(value)
    return "" if shown_value is None else str(shown_value)


def plain(value: Any) -> Any:
    """Cells take numbers, text and booleans (NaN as an empty cell); anything else as text."""
    if isinstance(value, float) and value != value:  # noqa: PLR0124 (NaN)
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or isinstance(value, int | float | str):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def ids_text(ids: Sequence[Any], most: int = 8) -> str:
    """A list as comma-separated text; a long one cut short with how many more."""
    shown_ids = ", ".join(str(v) for v in ids[:most])
    return shown_ids if len(ids) <= most else f"{shown_ids} and {len(ids) - most} more"


def file_hash(source: Path | None, fallback: bytes) -> str:
    """SHA-256 of the input file (of the instance's own JSON when it came from no file)."""
    data = source.read_bytes() if source is not None and source.is_file() else fallback
    return hashlib.sha256(data).hexdigest()


def key_values(
    ws: Worksheet, rows: Sequence[tuple[str, Any, str | None]], start: int, width: float
) -> int:
    """Label / value rows from row `start`, each row tall enough for its value wrapped in
    `width` (a spreadsheet grows no row on opening, a merged one least of all); returns the
    next free row."""
    for n, (label, value, fmt) in enumerate(rows, start=start):
        ws.cell(n, 1, label).font = LABEL_FONT
        ws.cell(n, 1).alignment = Alignment(vertical="top")
        cell = ws.cell(n, 2, plain(value))
        cell.font = BODY_FONT
        cell.alignment = Alignment(horizontal="left", wrap_text=True, vertical="top")
        if fmt:
            cell.number_format = fmt
        lines = _lines(value, width) if isinstance(value, str) else 1
        ws.row_dimensions[n].height = LINE_HEIGHT * max(lines, 1)
    return start + len(rows)


STATUS_WORDS = {
    SolveStatus.OPTIMAL: "Optimal: the best plan that meets every rule",
    SolveStatus.FEASIBLE: "Feasible: a plan that meets every rule, not proven the best "
    "(a time limit stopped the search)",
    SolveStatus.INFEASIBLE: "Infeasible: no plan meets every rule (see the Diagnosis sheet)",
    SolveStatus.UNBOUNDED: "Unbounded: the rules leave the cost without limit",
    SolveStatus.NO_SOLUTION: "No plan: a limit was reached before any plan was found",
}


def run_rows(
    statistics: Statistics,
    verification: Verification | None,
    source: Path | None,
    instance_json: bytes,
) -> list[tuple[str, Any, str | None]]:
    """How the answer was obtained: solver, verifier, date, and which input it answers."""
    checked = (
        f"Yes: {verification.checks} checks passed by the independent verifier"
        if verification is not None and verification.passed
        else "No plan to check"
    )
    return [
        ("Solver", f"{statistics.solver} {statistics.solver_version} ({statistics.backend})", None),
        ("Plan re-checked without the solver", checked, None),
        ("Solved on (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M"), None),
        ("Input file", source.name if source is not None else "(not read from a file)", None),
        (
            "Input file SHA-256" if source is not None else "Instance data SHA-256",
            file_hash(source, instance_json),
            None,
        ),
    ]


@dataclass(frozen=True)
class SummaryHead:
    """What every Summary sheet opens with: the plan's title and description, its status and
    objective in words, then the kind's own figures (`figures`), and how it was obtained."""

    title: str
    description: str | None
    status: SolveStatus
    objective: str
    statistics: Statistics
    verification: Verification | None
    source: Path | None
    instance_json: bytes


def summary_sheet(
    book: Workbook,
    head: SummaryHead,
    figures: Sequence[tuple[str, Any, str | None]],
    widths: Sequence[float],
) -> tuple[Worksheet, int]:
    """The Summary sheet: title, description, then label / value rows (each value across the
    columns after the first), the columns `widths` wide; returns it and its next free row."""
    ws = book.create_sheet("Summary")
    ws["A1"] = head.title
    ws["A1"].font = TITLE_FONT
    if head.description:
        paragraph(ws, 2, head.description, len(widths), sum(widths) - 10)
    rows = [
        ("Status", STATUS_WORDS[head.status], None),
        ("Objective", head.objective, None),
        *figures,
        *run_rows(head.statistics, head.verification, head.source, head.instance_json),
    ]
    end = key_values(ws, rows, 4, sum(widths[1:]) if len(widths) > 1 else widths[0])
    if len(widths) > 2:
        for n in range(4, end):
            ws.merge_cells(start_row=n, start_column=2, end_row=n, end_column=len(widths))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    return ws, end


def paragraph(ws: Worksheet, row: int, text: str, columns: int, width: float) -> None:
    """A long text across `columns` merged cells, wrapped, its row tall enough to show it."""
    ws.cell(row, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(row, 1).font = BODY_FONT
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    lines = max(1, -(-len(text) * 11 // int(width * 10)))
    ws.row_dimensions[row].height = 15 * lines
