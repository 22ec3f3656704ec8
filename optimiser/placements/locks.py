"""Locked placements: pupils who stay where they are while the rest of the plan is re-made.

A locked referral leaves the optimisation. Its placement is priced as any other (the offer or
the provider's price for its days and weeks, plus travel) and holds places in its weeks: for
each resource R it uses (a provider's places, one lot's places, the full-time limit of an
unregistered provider, or places on one weekday) and each check week w,

    sum_{i in R, start_i <= w <= end_i} use_i y_i <= cap_R - held_R(w)

where held_R(w) is what the locked placements active at week w use of R; a budget cap is
lowered by what they spend; a provider share cap and a minimum average quality count them as
constants (placements.side: L_p locked at provider p of L in all, and their quality margin;
a provider whose locked placements alone exceed its share takes no new placement, and where
the locked placements alone fall below the minimum average the new ones meet it on their
own). Locked placements that alone break a capacity or the budget cap are refused as input,
naming the rule. The locked placements come back in extraction (listed with the others,
counted in the totals) and in verification (the verifier checks each lock is kept and every
capacity counts them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from optimiser.core.errors import ProblemList
from optimiser.placements.schema import (
    WEEKDAYS,
    Lock,
    PlacementInstance,
    Provider,
    Referral,
    distance_km,
    price_per_day,
)
from optimiser.placements.solution import Placement

# (kind, provider index, lot index or None, weekday index or None), as in capacity rows.
Resource = tuple[str, int, int | None, int | None]
Interval = tuple[int, int, int]  # start week, end week, places used


@dataclass(frozen=True)
class Held:
    """What locked placements hold of each resource, as (start, end, use) intervals."""

    by_resource: dict[Resource, list[Interval]] = field(default_factory=dict)

    def of(self, resource: Resource) -> list[Interval]:
        """The intervals held of one resource."""
        return self.by_resource.get(resource, [])

    def at(self, resource: Resource, week: int) -> int:
        """Places of the resource held at one week."""
        return sum(use for s, e, use in self.of(resource) if s <= week <= e)


def is_locked(r: Referral) -> bool:
    """Whether the referral's placement is locked."""
    return r.lock is not None


def free_instance(inst: PlacementInstance) -> PlacementInstance:
    """The instance the optimiser sees: unlocked referrals and their offers only."""
    if not any(is_locked(r) for r in inst.referrals):
        return inst
    locked = {r.reference for r in inst.referrals if is_locked(r)}
    policy = inst.policy
    if policy.budget_cap_gbp is not None:  # the cap less what locked placements spend
        spent = sum(p.charge_gbp + p.travel_gbp for p in locked_placements(inst))
        left = max(0.0, policy.budget_cap_gbp - spent)
        policy = policy.model_copy(update={"budget_cap_gbp": left})
    return inst.model_copy(
        update={
            "referrals": [r for r in inst.referrals if r.reference not in locked],
            "offers": [o for o in inst.offers if o.reference not in locked],
            "policy": policy,
        }
    )


def _places_used(inst: PlacementInstance, r: Referral, lock: Lock) -> int:
    if len(lock.weekdays) != r.fewest_days:  # an offer quotes the fewest days
        return 1
    for o in inst.offers:
        if (o.reference, o.provider, o.lot) == (r.reference, lock.provider, lock.lot):
            return o.places_used
    return 1


def locked_providers(inst: PlacementInstance) -> NDArray[np.int64]:
    """The provider index of each locked placement, in referral order."""
    index = {p.id: i for i, p in enumerate(inst.providers)}
    return np.array(
        [index[r.lock.provider] for r in inst.referrals if r.lock is not None], dtype=np.int64
    )


def held(inst: PlacementInstance) -> Held:
    """Every resource the locked placements use, with their weeks."""
    index = {p.id: i for i, p in enumerate(inst.providers)}
    lot_index = {lot.id: i for i, lot in enumerate(inst.lots)}
    out: dict[Resource, list[Interval]] = defaultdict(list)
    for r in inst.referrals:
        if r.lock is None or r.lock.provider not in index:
            continue
        pi, p, lock = index[r.lock.provider], inst.providers[index[r.lock.provider]], r.lock
        use, span = _places_used(inst, r, lock), (r.start_week, r.end_week)
        out["places", pi, None, None].append((*span, use))
        li = lot_index.get(lock.lot)
        out["lot_places", pi, li, None].append((*span, use))
        if not p.registered_school and len(lock.weekdays) >= inst.policy.full_time_days:
            out["full_time", pi, None, None].append((*span, 1))
        for day in lock.weekdays:
            out["weekday", pi, None, WEEKDAYS.index(day)].append((*span, 1))
    return Held(dict(out))


