"""Read a backend's assignment back into the instance's terms."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from optimiser.core.rounding import round_all
from optimiser.placements.model import Assignment, PlacementModel
from optimiser.placements.schema import WEEKDAYS, Weekday
from optimiser.placements.solution import Placement, PlacementTotals, Utilisation


def placements(model: PlacementModel, plan: Assignment) -> list[Placement]:
    """The plan's placements, with their charges and travel. The chosen pairs' figures are
    read from the arrays and rounded in one go (round_all, as round() would), and each
    provider's first open days and each lot's id are looked up once, not per placement."""
    inst, pairs = model.inst, model.pairs
    refs = np.flatnonzero(plan.choice >= 0)
    chosen = plan.choice[refs]
    weeks = np.array([inst.referrals[r].weeks for r in refs.tolist()], dtype=np.float64)
    weekly = round_all((pairs.charge[chosen] + pairs.travel[chosen]) / weeks, 2)
    money = zip(
        *(
            round_all(getattr(pairs, name)[chosen], 2)
            for name in ("charge", "travel", "move", "preference", "days_value", "cost")
        ),
        strict=True,
    )
    km, offered = round_all(pairs.distance_km[chosen], 3), pairs.offered[chosen].tolist()
    prov, lot = pairs.prov[chosen].tolist(), pairs.lot[chosen].tolist()
    n_days, use = pairs.days[chosen].tolist(), pairs.use[chosen].tolist()
    lot_ids = [x.id for x in inst.lots]
    first_days = [[d for d in WEEKDAYS if d in p.open_days] for p in inst.providers]
    out = []
    for k, (r, i, gbp) in enumerate(zip(refs.tolist(), chosen.tolist(), money, strict=True)):
        ref, p = inst.referrals[r], inst.providers[prov[k]]
        charge, travel, move, preference, days_value, total = gbp
        by_model = i in model.weekday
        days = (
            [WEEKDAYS[d] for d in sorted(plan.days.get(i, []))]
            if by_model
            else first_days[prov[k]][: n_days[k]]
        )
        out.append(
            Placement(
                reference=ref.reference,
                provider=p.id,
                lot=lot_ids[lot[k]],
                weekdays=days,
                weekdays_chosen=by_model,
                days_per_week=n_days[k],
                start_week=ref.start_week,
                end_week=ref.end_week,
                weekly_cost_gbp=weekly[k],
                charge_gbp=charge,
                travel_gbp=travel,
                move_penalty_gbp=move,
                preference_gbp=preference,
                days_value_gbp=days_value,
                total_cost_gbp=total,
                travel_km=km[k],
                offer=offered[k],
                places_used=use[k],
            )
        )
    return out


def utilisation(model: PlacementModel, placed: list[Placement]) -> list[Utilisation]:
    """Peak pupils at any one time (all lots, each lot) and attending on each weekday, at the
    weeks where placements start, against the places the provider declares."""
    by_provider: dict[str, list[Placement]] = defaultdict(list)
    for pl in placed:
        by_provider[pl.provider].append(pl)
    out = []
    for p in model.inst.providers:
        mine = by_provider.get(p.id, [])
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
        for day in p.open_days:
            on_day = [x for x in mine if day in x.weekdays]
            per_day = p.places_per_weekday is not None
            cap = p.places_per_weekday if per_day else p.places
            peak = _peak(on_day, places=not per_day)
            out.append(
                Utilisation(provider=p.id, lot=None, weekday=Weekday(day), peak=peak, capacity=cap)
            )
    return out


def _peak(placed: list[Placement], *, places: bool = True) -> int:
    """Most places (or pupils) in use at any week where one of these placements starts: a
    sweep over the weeks where the count changes (a placement's places join at its start
    week and leave the week after its end), read at the start weeks."""
    change: dict[int, int] = defaultdict(int)
    for x in placed:
        n = x.places_used if places else 1
        change[x.start_week] += n
        change[x.end_week + 1] -= n
    starts = {x.start_week for x in placed}
    peak = level = 0
    for week in sorted(change):
        level += change[week]
        if week in starts:
            peak = max(peak, level)
    return peak


def totals(model: PlacementModel, plan: Assignment, placed: list[Placement]) -> PlacementTotals:
    """The plan's totals: placed, unplaced, charge and travel."""
    unplaced = plan.choice < 0
    charge = sum(p.charge_gbp for p in placed)
    travel = sum(p.travel_gbp for p in placed)
    moves = sum(p.move_penalty_gbp for p in placed)
    preferences = sum(p.preference_gbp for p in placed)
    value = sum(p.days_value_gbp for p in placed)
    penalties = float(model.penalty[unplaced].sum())
    return PlacementTotals(
        referrals=len(placed) + int(unplaced.sum()),
        placed=len(placed),
        unplaced=int(unplaced.sum()),
        charge_gbp=round(charge, 2),
        travel_gbp=round(travel, 2),
        move_penalties_gbp=round(moves, 2),
        preferences_gbp=round(preferences, 2),
        days_value_gbp=round(value, 2),
        unplaced_penalties_gbp=round(penalties, 2),
        objective_gbp=round(charge + travel + moves + preferences - value + penalties, 2),
        budget_cap_gbp=model.inst.policy.budget_cap_gbp,
        spend_gbp=round(charge + travel, 2),
    )
