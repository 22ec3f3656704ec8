"""What a verifier's verdict means for a solve: one rule for every problem.

A plan the solver called optimal that fails verification is an error, never a result. A
time-limited incumbent that fails is no plan at all (`no_solution`), with a note saying why.
"""

from __future__ import annotations

from optimiser.core.errors import VerificationError
from optimiser.core.schema import Statistics, Verification
from optimiser.core.status import SolveStatus

FAILED_NOTE = "the solver's incumbent failed verification"


def judge(
    status: SolveStatus, verdict: Verification, stats: Statistics
) -> tuple[SolveStatus, Statistics]:
    """The status to report and the statistics to carry; raises for a failed optimal plan."""
    if verdict.passed:
        return status, stats
    if status is SolveStatus.OPTIMAL:
        raise VerificationError(verdict.violations)
    notes = [*stats.notes, FAILED_NOTE]
    return SolveStatus.NO_SOLUTION, stats.model_copy(update={"notes": notes})
