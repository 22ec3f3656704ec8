"""One gap and one rule for `optimal`, on every backend.

gap = |objective - bound| / max(1, |objective|), both on the whole objective (every constant
included). A plan is `optimal` only when its solver said so and this gap is within the
requested tolerance (or within what the backend's arithmetic can resolve: whole pence per
referral for min-cost flow and CP-SAT); otherwise a plan is `feasible`.
"""

from __future__ import annotations

from optimiser.core.status import SolveStatus

SLACK = 1e-9  # floating-point noise allowed on top of the tolerance


def relative_gap(objective: float, bound: float) -> float:
    """|objective - bound| / max(1, |objective|)."""
    return abs(objective - bound) / max(1.0, abs(objective))


def honest(
    claimed: SolveStatus,
    objective: float,
    bound: float | None,
    tolerance: float,
    resolution: float = 0.0,
) -> tuple[SolveStatus, float | None, float | None]:
    """The status to report, the bound and the gap. An exact method's optimum (no bound given)
    is its own bound; a claimed optimum whose gap exceeds the tolerance is only feasible,
    unless objective and bound are within the backend's `resolution` (£: what its whole-pence
    arithmetic cannot tell apart; the bound it reports already allows for it)."""
    if not claimed.has_solution:
        return claimed, None, None
    if bound is None:
        if claimed is SolveStatus.OPTIMAL:
            return claimed, objective, 0.0
        return claimed, None, None
    gap = relative_gap(objective, bound)
    within = gap <= tolerance + SLACK or abs(objective - bound) <= resolution + SLACK
    if claimed is SolveStatus.OPTIMAL and not within:
        return SolveStatus.FEASIBLE, bound, gap
    return claimed, bound, gap
