"""The plan that always exists: every free referral unplaced (locked placements kept).

Returned, verified and `feasible`, when a time-limited run is stopped before any incumbent
reached the engine. Built from the instance alone (no model, no solver), so it costs
milliseconds even for the national instance.
"""

from __future__ import annotations

from optimiser.core.schema import Statistics
from optimiser.core.status import SolveStatus
from optimiser.core.verdict import judge
from optimiser.placements import locks
from optimiser.placements.schema import PlacementInstance, unplaced_cost
from optimiser.placements.solution import PlacementSolution, PlacementTotals, Unplaced
from optimiser.placements.verify import verify_placements

REASON = "time_limit"


def unplaced_plan(instance: PlacementInstance, stats: Statistics) -> PlacementSolution:
    """Locked placements kept, every other referral unplaced at its spot-purchase cost."""
    kept = locks.locked_placements(instance)
    held = {p.reference for p in kept}
    unplaced = []
    for r in instance.referrals:
        if r.reference in held:
            continue
        cost = unplaced_cost(r, instance.policy)
        unplaced.append(
            Unplaced(
                reference=r.reference,
                reason=REASON,
                explanation="the time limit ended before a better plan was found; it is "
                f"left unplaced (a spot purchase of £{cost:,.0f}).",
                penalty_gbp=cost,
            )
        )
    charge = sum(p.charge_gbp for p in kept)
    travel = sum(p.travel_gbp for p in kept)
    moves = sum(p.move_penalty_gbp for p in kept)
    penalties = sum(u.penalty_gbp for u in unplaced)
    totals = PlacementTotals(
        referrals=len(instance.referrals),
        placed=len(kept),
        unplaced=len(unplaced),
        charge_gbp=round(charge, 2),
        travel_gbp=round(travel, 2),
        move_penalties_gbp=round(moves, 2),
        unplaced_penalties_gbp=round(penalties, 2),
        objective_gbp=round(charge + travel + moves + penalties, 2),
        budget_cap_gbp=instance.policy.budget_cap_gbp,
        spend_gbp=round(charge + travel, 2),
    )
    solution = PlacementSolution(
        instance=instance.name,
        status=SolveStatus.FEASIBLE,
        backend="fallback",
        backend_reason="stopped at the time limit before any plan arrived: none placed",
        statistics=stats,
        placements=kept,
        unplaced=unplaced,
        totals=totals,
    )
    verdict = verify_placements(instance, solution)
    status, stats = judge(SolveStatus.FEASIBLE, verdict, stats)
    return solution.model_copy(
        update={"status": status, "statistics": stats, "verification": verdict}
    )
