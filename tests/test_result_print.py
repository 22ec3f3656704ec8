"""The Oxfordshire result printed as a council would: LibreOffice (headless) converts the
workbook to PDF, and every sheet fits on one landscape page, its name in the footer."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from optimiser import load_instance, solve
from optimiser.files.workbook import write_solution_workbook
from tests.helpers import INSTANCES


def test_oxfordshire_prints_one_page_per_sheet(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice is not None, "LibreOffice is installed by `make test` (scripts/)"
    source = INSTANCES / "oxfordshire_2015_16.json"
    instance = load_instance(source)
    target = tmp_path / "oxfordshire.xlsx"
    write_solution_workbook(solve(instance), target, instance, source)
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(target),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pages = PdfReader(tmp_path / "oxfordshire.pdf").pages
    sheets = load_workbook(target).sheetnames
    assert len(pages) == len(sheets)
    for number, (page, sheet) in enumerate(zip(pages, sheets, strict=True), start=1):
        assert page.mediabox.width > page.mediabox.height  # landscape
        text = page.extract_text()
        assert sheet in text
        assert f"Page {number} of {len(sheets)}" in text
