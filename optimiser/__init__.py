"""optimiser: staffing mix and Alternative Provision placement planning for local authorities."""

from optimiser.errors import (
    BackendError,
    InstanceError,
    OptimiserError,
    OptionError,
    VerificationError,
)
from optimiser.io import load_instance
from optimiser.options import SolveOptions
from optimiser.parse import parse_instance, parse_placements, parse_staffing
from optimiser.schema.placements import PlacementInstance
from optimiser.schema.placements_solution import PlacementSolution
from optimiser.schema.staffing import StaffingInstance
from optimiser.schema.staffing_solution import StaffingSolution
from optimiser.solve import solve
from optimiser.status import SolveStatus

__all__ = [
    "BackendError",
    "InstanceError",
    "OptimiserError",
    "OptionError",
    "PlacementInstance",
    "PlacementSolution",
    "SolveOptions",
    "SolveStatus",
    "StaffingInstance",
    "StaffingSolution",
    "VerificationError",
    "load_instance",
    "parse_instance",
    "parse_placements",
    "parse_staffing",
    "solve",
]
