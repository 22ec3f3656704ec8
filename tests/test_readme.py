"""The README's Python example runs as written."""

from __future__ import annotations

import os
import re

import pytest

from tests.helpers import ROOT


def test_python_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Python\n\n```python\n(.*?)```", readme, re.S)
    assert block is not None
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        exec(compile(block.group(1), "README.md", "exec"), {})
    finally:
        os.chdir(here)
    out = capsys.readouterr().out
    assert "optimal 1169441.68" in out
    assert "dps_small flow 1 unplaced" in out
