"""Read a backend's assignment back into the instance's terms."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from optimiser.placements.model import Assignment, PlacementModel
from optimiser.placements.schema import WEEKDAYS, Weekday
from optimiser.placements.solution import Placement, PlacementTotals, Utilisation


def placements(model: PlacementModel, plan: Assignment) -> list[Placement]:
    """The plan's placements, with their charges and travel. The chosen pairs' figures are
    read from the arrays in one go (`tolist`), not element by element."""
    inst, pairs = model.inst, model.pairs
    refs = np.flatnonzero(plan.choice >= 0)
    chosen = plan.choice[refs]
    f = {
        name: getattr(pairs, name)[chosen].tolist()
        for name in ("charge", "travel", "move", "preference", "days_value", "cost")
    }
    km, offered = pairs.distance_km[chosen].tolist(), pairs.offered[chosen].tolist()
    prov, lot = pairs.prov[chosen].tolist(), pairs.lot[chosen].tolist()
    n_days, use = pairs.days[chosen].tolist(), pairs.use[chosen].tolist()
    out = []
    for k, (r, i) in enumerate(zip(refs.tolist(), chosen.tolist(), strict=True)):
        ref, p = inst.referrals[r], inst.providers[prov[k]]
        by_model = i in model.weekday
        days = (
            [WEEKDAYS[d] for d in sorted(plan.days.get(i, []))]
            if by_model
            else [d for d in WEEKDAYS if d in p.open_days][: n_days[k]]
        )
        out.append(
            Placement(
                reference=ref.reference,
                provider=p.id,
                lot=inst.lots[lot[k]].id,
                weekdays=days,
                weekdays_chosen=by_model,
                days_per_week=n_days[k],
                start_week=ref.start_week,
                end_week=ref.end_week,
                weekly_cost_gbp=round((f["charge"][k] + f["travel"][k]) / ref.weeks, 2),
                charge_gbp=round(f["charge"][k], 2),
                travel_gbp=round(f["travel"][k], 2),
                move_penalty_gbp=round(f["move"][k], 2),
                preference_gbp=round(f["preference"][k], 2),
                days_value_gbp=round(f["days_value"][k], 2),
                total_cost_gbp=round(f["cost"][k], 2),
                travel_km=round(km[k], 3),
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
    """Most places (or pupils) in use at any week where one of these placements starts."""
    starts = {x.start_week for x in placed}
    return max(
        (
            sum(x.places_used if places else 1 for x in placed if x.start_week <= w <= x.end_week)
            for w in starts
        ),
        default=0,
    )


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
