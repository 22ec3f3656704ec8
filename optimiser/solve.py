"""The public entry point: check, then solve any instance, whatever its kind."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TypeVar, overload

from pydantic import ValidationError

from optimiser.core.errors import InstanceError, problems_from_validation
from optimiser.core.options import SolveOptions
from optimiser.core.progress import ProgressCallback
from optimiser.core.schema import Statistics
from optimiser.core.status import SolveStatus
from optimiser.placements import model as placement_model
from optimiser.placements.backends.highs import write_placement_model
from optimiser.placements.checks import check_placements
from optimiser.placements.fallback import unplaced_plan
from optimiser.placements.schema import PlacementInstance
from optimiser.placements.solution import PlacementSolution
from optimiser.placements.solve import solve_placements
from optimiser.staffing import model as staffing_model
from optimiser.staffing.checks import check_staffing
from optimiser.staffing.schema import StaffingInstance
from optimiser.staffing.solution import StaffingSolution
from optimiser.staffing.solve import solve_staffing
from optimiser.supervise import STOPPED_NOTE, supervised

Instance = StaffingInstance | PlacementInstance
Solution = StaffingSolution | PlacementSolution
AnyInstance = TypeVar("AnyInstance", bound=StaffingInstance | PlacementInstance)


def check_instance(instance: AnyInstance) -> AnyInstance:
    """Every field and cross-entity check of an instance; InstanceError lists every problem.

    Field checks run again only where they may have been skipped (an instance made with
    `model_copy(update=...)` or `model_construct`); an instance that passed both is marked and
    not checked twice. Returns the checked instance (a re-validated copy where needed).
    """
    if instance.checked:
        return instance
    if not instance.fields_valid:
        data = instance.model_dump(mode="json")
        try:
            instance = type(instance).model_validate(data)  # type: ignore[assignment]
        except ValidationError as exc:
            raise InstanceError(problems_from_validation(exc, data)) from None
    if isinstance(instance, StaffingInstance):
        check_staffing(instance)
    else:
        check_placements(instance)
    instance.mark_checked()
    return instance


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
    """Check, solve, verify and explain one instance. Inputs are never mutated.

    Every field and cross-entity check runs first, for every caller: bad input raises
    InstanceError with every problem at once. `progress` is called with the best objective and
    bound so far by the backends that report them (the placement MIP on HiGHS, CP-SAT, and the
    Lagrangian backend after each flow solve); the staffing LPs and min-cost flow finish
    without interim news. With a time limit the solve runs under the engine's supervisor
    (optimiser.supervise): the answer comes back within time_limit x 1.05 + 2 s.
    """
    options = options or SolveOptions()
    since = time.monotonic()  # the limit counts the checks too
    if isinstance(instance, StaffingInstance):
        checked = check_instance(instance)
        return supervised(_staffing, checked, options, progress, _no_plan, since=since)
    placements = check_instance(instance)
    return supervised(solve_placements, placements, options, progress, _no_plan, since=since)


def _staffing(
    instance: StaffingInstance, options: SolveOptions, progress: ProgressCallback | None
) -> StaffingSolution:
    return solve_staffing(instance, options)


@overload
def _no_plan(instance: StaffingInstance, seconds: float) -> StaffingSolution: ...
@overload
def _no_plan(instance: PlacementInstance, seconds: float) -> PlacementSolution: ...
def _no_plan(instance: Instance, seconds: float) -> Solution:
    """The answer of a run the engine stopped at its time limit before any plan arrived:
    for placements the plan that always exists (every free referral unplaced), `feasible`."""
    stats = Statistics(
        solver="-",
        solver_version="-",
        backend="-",
        build_seconds=0.0,
        solve_seconds=round(seconds, 4),
        variables=0,
        constraints=0,
        notes=[STOPPED_NOTE],
    )
    status = SolveStatus.NO_SOLUTION
    if isinstance(instance, StaffingInstance):
        return StaffingSolution(
            instance=instance.name, status=status, objective=instance.objective, statistics=stats
        )
    return unplaced_plan(instance, stats)


def unplaced_fallback(instance: PlacementInstance) -> PlacementSolution:
    """The placement plan that always exists (every free referral unplaced, locked placements
    kept), verified and `feasible`: the answer of a run stopped before any better plan came.
    Built from the checked instance alone, in milliseconds; a job server keeps it as the first
    incumbent of a time-limited run."""
    return _no_plan(check_instance(instance), 0.0)


def write_model(instance: Instance, path: Path) -> None:
    """Check the instance, then write its model as a readable file, rows and columns named from
    its ids: placements through HiGHS (`.lp` or `.mps` by the extension), staffing through
    PuLP (an LP file, with the council's net cost as its objective)."""
    instance = check_instance(instance)
    if isinstance(instance, StaffingInstance):
        lp = staffing_model.build(instance)
        lp.problem.setObjective(lp.net_cost())
        lp.problem.writeLP(str(path))
    else:
        write_placement_model(placement_model.build(instance), str(path))
