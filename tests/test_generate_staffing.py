"""Authority-sized staffing instances: reproducible, in range, and solved or diagnosed."""

from __future__ import annotations

from optimiser import SolveStatus, solve
from optimiser.staffing.generate import generate_staffing
from optimiser.staffing.schema import Role


def test_authority_instances_are_in_range_and_reproducible() -> None:
    for seed in range(6):
        instance = generate_staffing(seed)
        assert instance == generate_staffing(seed)
        fte = sum(g.fte_available for g in instance.staff_groups if g.role is Role.SPECIALIST)
        assert 20 <= fte <= 130
        assert 20 <= len(instance.functions) <= 30
        solution = solve(instance)
        assert solution.status in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE)
        if solution.status is SolveStatus.INFEASIBLE:
            assert solution.diagnosis is not None
