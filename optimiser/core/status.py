"""One status vocabulary for every backend."""

from __future__ import annotations

from enum import StrEnum


class SolveStatus(StrEnum):
    """What a solve established about the instance."""

    OPTIMAL = "optimal"  # proven optimal within the gap
    FEASIBLE = "feasible"  # an incumbent; a limit stopped the proof
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    NO_SOLUTION = "no_solution"  # a limit was hit before anything was found

    @property
    def has_solution(self) -> bool:
        """Whether the status comes with a plan (optimal or feasible)."""
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
