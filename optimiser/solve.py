"""The public entry point: solve any instance, whatever its kind."""

from __future__ import annotations

from optimiser.options import SolveOptions
from optimiser.schema.staffing import StaffingInstance
from optimiser.schema.staffing_solution import StaffingSolution
from optimiser.solve_staffing import solve_staffing

Solution = StaffingSolution


def solve(instance: StaffingInstance, options: SolveOptions | None = None) -> Solution:
    """Solve, verify and explain one instance. Inputs are never mutated."""
    return solve_staffing(instance, options)
