"""The public entry point: solve any instance, whatever its kind."""

from __future__ import annotations

from typing import overload

from optimiser.options import SolveOptions
from optimiser.progress import ProgressCallback
from optimiser.schema.placements import PlacementInstance
from optimiser.schema.placements_solution import PlacementSolution
from optimiser.schema.staffing import StaffingInstance
from optimiser.schema.staffing_solution import StaffingSolution
from optimiser.solve_placements import solve_placements
from optimiser.solve_staffing import solve_staffing

Instance = StaffingInstance | PlacementInstance
Solution = StaffingSolution | PlacementSolution


@overload
def solve(
    instance: StaffingInstance,
    options: SolveOptions | None = None,
    progress: ProgressCallback | None = None,
) -> StaffingSolution: ...
@overload
def solve(
    instance: PlacementInstance,
    options: SolveOptions | None = None,
    progress: ProgressCallback | None = None,
) -> PlacementSolution: ...
def solve(
    instance: Instance,
    options: SolveOptions | None = None,
    progress: ProgressCallback | None = None,
) -> Solution:
    """Solve, verify and explain one instance. Inputs are never mutated. `progress` is called
    with the best objective and bound so far by the backends that report them (the placement
    MIP on HiGHS, CP-SAT, and the Lagrangian backend after each flow solve); the staffing LPs
    and min-cost flow finish without interim news."""
    if isinstance(instance, StaffingInstance):
        return solve_staffing(instance, options)
    return solve_placements(instance, options, progress)
