"""bench.answer_cost runs its three cut-down engines and the bare flow in processes of their
own, each plan verified, and prints their seconds as ratios to the flow."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_answer_cost_prints_each_mode_as_a_ratio_to_the_flow() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.answer_cost", "--size", "300x20", "--runs", "1"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        timeout=300,
    )
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("plain 300 x 20, 1 run each; bare flow ")
    for line, mode in zip(lines[1:], ("full", "noevidence", "bare"), strict=True):
        assert re.fullmatch(
            rf"  {mode} +\d+\.\d\d-\d+\.\d\d s   \d+\.\d\d-\d+\.\d\dx the flow", line
        )