def locked_placements(inst: PlacementInstance) -> list[Placement]:
    """The locked referrals' placements, priced as the verifier prices them."""
    providers = {p.id: p for p in inst.providers}
    offers = {(o.reference, o.provider, o.lot): o for o in inst.offers}
    out = []
    for r in inst.referrals:
        if r.lock is None:
            continue
        p, lock = providers[r.lock.provider], r.lock
        days = len(lock.weekdays)
        offer = offers.get((r.reference, p.id, lock.lot)) if days == r.fewest_days else None
        charge = offer.total_cost_gbp if offer else _charge(inst, p, lock.lot) * days * r.weeks
        km = distance_km(r, p)
        travel = inst.policy.travel_cost_per_km_gbp * km * 2 * days * r.weeks
        out.append(
            Placement(
                reference=r.reference,
                provider=p.id,
                lot=lock.lot,
                weekdays=[d for d in WEEKDAYS if d in lock.weekdays],
                weekdays_chosen=True,
                days_per_week=days,
                start_week=r.start_week,
                end_week=r.end_week,
                weekly_cost_gbp=round((charge + travel) / r.weeks, 2),
                charge_gbp=round(charge, 2),
                travel_gbp=round(travel, 2),
                move_penalty_gbp=0.0,
                total_cost_gbp=round(charge + travel, 2),
                travel_km=round(km, 3),
                offer=offer is not None,
                places_used=offer.places_used if offer else 1,
                locked=True,
            )
        )
    return out


def _charge(inst: PlacementInstance, p: Provider, lot: str) -> float:
    """The provider's day rate in a lot."""
    return next(price_per_day(pl, inst.policy) for pl in p.lots if pl.lot == lot)


def check_locks(
    problems: ProblemList, inst: PlacementInstance, providers: dict[str, Provider]
) -> None:
    """Each lock names a provider approved for its lot and open on its days, with as many days
    as the referral attends; the locked placements alone fit every capacity at their start
    weeks and the budget cap."""
    any_lock = False
    for i, r in enumerate(inst.referrals):
        if r.lock is None:
            continue
        any_lock, where, p = True, f"referrals[{i}].lock", providers.get(r.lock.provider)
        if p is None:
            problems.add(f"{where}.provider", "refers to an unknown provider", r.lock.provider)
            continue
        if r.lock.lot not in {pl.lot for pl in p.lots}:
            problems.add(f"{where}.lot", "the provider is not approved for this lot", p.id)
        if not set(r.lock.weekdays) <= set(p.open_days):
            problems.add(f"{where}.weekdays", "the provider is closed on one of these days", p.id)
        if not r.allows_days(len(r.lock.weekdays)):
            problems.add(f"{where}.weekdays", "must list as many days as the referral attends")
    if any_lock and not problems.items:
        _check_held(problems, inst)


def _check_held(problems: ProblemList, inst: PlacementInstance) -> None:
    pol = inst.policy
    for (kind, pi, lot, day), intervals in held(inst).by_resource.items():
        p = inst.providers[pi]
        cap = declared_cap(inst, p, kind, lot)
        peak = max(sum(u for s, e, u in intervals if s <= w <= e) for w, *_ in intervals)
        if cap is not None and peak > cap:
            what = kind.replace("_", " ") + (f" {WEEKDAYS[day].value}" if day is not None else "")
            problems.add(
                f"providers[{pi}]",
                f"locked placements alone use {peak} of {cap} ({what})",
                p.id,
            )
    if pol.budget_cap_gbp is not None:
        spent = sum(p.charge_gbp + p.travel_gbp for p in locked_placements(inst))
        if spent > pol.budget_cap_gbp + 0.005:
            problems.add("policy.budget_cap_gbp", f"locked placements alone spend £{spent:,.0f}")


def declared_cap(inst: PlacementInstance, p: Provider, kind: str, lot: int | None) -> int | None:
    """The places the provider declares for a resource (None: not limited)."""
    if kind == "places":
        return p.places
    if kind == "lot_places":
        lot_id = inst.lots[lot].id if lot is not None else None
        return next((pl.places for pl in p.lots if pl.lot == lot_id), None)
    if kind == "full_time":
        return None if p.registered_school else inst.policy.unregistered_max_full_time
    return p.places_per_weekday
