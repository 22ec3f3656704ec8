"""The Oxfordshire and county results printed as a council would: LibreOffice (headless)
converts each workbook to PDF, and every sheet prints as one readable page: one page per
sheet, its name and page number in the footer, in the orientation its print setup names, and
no text on it printed smaller than 6 points (10 point type scaled to fit the page)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PageObject, PdfReader

from optimiser import PlacementSolution, load_instance, solve
from optimiser.files.workbook import write_solution_workbook
from tests.helpers import INSTANCES

RESULTS = ("oxfordshire_2015_16", "county_600x80")
SMALLEST_POINTS = 6.0


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both results written as workbooks and converted to PDF in one LibreOffice run."""
    soffice = shutil.which("soffice")
    assert soffice is not None, "LibreOffice is installed by `make test` (scripts/)"
    folder = tmp_path_factory.mktemp("printed")
    for name in RESULTS:
        source = INSTANCES / f"{name}.json"
        instance = load_instance(source)
        write_solution_workbook(solve(instance), folder / f"{name}.xlsx", instance, source)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *(str(folder / f"{name}.xlsx") for name in RESULTS),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return folder


def type_sizes(page: PageObject) -> list[float]:
    """The printed size in points of every piece of text on a page (font size times the
    text and page scaling)."""
    sizes: list[float] = []

    def seen(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        if text.strip():
            scale = (tm[2] ** 2 + tm[3] ** 2) ** 0.5 * (cm[2] ** 2 + cm[3] ** 2) ** 0.5
            sizes.append(size * scale)

    page.extract_text(visitor_text=seen)
    return sizes


@pytest.mark.parametrize("name", RESULTS)
def test_every_sheet_prints_as_one_readable_page(printed: Path, name: str) -> None:
    book = load_workbook(printed / f"{name}.xlsx")
    pages = PdfReader(printed / f"{name}.pdf").pages
    assert len(pages) == len(book.sheetnames)
    for number, (page, ws) in enumerate(zip(pages, book.worksheets, strict=True), start=1):
        landscape = page.mediabox.width > page.mediabox.height
        assert landscape == (ws.page_setup.orientation == "landscape"), ws.title
        text = page.extract_text()
        assert ws.title in text
        assert f"Page {number} of {len(pages)}" in text
        assert min(type_sizes(page)) >= SMALLEST_POINTS, ws.title


def test_a_long_list_is_split_into_sheets_of_one_page(printed: Path) -> None:
    """The county's 542 placements: the Placements sheet and its numbered continuations,
    every placement once, in order, each sheet's header first."""
    book = load_workbook(printed / "county_600x80.xlsx")
    parts = [ws for ws in book.worksheets if ws.title.startswith("Placements")]
    assert [ws.title for ws in parts] == [
        "Placements",
        *(f"Placements {k}" for k in range(2, len(parts) + 1)),
    ]
    assert len(parts) > 1
    references = [row[0] for ws in parts for row in ws.iter_rows(min_row=2, values_only=True)]
    solution = solve(load_instance(INSTANCES / "county_600x80.json"))
    assert isinstance(solution, PlacementSolution)
    placed = [p.reference for p in solution.placements]
    assert references == placed
    assert all(ws["A1"].value == "Referral" for ws in parts)
