"""highspy and ortools must load into one process (highspy 1.15.1 with ortools 9.15 does not)."""

from __future__ import annotations

import subprocess
import sys

import pytest

LOAD_HIGHSPY = (
    "import highspy; h = highspy.Highs(); h.setOptionValue('output_flag', False); h.run()"
)
LOAD_ORTOOLS = (
    "from ortools.sat.python import cp_model; m = cp_model.CpModel(); x = m.new_int_var(0, 3, 'x');"
    "m.maximize(x); assert cp_model.CpSolver().solve(m) == cp_model.OPTIMAL;"
    "from ortools.graph.python import min_cost_flow; min_cost_flow.SimpleMinCostFlow()"
)


@pytest.mark.parametrize("order", [(LOAD_HIGHSPY, LOAD_ORTOOLS), (LOAD_ORTOOLS, LOAD_HIGHSPY)])
def test_highspy_and_ortools_load_in_one_process(order: tuple[str, str]) -> None:
    """Each order in a fresh interpreter, since a loaded library cannot be unloaded."""
    done = subprocess.run(
        [sys.executable, "-c", "; ".join(order) + "; print('both loaded')"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "both loaded" in done.stdout
