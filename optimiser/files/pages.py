"""Printed pages: every result sheet prints as one readable page, A4 landscape.

Every sheet of every result workbook prints landscape, fitted to the page's width, so that a
filed result reads one way throughout. A list too long for one readable page is written as
numbered sheets (Placements, Placements 2, ...), each one page; a list that would need more
than MAX_PARTS of them stays one sheet, printed one page wide over as many pages as it takes.

Readable: the page's type is printed at READABLE times its size or more (10 point type at 7
points). The page size below is what LibreOffice lays out on A4 landscape with these margins
(measured with its PDF export): the width and height left for the sheet in points, and the
points one unit of column width takes when the workbook's default font is 10 point Arial.

A sheet w units wide and h points tall prints, fitted to one page, at scale
s = min(1, W / (POINTS_PER_WIDTH * w), H / h).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from optimiser.files.sheets import LINE_HEIGHT, Col, Row, add_table, row_heights, table_widths

READABLE = 0.7
SMALLEST = 0.6  # a sheet that prints smaller than this on one page is split or runs on
POINTS_PER_WIDTH = 5.9
PAGE = (784.0, 515.0)  # (W, H), points: A4 landscape
MAX_PARTS = 30
STRETCH = (0.7, 0.85, 1.0, 1.2, 1.4, 1.7, 2.0)  # widths tried for the columns that wrap


@dataclass(frozen=True)
class Fit:
    """How a sheet prints: the scale of a page, and whether it is one page."""

    scale: float
    one_page: bool


def _across(width_units: float) -> float:
    """The largest scale at which a table this wide fits across the page."""
    return min(1.0, PAGE[0] / (POINTS_PER_WIDTH * max(width_units, 1.0)))


def fit(width_units: float, height_points: float) -> Fit:
    """One page when it prints at SMALLEST or more, or when the width alone holds it lower (a
    wide table prints no larger however few its rows); else one page wide and as many tall as
    it takes."""
    across = _across(width_units)
    scale = min(across, PAGE[1] / max(height_points, 1.0))
    if scale >= min(SMALLEST, across) - 1e-9:
        return Fit(scale, one_page=True)
    return Fit(across, one_page=False)


def _parts(heights: Sequence[float], room: float) -> list[int]:
    """How many consecutive rows go on each page (at least one), `room` points a page."""
    counts = [0]
    used = 0.0
    for height in heights:
        if counts[-1] and used + height > room:
            counts.append(0)
            used = 0.0
        counts[-1] += 1
        used += height
    return counts


def split(width_units: float, heights: Sequence[float]) -> tuple[list[int], float]:
    """Rows a page for a table this wide (`heights`: the header's, then each row's), and the
    scale its pages print at: each page at READABLE or what the width allows; on one page, at
    the scale that page prints."""
    scale = min(READABLE, _across(width_units))
    counts = _parts(heights[1:], PAGE[1] / scale - heights[0])
    if len(counts) == 1:
        return counts, fit(width_units, sum(heights)).scale
    return counts, scale


def layout(cols: Sequence[Col], rows: Sequence[Row]) -> tuple[list[float], list[int]]:
    """Column widths and rows a page: the wrapped columns narrowed or widened (by one of
    STRETCH) to need the fewest pages printed at SMALLEST or more, each printed largest."""
    base = table_widths(cols, rows)
    options = []
    for factor in STRETCH if any(c.wrap for c in cols) else (1.0,):
        widths = [round(w * factor) if c.wrap else w for c, w in zip(cols, base, strict=True)]
        counts, scale = split(sum(widths), row_heights(cols, widths, rows))
        readable = scale >= SMALLEST - 1e-9
        options.append((readable, -len(counts), round(scale, 2), factor == 1.0, widths, counts))
    best = max(options)
    return best[4], best[5]


def add_pages(
    book: Workbook, title: str, cols: Sequence[Col], rows: Sequence[Row]
) -> list[Worksheet]:
    """A table as one sheet when it prints on one readable page, else as numbered sheets of
    consecutive rows (`title`, `title 2`, ...) that each do; every sheet has the header,
    the same column widths and print setup."""
    widths, counts = layout(cols, rows)
    if len(counts) == 1 or len(counts) > MAX_PARTS:
        return [add_table(book, title, cols, rows, widths=widths)]
    sheets, start = [], 0
    for k, count in enumerate(counts, start=1):
        sheets.append(
            add_table(book, part_title(title, k), cols, rows[start : start + count], widths=widths)
        )
        start += count
    return sheets


def part_title(title: str, k: int) -> str:
    """The k-th sheet of a table split into pages: its own title first, then `title 2`, ..."""
    return title if k == 1 else f"{title} {k}"


def print_setup(ws: Worksheet, instance: str) -> None:
    """A4 landscape, fitted to the page's width (and to one page where that is readable),
    header rows repeated, a footer naming the instance and the sheet, with the page number."""
    width = sum(
        ws.column_dimensions[get_column_letter(i)].width or 13.0
        for i in range(1, ws.max_column + 1)
    )
    height = sum(ws.row_dimensions[n].height or LINE_HEIGHT for n in range(1, ws.max_row + 1))
    landscape(ws, one_page=fit(width, height).one_page)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, footer=0.3)
    ws.print_options.gridLines = ws.title != "Summary"
    footer = ws.oddFooter
    assert footer is not None
    footer.left.text = instance
    footer.center.text = "&A"
    footer.right.text = "Page &P of &N"


def landscape(ws: Worksheet, *, one_page: bool) -> None:
    """A4 landscape, fitted to the page's width; and to one page tall where `one_page`."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
