"""Read a backend's assignment back into the instance's terms."""

from __future__ import annotations

import numpy as np

from optimiser.core.rounding import round_all
from optimiser.placements.model import Assignment, PlacementModel
from optimiser.placements.pairs import Ints
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
    weeks where placements start, against the places the provider declares. Every row's
    members are found with arrays (provider ids are distinct) and the peaks together."""
    providers = model.inst.providers
    keys: list[tuple[str, str | None, Weekday | None, int | None]] = []  # as reported
    lot_number: dict[str, int] = {}
    whole = np.zeros(len(providers), dtype=np.int64)  # provider -> its row of all lots,
    lot_row: dict[tuple[int, int], int] = {}  # (provider, lot) -> its row,
    day_row = np.full((len(providers), len(WEEKDAYS)), -1, dtype=np.int64)  # open days' rows
    for i, p in enumerate(providers):
        whole[i] = len(keys)
        keys.append((p.id, None, None, p.places))
        for lot in p.lots:
            lot_row[i, lot_number.setdefault(lot.lot, len(lot_number))] = len(keys)
            keys.append((p.id, lot.lot, None, lot.places))
        cap = p.places if p.places_per_weekday is None else p.places_per_weekday
        for day in p.open_days:
            day_row[i, WEEKDAYS.index(day)] = len(keys)
            keys.append((p.id, None, Weekday(day), cap))
    number = {p.id: i for i, p in enumerate(providers)}
    prov = np.array([number.get(x.provider, -1) for x in placed], dtype=np.int64)
    lot_of = [lot_number.get(x.lot, -1) for x in placed]
    places = np.array([x.places_used for x in placed], dtype=np.int64)
    per_pupil = np.array([p.places_per_weekday is not None for p in providers], dtype=bool)
    here = np.flatnonzero(prov >= 0)
    rows, members, weights = [whole[prov[here]]], [here], [places[here]]
    in_lot = [lot_row.get((i, j), -1) for i, j in zip(prov.tolist(), lot_of, strict=True)]
    rows.append(np.array(in_lot, dtype=np.int64))
    members.append(np.arange(len(placed)))
    weights.append(places)
    for d, day in enumerate(WEEKDAYS):
        attends = np.array([day in x.weekdays for x in placed], dtype=bool)
        on = here[attends[here]]
        rows.append(day_row[prov[on], d])
        members.append(on)
        weights.append(np.where(per_pupil[prov[on]], 1, places[on]))
    row, member, weight = np.concatenate(rows), np.concatenate(members), np.concatenate(weights)
    counted = row >= 0
    start = np.array([x.start_week for x in placed], dtype=np.int64)
    end = np.array([x.end_week for x in placed], dtype=np.int64)
    member = member[counted]
    peaks = _peaks(len(keys), row[counted], (start[member], end[member]), weight[counted])
    return [
        Utilisation(provider=p, lot=lot, weekday=day, peak=peak, capacity=cap)
        for (p, lot, day, cap), peak in zip(keys, peaks, strict=True)
    ]


def _peaks(n: int, row: Ints, weeks: tuple[Ints, Ints], weight: Ints) -> list[int]:
    """Per row (0 <= row < n), the most weight in use at any week where one of its members
    starts (0 without members): a sweep over the weeks where each row's count changes (a
    member's weight joins at its start week and leaves the week after its end), read where a
    member starts. A row's changes sum to nothing, so one running sum serves every row."""
    peak = np.zeros(n, dtype=np.int64)
    if len(row) == 0:
        return peak.tolist()
    start, end = weeks
    span = int(end.max()) + 2  # weeks 1 .. end + 1, numbered within a row
    key = np.r_[row * span + start, row * span + end + 1]
    change, starts = np.r_[weight, -weight], np.r_[np.ones_like(row), np.zeros_like(row)]
    order = np.argsort(key)
    key, change, starts = key[order], change[order], starts[order]
    level = np.cumsum(change)
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])  # each (row, week) once:
    last = np.r_[first[1:], len(key)] - 1  # its level once all its changes are in,
    read = np.maximum.reduceat(starts, first) > 0  # read where a member starts
    at, level = key[first[read]] // span, level[last[read]]
    rows = np.flatnonzero(np.r_[True, at[1:] != at[:-1]])  # at is sorted: one run a row
    peak[at[rows]] = np.maximum.reduceat(level, rows)
    return peak.tolist()


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
