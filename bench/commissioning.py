"""Commissioning rules at county scale: `python -m bench.commissioning`.

On the bundled county term (600 referrals x 80 providers), in one run, each case against its
plain counterpart (ratios of wall time, best of three):

* days a week as a range: every third referral attending fewer than five days given one day
  more as a range (days_min, days_max), at policy.value_per_extra_day_gbp 0 and £400: eligible
  pairs, backend, days placed and time against the fixed-days instance (min-cost flow both);
* a lexicographic objective [placed, cost within 2%, average quality] on HiGHS against the
  weighted objective on HiGHS: each level's value and the time.
"""

from __future__ import annotations

import time
from pathlib import Path

from optimiser import PlacementSolution, SolveOptions, load_instance, solve
from optimiser.placements.policy import Goal, Level
from optimiser.placements.schema import PlacementInstance

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 3


def _timed(inst: PlacementInstance, options: SolveOptions) -> tuple[PlacementSolution, float]:
    best, solution = float("inf"), None
    for _ in range(REPEATS):
        started = time.perf_counter()
        solution = solve(inst, options)
        best = min(best, time.perf_counter() - started)
    assert isinstance(solution, PlacementSolution)
    assert solution.verification is not None
    assert solution.verification.passed
    return solution, best


def _ranged(inst: PlacementInstance, value: float) -> PlacementInstance:
    refs = [
        r.model_copy(
            update={"days_per_week": None, "days_min": r.fewest_days, "days_max": r.fewest_days + 1}
        )
        if i % 3 == 0 and r.fewest_days < 5
        else r
        for i, r in enumerate(inst.referrals)
    ]
    policy = inst.policy.model_copy(update={"value_per_extra_day_gbp": value})
    return inst.model_copy(update={"referrals": refs, "policy": policy})


def _with_policy(inst: PlacementInstance, value: float) -> PlacementInstance:
    policy = inst.policy.model_copy(update={"value_per_extra_day_gbp": value})
    return inst.model_copy(update={"policy": policy})


def days_ranges(inst: PlacementInstance) -> None:
    """Ranges of days against fixed days, at two values of an extra day."""
    for value in (0.0, 400.0):
        fixed, t_fixed = _timed(_with_policy(inst, value), SolveOptions())
        ranged, t_ranged = _timed(_ranged(inst, value), SolveOptions())
        for name, s, t in (("fixed", fixed, t_fixed), ("ranges", ranged, t_ranged)):
            assert s.totals is not None
            days = sum(p.days_per_week for p in s.placements)
            print(
                f"value £{value:,.0f} {name:6}: {s.backend}, {s.statistics.notes[0]}, "
                f"{s.totals.placed} placed on {days} days a week, objective "
                f"£{s.totals.objective_gbp:,.0f}, {t:.3f} s"
            )
        print(f"  ranges / fixed time: {t_ranged / t_fixed:.2f}")


def lexicographic(inst: PlacementInstance) -> None:
    """[placed, cost within 2%, quality] against the weighted objective, both on HiGHS."""
    levels = [
        Level(goal=Goal.PLACED),
        Level(goal=Goal.COST, tolerance=0.02, relative=True),
        Level(goal=Goal.QUALITY),
    ]
    lex = inst.model_copy(update={"policy": inst.policy.model_copy(update={"objective": levels})})
    options = SolveOptions(solver="highs")
    weighted, t_weighted = _timed(inst, options)
    ranked, t_ranked = _timed(lex, options)
    ratings = {p.id: p.quality_rating for p in inst.providers}
    for name, s, t in (("weighted", weighted, t_weighted), ("lexicographic", ranked, t_ranked)):
        assert s.totals is not None
        mean = sum(ratings[p.provider] for p in s.placements) / max(1, len(s.placements))
        print(
            f"{name:13}: {s.status.value}, {s.totals.placed} placed, objective "
            f"£{s.totals.objective_gbp:,.0f}, average quality {mean:.3f}, {t:.3f} s"
        )
    print(f"  lexicographic / weighted time: {t_ranked / t_weighted:.1f}")


def main() -> None:
    """Both comparisons on the county term."""
    inst = load_instance(ROOT / "instances/county_600x80.json")
    assert isinstance(inst, PlacementInstance)
    days_ranges(inst)
    lexicographic(inst)


if __name__ == "__main__":
    main()
