"""Utilisation found in bulk (extract.utilisation) gives, row for row, what counting each
provider's placements week by week gives."""

from __future__ import annotations

import pytest

from optimiser.core.options import SolveOptions
from optimiser.placements.generate import generate_placements
from optimiser.placements.schema import PlacementInstance, Weekday
from optimiser.placements.solution import Placement, Utilisation
from optimiser.solve import solve


def _peak(placed: list[Placement], *, places: bool = True) -> int:
    weeks = {x.start_week for x in placed}
    return max(
        (
            sum(x.places_used if places else 1 for x in placed if x.start_week <= w <= x.end_week)
            for w in weeks
        ),
        default=0,
    )


def _counted(inst: PlacementInstance, placed: list[Placement]) -> list[Utilisation]:
    out = []
    for p in inst.providers:
        mine = [x for x in placed if x.provider == p.id]
        out.append(
            Utilisation(provider=p.id, lot=None, weekday=None, peak=_peak(mine), capacity=p.places)
        )
        for lot in p.lots:
            in_lot = [x for x in mine if x.lot == lot.lot]
            out.append(
                Utilisation(
                    provider=p.id,
                    lot=lot.lot,
                    weekday=None,
                    peak=_peak(in_lot),
                    capacity=lot.places,
                )
            )
        per_day = p.places_per_weekday is not None
        for day in p.open_days:
            on_day = [x for x in mine if day in x.weekdays]
            out.append(
                Utilisation(
                    provider=p.id,
                    lot=None,
                    weekday=Weekday(day),
                    peak=_peak(on_day, places=not per_day),
                    capacity=p.places_per_weekday if per_day else p.places,
                )
            )
    return out


@pytest.mark.parametrize(
    "inst",
    [
        generate_placements(300, 20, seed=1, offers=True, start_weeks=8),
        generate_placements(200, 12, seed=2, weekday_places=True, days=(2, 3), start_weeks=6),
        generate_placements(400, 30, seed=3, days=(2, 5), start_weeks=30),
    ],
)
def test_bulk_utilisation_matches_counting_week_by_week(inst: PlacementInstance) -> None:
    sol = solve(inst, SolveOptions(time_limit_seconds=20))
    assert sol.placements
    assert any(u.peak > 1 for u in sol.utilisation)
    assert sol.utilisation == _counted(inst, sol.placements)
