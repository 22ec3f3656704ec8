"""Commissioning week by week, from the public surface: a shortlist for one referral, a
re-plan with previous placements locked, and the difference between two plans. Each checks
its instance first, as `solve` does."""

from __future__ import annotations

import time
from pathlib import Path

from optimiser.core.errors import OptionError
from optimiser.core.options import SolveOptions
from optimiser.placements.diff import PlanDiff, diff_plans
from optimiser.placements.postcodes import read_lookup
from optimiser.placements.postcodes import resolve_postcodes as _resolve
from optimiser.placements.replan import SweepRow, move_sweep
from optimiser.placements.replan import replan_instance as _replan_instance
from optimiser.placements.schema import PlacementInstance
from optimiser.placements.shortlist import Shortlist
from optimiser.placements.shortlist import shortlist as _shortlist
from optimiser.placements.solution import PlacementSolution
from optimiser.solve import check_instance, solve


def shortlist(
    instance: PlacementInstance,
    reference: str,
    solution: PlacementSolution | None = None,
    *,
    k: int = 5,
    options: SolveOptions | None = None,
) -> Shortlist:
    """The k best eligible providers for one referral with the extra cost of each to the whole
    plan, and every other provider of its lots with the rules that exclude it. The plan is
    solved first when no solution is given. An unknown reference raises OptionError. A time
    limit in `options` holds for the whole: the plan's solve and the shortlist's re-solves."""
    started = time.monotonic()
    instance = check_instance(instance)
    if reference not in {r.reference for r in instance.referrals}:
        raise OptionError("no referral has this reference")
    plan = solution if solution is not None else solve(instance, options)
    return _shortlist(instance, plan, reference, k=k, options=options, started=started)


def resolve_postcodes(instance: PlacementInstance, lookup: Path | str) -> PlacementInstance:
    """Every postcode of the instance replaced by its grid reference from a lookup file in the
    ONS Postcode Directory format (pcds, oseast1m, osnrth1m); every postcode missing from it
    is an InstanceError naming its row."""
    return _resolve(instance, read_lookup(lookup))


def replan(
    register: PlacementInstance,
    previous: PlacementSolution,
    *,
    lock: bool = True,
    options: SolveOptions | None = None,
) -> tuple[PlacementInstance, PlacementSolution]:
    """This week's plan: the register's referrals, those placed in the previous plan locked
    there (or, with lock=False, starting from it with the move penalty); returns the instance
    solved and its solution."""
    instance = replan_instance(register, previous, lock=lock)
    return instance, solve(instance, options)


def replan_instance(
    register: PlacementInstance, previous: PlacementSolution, *, lock: bool = True
) -> PlacementInstance:
    """The instance `replan` solves, checked, without solving it (to run it as a job)."""
    return check_instance(_replan_instance(check_instance(register), previous, lock=lock))


def diff(a: PlacementSolution, b: PlacementSolution) -> PlanDiff:
    """What changed from plan a to plan b; empty for a plan and itself."""
    return diff_plans(a, b)


def move_penalty_sweep(
    register: PlacementInstance,
    previous: PlacementSolution,
    penalties: list[float],
    options: SolveOptions | None = None,
) -> list[SweepRow]:
    """Pupils moved against pounds saved, for each move penalty (against every placement
    locked)."""
    return move_sweep(check_instance(register), previous, penalties, options)
