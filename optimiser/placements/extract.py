"""Read a backend's assignment back into the instance's terms."""

from __future__ import annotations

from collections import defaultdict

from optimiser.placements.model import Assignment, PlacementModel
from optimiser.placements.schema import WEEKDAYS, Weekday
from optimiser.placements.solution import Placement, PlacementTotals, Utilisation


def placements(model: PlacementModel, plan: Assignment) -> list[Placement]:
    """The plan's placements, with their charges and travel."""
    inst, pairs, out = model.inst, model.pairs, []
    for r, i in enumerate(plan.choice):
        if i < 0:
            continue
        ref, prov = inst.referrals[r], inst.providers[int(pairs.prov[i])]
        chosen, n_days = int(i) in model.weekday, int(pairs.days[i])
        days = (
            [WEEKDAYS[d] for d in sorted(plan.days.get(int(i), []))]
            if chosen
            else [d for d in WEEKDAYS if d in prov.open_days][:n_days]
        )
        spend = float(pairs.charge[i] + pairs.travel[i])
        out.append(
            Placement(
                reference=ref.reference,
                provider=prov.id,
                lot=inst.lots[int(pairs.lot[i])].id,
                weekdays=days,
                weekdays_chosen=chosen,
                days_per_week=n_days,
                start_week=ref.start_week,
                end_week=ref.end_week,
                weekly_cost_gbp=round(spend / ref.weeks, 2),
                charge_gbp=round(float(pairs.charge[i]), 2),
                travel_gbp=round(float(pairs.travel[i]), 2),
                move_penalty_gbp=round(float(pairs.move[i]), 2),
                preference_gbp=round(float(pairs.preference[i]), 2),
                days_value_gbp=round(float(pairs.days_value[i]), 2),
                total_cost_gbp=round(float(pairs.cost[i]), 2),
                travel_km=round(float(pairs.distance_km[i]), 3),
                offer=bool(pairs.offered[i]),
                places_used=int(pairs.use[i]),
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
