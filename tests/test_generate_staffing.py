"""Authority-sized staffing instances: reproducible, in range, and solved or diagnosed."""

from __future__ import annotations

from optimiser import SolveStatus, solve
from optimiser.staffing.generate import generate_staffing
from optimiser.staffing.schema import Role

# Seeds 0-3 give a plan; 4 and 5 ask for more than their staff can give (diagnosed).
EXPECTED = [SolveStatus.OPTIMAL] * 4 + [SolveStatus.INFEASIBLE] * 2


def test_authority_instances_are_in_range_and_reproducible() -> None:
    for seed, expected in enumerate(EXPECTED):
        instance = generate_staffing(seed)
        assert instance == generate_staffing(seed)
        fte = sum(g.fte_available for g in instance.staff_groups if g.role is Role.SPECIALIST)
        assert 20 <= fte <= 130
        assert 20 <= len(instance.functions) <= 30
        solution = solve(instance)
        assert solution.status is expected
        if expected is SolveStatus.INFEASIBLE:
            assert solution.diagnosis is not None
            assert solution.diagnosis.conflicts
        else:
            assert solution.verification is not None
            assert solution.verification.passed
