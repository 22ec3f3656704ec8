"""Commissioning week by week, from the public surface: a shortlist for one referral, a
re-plan with previous placements locked, and the difference between two plans. Each checks
its instance first, as `solve` does."""

from __future__ import annotations

from optimiser.core.errors import OptionError
from optimiser.core.options import SolveOptions
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
    solved first when no solution is given. An unknown reference raises OptionError."""
    instance = check_instance(instance)
    if reference not in {r.reference for r in instance.referrals}:
        raise OptionError("no referral has this reference")
    plan = solution if solution is not None else solve(instance, options)
    return _shortlist(instance, plan, reference, k=k, options=options)
