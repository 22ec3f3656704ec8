"""Re-planning week by week: the referral register of this week and last week's plan give
this week's instance, in which every referral placed last week keeps its placement (locked,
by default) or starts from it with the move penalty (unlocked), and every other referral,
new or still unplaced, is planned afresh."""

from __future__ import annotations

import logging

from pydantic import Field

from optimiser.core.options import SolveOptions
from optimiser.placements.schema import Lock, PlacementInstance, Provider, Referral
from optimiser.placements.solution import Out, Placement, PlacementSolution
from optimiser.placements.solve import solve_placements

log = logging.getLogger(__name__)


def replan_instance(
    register: PlacementInstance, previous: PlacementSolution, *, lock: bool = True
) -> PlacementInstance:
    """This week's instance. A previous placement is carried over only where it still fits the
    register (its provider approved for its lot, open on its days, as many days as the
    referral attends); otherwise the referral starts from its provider (move penalty)."""
    placed = {p.reference: p for p in previous.placements}
    providers = {p.id: p for p in register.providers}
    refs, kept, current = [], 0, 0
    for r in register.referrals:
        p = placed.get(r.reference)
        if p is None or p.provider not in providers:
            refs.append(r)
            continue
        if lock and _fits(r, p, providers[p.provider]):
            refs.append(r.model_copy(update={"lock": _lock(p), "current_provider": p.provider}))
            kept += 1
        else:
            refs.append(r.model_copy(update={"lock": None, "current_provider": p.provider}))
            current += 1
    gone = len(set(placed) - {r.reference for r in register.referrals})
    log.info("re-plan: %d locked, %d current, %d placements ended", kept, current, gone)
    return register.model_copy(update={"referrals": refs})


def _lock(p: Placement) -> Lock:
    return Lock(provider=p.provider, lot=p.lot, weekdays=list(p.weekdays))


def _fits(r: Referral, p: Placement, provider: Provider) -> bool:
    return (
        p.lot in {x.lot for x in provider.lots}
        and set(p.weekdays) <= set(provider.open_days)
        and len(set(p.weekdays)) == len(p.weekdays)
        and r.allows_days(len(p.weekdays))
    )


def with_referrals(base: PlacementInstance, new: list[Referral]) -> PlacementInstance:
    """The base instance with new referrals appended (a new reference that repeats an old one
    is reported by the checks, by position)."""
    return base.model_copy(update={"referrals": [*base.referrals, *new]})


class SweepRow(Out):
    """One move penalty of the sweep: pupils moved against spend."""

    move_penalty_gbp: float
    moved: int = Field(description="Pupils placed last week who move or lose their place.")
    spend_gbp: float = Field(description="Charges, travel and unplaced penalties (no moves).")
    saved_gbp: float = Field(description="Against keeping every placement (locked).")
    status: str


def move_sweep(
    register: PlacementInstance,
    previous: PlacementSolution,
    penalties: list[float],
    options: SolveOptions | None = None,
) -> list[SweepRow]:
    """Pupils moved against pounds saved: the plan with every placement locked, then with each
    move penalty (placements unlocked, the penalty per pupil moved)."""
    locked = solve_placements(replan_instance(register, previous), options)
    base = _spend(locked)
    rows = []
    for penalty in penalties:
        inst = replan_instance(register, previous, lock=False)
        policy = inst.policy.model_copy(update={"move_penalty_gbp": float(penalty)})
        sol = solve_placements(inst.model_copy(update={"policy": policy}), options)
        rows.append(
            SweepRow(
                move_penalty_gbp=float(penalty),
                moved=_moved(previous, sol),
                spend_gbp=round(_spend(sol), 2),
                saved_gbp=round(base - _spend(sol), 2),
                status=sol.status.value,
            )
        )
    return rows


def _spend(sol: PlacementSolution) -> float:
    t = sol.totals
    return 0.0 if t is None else t.objective_gbp - t.move_penalties_gbp


def _moved(previous: PlacementSolution, sol: PlacementSolution) -> int:
    now = {p.reference: (p.provider, p.lot) for p in sol.placements}
    return sum(1 for p in previous.placements if now.get(p.reference) != (p.provider, p.lot))
