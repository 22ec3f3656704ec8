"""optimiser: staffing mix and Alternative Provision placement planning for local authorities.

The public surface: read or validate an instance, check it, solve it (one or many), and read the
solution as tables. Everything else is reached through these names.
"""

from optimiser.commissioning import (
    diff,
    move_penalty_sweep,
    replan,
    replan_instance,
    resolve_postcodes,
    shortlist,
)
from optimiser.core.errors import (
    BackendError,
    InstanceError,
    OptimiserError,
    OptionError,
    Problem,
    VerificationError,
    format_path,
)
from optimiser.core.options import PLACEMENT_SOLVERS, STAFFING_SOLVERS, SolveOptions, Solver
from optimiser.core.progress import Progress, ProgressCallback
from optimiser.core.status import SolveStatus
from optimiser.files import examples
from optimiser.files.frames import frames
from optimiser.files.io import load_instance
from optimiser.files.parse import parse_instance, parse_placements, parse_staffing
from optimiser.files.solver_reports import Report
from optimiser.files.workbook import write_instance_workbook, write_solution_workbook
from optimiser.placements.diff import PlanDiff
from optimiser.placements.schema import PlacementInstance
from optimiser.placements.shortlist import Shortlist
from optimiser.placements.solution import PlacementSolution
from optimiser.scenarios.batch import solve_many
from optimiser.solve import (
    Instance,
    Solution,
    check_instance,
    solve,
    unplaced_fallback,
    write_model,
)
from optimiser.staffing.relax import Relaxation, relax, relaxable
from optimiser.staffing.schema import CATEGORY_LABEL, StaffingInstance
from optimiser.staffing.solution import UNALLOCATED, StaffingSolution
from optimiser.staffing.year_levers import YearLever, YearWrite, write_years, year_levers

__all__ = [
    "CATEGORY_LABEL",
    "PLACEMENT_SOLVERS",
    "STAFFING_SOLVERS",
    "UNALLOCATED",
    "BackendError",
    "Instance",
    "InstanceError",
    "OptimiserError",
    "OptionError",
    "PlacementInstance",
    "PlacementSolution",
    "PlanDiff",
    "Problem",
    "Progress",
    "ProgressCallback",
    "Relaxation",
    "Report",
    "Shortlist",
    "Solution",
    "SolveOptions",
    "SolveStatus",
    "Solver",
    "StaffingInstance",
    "StaffingSolution",
    "VerificationError",
    "YearLever",
    "YearWrite",
    "check_instance",
    "diff",
    "examples",
    "format_path",
    "frames",
    "load_instance",
    "move_penalty_sweep",
    "parse_instance",
    "parse_placements",
    "parse_staffing",
    "relax",
    "relaxable",
    "replan",
    "replan_instance",
    "resolve_postcodes",
    "shortlist",
    "solve",
    "solve_many",
    "unplaced_fallback",
    "write_instance_workbook",
    "write_model",
    "write_solution_workbook",
    "write_years",
    "year_levers",
]
