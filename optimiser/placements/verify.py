"""Re-check a placement plan with no solver and none of the model's code: eligibility, costs,
places at any one time, weekdays, budget, share and quality rules, and the objective."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from optimiser.core.checker import Checker
from optimiser.core.schema import Verification
from optimiser.placements.schema import (
    Offer,
    PlacementInstance,
    Provider,
    ProviderLot,
    Referral,
    distance_km,
    price_per_day,
    separation_km,
    unplaced_cost,
)
from optimiser.placements.solution import Placement, PlacementSolution

Offers = dict[tuple[str, str, str], Offer]


def verify_placements(inst: PlacementInstance, plan: PlacementSolution) -> Verification:
    """Re-check a placements plan against the instance, without a solver."""
    chk = Checker()
    refs = {r.reference: r for r in inst.referrals}
    provs = {p.id: p for p in inst.providers}
    offers = {(o.reference, o.provider, o.lot): o for o in inst.offers}
    sets = {p.id: _ProviderSets.of(p) for p in inst.providers}
    counts = Counter(pl.reference for pl in plan.placements)
    chk.that(all(n == 1 for n in counts.values()), "a referral is placed more than once")
    valid = []
    for pl in plan.placements:
        ok = pl.reference in refs and pl.provider in provs
        chk.that(ok, "placement names unknown ids {}", pl.provider)
        if ok:
            p = provs[pl.provider]
            _check_placement(chk, inst, refs[pl.reference], p, pl, sets=sets[p.id], offers=offers)
            valid.append(pl)
    unplaced = {u.reference for u in plan.unplaced}
    chk.that(unplaced == set(refs) - set(counts), "unplaced list differs from referrals not placed")
    locked = [r.reference for r in inst.referrals if r.lock is not None]
    chk.that(all(ref in counts for ref in locked), "a locked referral is not placed")
    _check_capacity(chk, inst, valid, refs, offers=offers)
    _check_policy(chk, inst, valid, provs)
    _check_totals(chk, inst, plan, refs)
    _check_levels(chk, inst, plan, refs, provs)
    return chk.verdict()


@dataclass(frozen=True)
class _ProviderSets:
    """A provider's approved lots, open days and needs, looked up once per provider rather
    than rebuilt for each of its placements."""

    approved: dict[str, ProviderLot]
    open_days: frozenset[str]
    needs: frozenset[str]

    @classmethod
    def of(cls, p: Provider) -> _ProviderSets:
        return cls({x.lot: x for x in p.lots}, frozenset(p.open_days), frozenset(p.needs_supported))


def _check_placement(
    chk: Checker,
    inst: PlacementInstance,
    r: Referral,
    p: Provider,
    pl: Placement,
    *,
    sets: _ProviderSets,
    offers: Offers,
) -> None:
    """Lot, rules (or the lock kept), days and every figure of one placement. Messages are
    templates filled in (with "{reference} at {provider}") only for a failed check."""
    pol, who, approved = inst.policy, f"{r.reference} at {p.id}", sets.approved
    chk.that(
        pl.lot in approved and pl.lot in r.lots,
        "{}: lot {} not approved or not acceptable",
        who,
        pl.lot,
    )
    days = pl.days_per_week
    km = distance_km(r, p)
    if r.lock is None:
        _check_rules(chk, inst, r, p, sets=sets, days=days, km=km)
    else:  # kept as it was: the rules it was made under are not judged again
        kept = (pl.provider, pl.lot, set(pl.weekdays)) == (
            r.lock.provider,
            r.lock.lot,
            set(r.lock.weekdays),
        )
        chk.that(kept and pl.locked, "{}: a locked placement was changed", who)
    weekdays = set(pl.weekdays)
    chk.that(
        len(weekdays) == days == len(pl.weekdays) and r.allows_days(days),
        "{}: wrong number of days",
        who,
    )
    chk.that(weekdays <= sets.open_days, "{}: attends on a day the provider is closed", who)
    if pl.lot not in approved:
        return
    offer = offers.get((r.reference, p.id, pl.lot)) if days == r.fewest_days else None
    chk.that(
        offer is not None or not pol.offers_only or r.lock is not None,
        "{}: a call-off placement without an offer",
        who,
    )
    chk.that(pl.offer == (offer is not None), "{}: offer flag differs from the offers", who)
    weeks = r.weeks
    charge = offer.total_cost_gbp if offer else price_per_day(approved[pl.lot], pol) * days * weeks
    travel = pol.travel_cost_per_km_gbp * km * 2 * days * weeks
    moved = r.lock is None and r.current_provider not in (None, p.id)
    move = pol.move_penalty_gbp if moved else 0.0
    chk.pounds(pl.charge_gbp, charge, "{}: charge", who)
    chk.pounds(pl.travel_gbp, travel, "{}: travel cost", who)
    rank = r.lots.index(pl.lot) if pl.lot in r.lots and r.lock is None else 0
    preference = pol.lot_rank_cost_gbp * rank
    chk.pounds(pl.move_penalty_gbp, move, "{}: move penalty", who)
    chk.pounds(pl.preference_gbp, preference, "{}: lot preference", who)
    extra = (days - r.fewest_days) * weeks * pol.value_per_extra_day_gbp if r.lock is None else 0
    chk.pounds(pl.days_value_gbp, extra, "{}: value of extra days", who)
    total = charge + travel + move + preference - extra
    chk.pounds(pl.total_cost_gbp, total, "{}: total cost", who)


def _check_rules(
    chk: Checker,
    inst: PlacementInstance,
    r: Referral,
    p: Provider,
    *,
    sets: _ProviderSets,
    days: int,
    km: float,
) -> None:
    """Key stage, needs, quality, travel (`km`, the pupil's journey; or the outreach radius)
    and registration, for a placement of `days` days a week."""
    pol, who = inst.policy, f"{r.reference} at {p.id}"
    chk.that(r.key_stage in p.key_stages, "{}: key stage not served", who)
    chk.that(sets.needs.issuperset(r.needs), "{}: a need is not supported", who)
    chk.that(p.quality_rating >= pol.min_quality_rating, "{}: quality below the minimum", who)
    if p.outreach and p.outreach_radius_km is not None:
        radius = p.outreach_radius_km
        chk.at_most(separation_km(r, p), radius, 1e-6, "{}: beyond outreach", who)
    chk.at_most(km, r.max_travel_km, 1e-6, "{}: too far", who)
    full_time = days >= pol.full_time_days
    chk.that(
        p.registered_school or not (full_time and (r.ehcp or r.looked_after)),
        "{}: unregistered provider takes an EHCP or looked-after pupil full time",
        who,
    )


def _places_used(offers: Offers, pl: Placement) -> int:
    """An offer's places where the placement is the offer's (`offer`), else 1."""
    offer = offers.get((pl.reference, pl.provider, pl.lot))
    return offer.places_used if offer and pl.offer else 1


def _check_capacity(
    chk: Checker,
    inst: PlacementInstance,
    placed: list[Placement],
    refs: dict[str, Referral],
    *,
    offers: Offers,
) -> None:
    """At each week where a placement at the provider starts: headcount, per-lot, full-time
    and per-weekday limits."""
    at: dict[str, list[tuple[Placement, int]]] = defaultdict(list)
    for pl in placed:
        at[pl.provider].append((pl, _places_used(offers, pl)))
    for p in inst.providers:
        mine = at.get(p.id, [])
        for w in sorted({pl.start_week for pl, _ in mine}):
            live = [(x, n) for x, n in mine if x.start_week <= w <= x.end_week]
            if p.places is not None:
                used = sum(n for _, n in live)
                chk.at_most(used, p.places, 0, "{} over places in week {}", p.id, w)
            for lot in p.lots:
                if lot.places is not None:
                    used = sum(n for x, n in live if x.lot == lot.lot)
                    chk.at_most(
                        used, lot.places, 0, "{} over places in lot {} in week {}", p.id, lot.lot, w
                    )
            if not p.registered_school:
                ft = sum(1 for x, _ in live if x.days_per_week >= inst.policy.full_time_days)
                chk.at_most(
                    ft,
                    inst.policy.unregistered_max_full_time,
                    0,
                    "{} over its full-time limit in week {}",
                    p.id,
                    w,
                )
            if p.places_per_weekday is not None:
                for day in p.open_days:
                    n = sum(1 for x, _ in live if day in x.weekdays)
                    chk.at_most(
                        n,
                        p.places_per_weekday,
                        0,
                        "{} over its places on {} in week {}",
                        p.id,
                        day,
                        w,
                    )


def _check_policy(
    chk: Checker, inst: PlacementInstance, placed: list[Placement], provs: dict[str, Provider]
) -> None:
    pol = inst.policy
    spend = sum(pl.charge_gbp + pl.travel_gbp for pl in placed)
    if pol.budget_cap_gbp is not None:
        chk.at_most(spend, pol.budget_cap_gbp, chk.money(spend), "placements exceed the budget cap")
    locked = {r.reference for r in inst.referrals if r.lock is not None}
    if pol.max_provider_share is not None and placed:
        _check_share(chk, pol.max_provider_share, placed, locked)
    if pol.min_average_quality is not None and placed:
        _check_quality(chk, pol.min_average_quality, placed, locked, provs)


def _check_share(chk: Checker, share: float, placed: list[Placement], locked: set[str]) -> None:
    """Each provider holds at most `share` of every placement, locked ones included; one whose
    locked placements alone exceed its share of the locked ones takes no new placement."""
    held = Counter(pl.provider for pl in placed if pl.reference in locked)
    new = Counter(pl.provider for pl in placed if pl.reference not in locked)
    for pid in held.keys() | new.keys():
        if held[pid] > share * len(locked) + 1e-9:
            chk.that(new[pid] == 0, f"{pid} above its share of locked placements takes new ones")
        else:
            chk.at_most(held[pid] + new[pid], share * len(placed), 1e-6, f"{pid} above its share")


def _check_quality(
    chk: Checker,
    q_min: float,
    placed: list[Placement],
    locked: set[str],
    provs: dict[str, Provider],
) -> None:
    """The average rating of every placement is at least q_min; where the locked placements
    alone fall short of it, the new placements meet it on their own."""
    margin = {pl.reference: provs[pl.provider].quality_rating - q_min for pl in placed}
    held = sum(m for ref, m in margin.items() if ref in locked)
    new = sum(m for ref, m in margin.items() if ref not in locked)
    chk.at_least(new + max(held, 0.0), 0.0, 1e-9, "average quality below the minimum")


def _check_totals(
    chk: Checker, inst: PlacementInstance, plan: PlacementSolution, refs: dict[str, Referral]
) -> None:
    if plan.totals is None:
        chk.that(False, "a plan without totals")
        return
    t = plan.totals
    placed_cost = sum(pl.total_cost_gbp for pl in plan.placements)
    penalty = sum(
        unplaced_cost(refs[u.reference], inst.policy) for u in plan.unplaced if u.reference in refs
    )
    objective = placed_cost + penalty
    chk.close(
        t.objective_gbp,
        objective,
        chk.money(objective),
        "objective differs from the recomputed one",
    )
    chk.that(
        t.placed == len(plan.placements) and t.unplaced == len(plan.unplaced),
        "placed/unplaced counts",
    )


def _check_levels(
    chk: Checker,
    inst: PlacementInstance,
    plan: PlacementSolution,
    refs: dict[str, Referral],
    provs: dict[str, Provider],
) -> None:
    """A lexicographic plan: one record per level of the policy, in order, each value as the
    plan gives it, and every level but the last within its tolerance of its best."""
    levels = inst.policy.objective or []
    chk.that(
        [x.goal for x in plan.levels] == [x.goal.value for x in levels],
        "the levels differ from the policy's objective",
    )
    if not plan.levels:  # nothing more to judge (and no values to recompute)
        return
    placed = [pl for pl in plan.placements if pl.reference in refs and pl.provider in provs]
    ratings = [provs[pl.provider].quality_rating for pl in placed]
    objective = sum(pl.total_cost_gbp for pl in plan.placements) + sum(
        unplaced_cost(refs[u.reference], inst.policy) for u in plan.unplaced if u.reference in refs
    )
    values = {
        "placed": float(sum(refs[pl.reference].priority for pl in placed)),
        "first_choice": float(sum(pl.lot == refs[pl.reference].lots[0] for pl in placed)),
        "cost": objective,
        "quality": sum(ratings) / len(ratings) if ratings else 0.0,
    }
    for i, record in enumerate(plan.levels):
        if record.goal not in values:
            chk.that(False, f"unknown level {record.goal}")
            continue
        ok = values[record.goal]
        slack = chk.money(ok) if record.goal == "cost" else 1e-3
        chk.close(record.value, ok, slack, f"level {record.goal}: value")
        if record.best is None or i == len(plan.levels) - 1:
            continue
        if record.goal == "cost":
            chk.at_most(ok, record.best + record.tolerance, slack, f"level {record.goal} moved")
        else:
            chk.at_least(ok, record.best - record.tolerance, slack, f"level {record.goal} moved")
