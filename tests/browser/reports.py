"""The solver reports workbook as the result pages download it, for the browser tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import Page


def answer_rows_without_sensitivity(page: Page, tmp_path: Path) -> list[tuple[Any, ...]]:
    """On a result page, untick the Sensitivity report and download the workbook with the
    others: it has the Answer and Limits reports and no Sensitivity report (a long report is
    split into numbered sheets). The rows of the first Answer report sheet."""
    page.get_by_label("Sensitivity", exact=True).uncheck()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the workbook with these reports").click()
    saved = tmp_path / "reports.xlsx"
    download.value.save_as(saved)
    book = load_workbook(saved)

    def sheets(report: str) -> list[str]:
        return [n for n in book.sheetnames if re.fullmatch(rf"{report}( \d+)?", n)]

    assert sheets("Answer report")
    assert sheets("Limits report")
    assert not sheets("Sensitivity report")
    return list(book[sheets("Answer report")[0]].iter_rows(values_only=True))
