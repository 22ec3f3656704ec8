"""Lexicographic objectives (policy.objective): levels solved in order, each held within its
tolerance; hand-worked instances where the lexicographic and weighted answers differ."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from optimiser import OptionError, SolveOptions, parse_placements
from optimiser.core.status import SolveStatus
from optimiser.placements import model
from optimiser.placements.backends.highs import solve_highs
from optimiser.placements.incumbent import greedy_plan
from optimiser.placements.lexicographic import solve_levels
from optimiser.placements.linear import linear_form
from optimiser.placements.model import Assignment
from tests.placements_helpers import instance, provider, referral, run, where

SOLVERS = ["highs", "cpsat"]


def _levels(*goals: str | dict[str, Any]) -> list[dict[str, Any]]:
    return [{"goal": g} if isinstance(g, str) else g for g in goals]


@pytest.mark.parametrize("solver", SOLVERS)
def test_placed_first_places_what_the_weighted_objective_leaves(solver: str) -> None:
    """R attends 2 days for 10 weeks; A charges £400 a day (£8,000); the spot purchase costs
    300 x 2 x 10 = £6,000. The weighted objective leaves R unplaced (£6,000 < £8,000);
    [placed, cost] places R at A: placed 1, cost £8,000."""
    data = instance([provider("A", 400)], [referral("R")])
    assert where(run(data)) == {}
    data["policy"]["objective"] = _levels("placed", "cost")
    sol = run(data, solver)
    assert where(sol) == {"R": "A"}
    assert [(x.goal, x.value, x.status) for x in sol.levels] == [
        ("placed", 1.0, SolveStatus.OPTIMAL),
        ("cost", 8_000.0, SolveStatus.OPTIMAL),
    ]
    assert sol.status is SolveStatus.OPTIMAL
    assert sol.verification is not None
    assert sol.verification.passed


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(
    ("tolerance", "chosen", "cost", "quality"),
    [(0.0, "A", 2_000.0, 2.0), (0.1, "B", 2_150.0, 4.0), (0.3, "C", 2_500.0, 5.0)],
)
def test_cost_within_a_relative_tolerance_then_quality(
    solver: str, tolerance: float, chosen: str, cost: float, quality: float
) -> None:
    """R (2 days x 10 weeks) at A (rated 2, £2,000), B (rated 4, £2,150) or C (rated 5,
    £2,500). [cost within a share t of its best £2,000, then average quality]: t = 0 keeps
    A; t = 10% allows up to £2,200, so B (4); t = 30% allows £2,600, so C (5). The weighted
    objective always takes A."""
    provs = [
        provider("A", 100, quality_rating=2),
        provider("B", 107.5, quality_rating=4),
        provider("C", 125, quality_rating=5),
    ]
    level = {"goal": "cost", "tolerance": tolerance, "relative": True}
    data = instance(provs, [referral("R")], objective=_levels(level, "quality"))
    sol = run(data, solver)
    assert where(sol) == {"R": chosen}
    cost_level, quality_level = sol.levels
    assert cost_level.best == pytest.approx(2_000)
    assert cost_level.tolerance == pytest.approx(2_000 * tolerance)
    assert cost_level.value == pytest.approx(cost)
    assert quality_level.value == pytest.approx(quality)
    assert sol.verification is not None
    assert sol.verification.passed


@pytest.mark.parametrize("solver", SOLVERS)
def test_first_choice_lot_when_possible_then_cost(solver: str) -> None:
    """R1 (2 days) and R2 (3 days), 10 weeks, want therapeutic first, online as a fallback.
    A (therapeutic, £150 a day) has 1 place; O (online, £100 a day) has room.

    Weighted: both online, £2,000 + £3,000 = £5,000. [first_choice, cost]: one pupil in the
    first-choice lot (A's one place), then the cheaper way: R1 at A (£3,000) + R2 at O
    (£3,000) = £6,000, against R2 at A (£4,500) + R1 at O (£2,000) = £6,500."""
    lots = ["therapeutic", "online_tuition"]
    provs = [
        provider("A", 150, places=1),
        provider("O", 100, lot="online_tuition", online=True),
    ]
    refs = [referral("R1", lots=lots), referral("R2", lots=lots, days_per_week=3)]
    data = instance(provs, refs)
    assert where(run(data)) == {"R1": "O", "R2": "O"}
    data["policy"]["objective"] = _levels("first_choice", "cost")
    sol = run(data, solver)
    assert where(sol) == {"R1": "A", "R2": "O"}
    assert [x.value for x in sol.levels] == [1.0, 6_000.0]
    assert sol.verification is not None
    assert sol.verification.passed


@pytest.mark.parametrize("solver", SOLVERS)
def test_three_levels_placed_quality_cost(solver: str) -> None:
    """R1 (2 days) and R2 (3 days), 10 weeks. A rated 2 at £100 a day, B rated 4 at £200 a
    day with 1 place, C rated 3 at £150 a day.

    Weighted: both at A (£2,000 + £3,000). [placed, quality, cost]: both placed (2); the best
    average is (4 + 3) / 2 = 3.5, with one at B and the other at C; then the cost: R1 at B
    (£4,000) + R2 at C (£4,500) = £8,500, against R2 at B (£6,000) + R1 at C (£3,000) =
    £9,000. The average is found by Dinkelbach's method (from the placed level's plan)."""
    provs = [
        provider("A", 100, quality_rating=2),
        provider("B", 200, quality_rating=4, places=1),
        provider("C", 150, quality_rating=3),
    ]
    refs = [referral("R1"), referral("R2", days_per_week=3)]
    data = instance(provs, refs)
    assert where(run(data)) == {"R1": "A", "R2": "A"}
    data["policy"]["objective"] = _levels("placed", "quality", "cost")
    sol = run(data, solver)
    assert where(sol) == {"R1": "B", "R2": "C"}
    assert [x.value for x in sol.levels] == [2.0, 3.5, 8_500.0]
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(8_500)
    assert sol.verification is not None
    assert sol.verification.passed


def test_flow_and_lagrange_are_refused() -> None:
    data = instance([provider("A")], [referral("R")], objective=_levels("placed"))
    for solver in ("flow", "lagrange"):
        with pytest.raises(OptionError, match="lexicographic"):
            run(data, solver)


def test_a_level_stopped_early_makes_the_run_feasible() -> None:
    """The first level's solve reports `feasible` (as when its time limit stops it): the run
    is `feasible` though the last level is proven optimal."""
    data = instance([provider("A", 400)], [referral("R")], objective=_levels("placed", "cost"))
    inst = parse_placements(data)
    built = model.build(inst)
    form = linear_form(built)
    calls: list[int] = []

    def stopped_once(*args: Any, **kw: Any) -> Assignment:
        calls.append(1)
        result = solve_highs(*args, **kw)
        return replace(result, status=SolveStatus.FEASIBLE) if len(calls) == 1 else result

    plan, levels = solve_levels(
        inst,
        built,
        form,
        SolveOptions(mip_gap=0.0),
        backend=stopped_once,
        start=greedy_plan(built, form),
    )
    assert [x.status for x in levels] == [SolveStatus.FEASIBLE, SolveStatus.OPTIMAL]
    assert plan.status is SolveStatus.FEASIBLE


@pytest.mark.parametrize("solver", SOLVERS)
def test_locked_placements_count_in_every_level(solver: str) -> None:
    """R1 is locked at A (£100 a day, rated 4: £2,000) and holds A's one place; R2 can go
    only to B (£400 a day, rated 2: £8,000, more than its spot purchase of £6,000).
    [placed, cost, quality]: R2 is placed at B; the levels count the locked placement:
    placed 2, cost £2,000 + £8,000 = £10,000, average quality (4 + 2) / 2 = 3."""
    lock = {"provider": "A", "lot": "therapeutic", "weekdays": ["mon", "tue"]}
    provs = [provider("A", 100, places=1, quality_rating=4), provider("B", 400, quality_rating=2)]
    refs = [referral("R1", lock=lock), referral("R2")]
    data = instance(provs, refs, objective=_levels("placed", "cost", "quality"))
    sol = run(data, solver)
    assert where(sol) == {"R1": "A", "R2": "B"}
    assert [x.value for x in sol.levels] == [2.0, 10_000.0, 3.0]
    assert [x.best for x in sol.levels] == [2.0, 10_000.0, 3.0]
    assert sol.verification is not None
    assert sol.verification.passed
