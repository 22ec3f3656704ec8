"""Why each unplaced referral is unplaced, in the instance's terms."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from optimiser.models.placements import Assignment, PlacementModel
from optimiser.models.placements_data import RULE_TEXT, RULES, ReferralArrays
from optimiser.schema.placements import WEEKDAYS, PlacementInstance, distance_km
from optimiser.schema.placements_solution import FullProvider, ProviderExclusion, Unplaced

NEAREST = 3
LIMIT_TEXT = {
    "places": "all places",
    "lot_places": "places in lot",
    "full_time": "full-time limit",
    "weekday": "places on",
}


@dataclass(frozen=True)
class _Load:
    """Each capacity row's use in the plan, and the rows each pair belongs to."""

    used: list[int]
    rows_of: dict[int, list[int]]

    @classmethod
    def of(cls, model: PlacementModel, plan: Assignment) -> _Load:
        chosen = {int(i) for i in plan.choice[plan.choice >= 0]}
        used, rows_of = [], defaultdict(list)
        for k, row in enumerate(model.rows):
            total = 0
            for i, c in zip(row.pairs, row.coef, strict=True):
                rows_of[int(i)].append(k)
                if int(i) in chosen and (row.day is None or row.day in plan.days.get(int(i), [])):
                    total += int(c)
            used.append(total)
        return cls(used, dict(rows_of))


def explain_unplaced(model: PlacementModel, plan: Assignment) -> list[Unplaced]:
    load = _Load.of(model, plan)
    by_ref: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(model.pairs.ref):
        by_ref[int(r)].append(i)
    out = []
    for r in np.flatnonzero(plan.choice < 0):
        candidates = by_ref.get(int(r), [])
        if not candidates:
            out.append(_no_provider(model, int(r)))
        else:
            out.append(_with_candidates(model, plan, load, int(r), candidates))
    return out


def _no_provider(model: PlacementModel, r: int) -> Unplaced:
    """Name, for the nearest few providers (and one online provider of an acceptable lot),
    which rules excluded each."""
    inst, ref = model.inst, model.inst.referrals[r]
    one = _take(model.ra, r)
    physical = sorted(
        (p for p in inst.providers if not p.online), key=lambda p: distance_km(ref, p)
    )
    online = [p for p in inst.providers if p.online and {pl.lot for pl in p.lots} & set(ref.lots)]
    nearest = physical[:NEAREST] + online[:1]
    excluded = []
    for p in nearest:
        failing = min(
            (
                [name for name, rule in RULES.items() if not bool(rule(inst, one, p, pl)[0])]
                for pl in p.lots
            ),
            key=len,
        )
        excluded.append(
            ProviderExclusion(
                provider=p.id,
                distance_km=round(distance_km(ref, p), 2),
                rules=[RULE_TEXT[n] for n in failing],
            )
        )
    names = "; ".join(f"{e.provider} ({_where(inst, e)}): {', '.join(e.rules)}" for e in excluded)
    return Unplaced(
        reference=ref.reference,
        reason="no_eligible_provider",
        explanation="no provider passes its lot, key stage, needs, quality and travel rules. "
        f"Nearest: {names}.",
        excluded=excluded,
        penalty_gbp=round(float(model.penalty[r]), 2),
    )


def _where(inst: PlacementInstance, e: ProviderExclusion) -> str:
    online = next(p.online for p in inst.providers if p.id == e.provider)
    return "online" if online else f"{e.distance_km:.1f} km"


def _take(ra: ReferralArrays, r: int) -> ReferralArrays:
    idx = np.array([r])
    return ReferralArrays(
        ra.easting[idx],
        ra.northing[idx],
        ra.key_stage[idx],
        ra.days[idx],
        ra.start[idx],
        ra.end[idx],
        ra.max_travel_km[idx],
        ra.protected[idx],
        ra.lots[idx],
        ra.needs[idx],
        ra.need_ids,
        ra.lot_index,
    )


def _blocking(model: PlacementModel, load: _Load, i: int, days_needed: int) -> list[int]:
    """Rows that leave no room for pair i (weekday rows: too few open days with room)."""
    rows = load.rows_of.get(i, [])
    full = [
        k
        for k in rows
        if model.rows[k].day is None and load.used[k] + int(model.pairs.use[i]) > model.rows[k].cap
    ]
    by_week: dict[int, list[int]] = defaultdict(list)
    for k in rows:
        if model.rows[k].day is not None:
            by_week[model.rows[k].week].append(k)
    n_open = len(model.weekday.get(i, []))
    for week_rows in by_week.values():
        tight = [k for k in week_rows if load.used[k] + 1 > model.rows[k].cap]
        if n_open - len(tight) < days_needed:
            full += tight
    return full


def _with_candidates(
    model: PlacementModel, plan: Assignment, load: _Load, r: int, candidates: list[int]
) -> Unplaced:
    inst, pairs = model.inst, model.pairs
    ref, pen = inst.referrals[r], round(float(model.penalty[r]), 2)
    blocked = {i: _blocking(model, load, i, ref.days_per_week) for i in candidates}
    open_ = [i for i in candidates if not blocked[i]]
    if not open_:
        full = _full_providers(model, blocked)
        text = "; ".join(
            f"{f.provider} ({f.limit}, weeks {', '.join(map(str, f.weeks))})" for f in full
        )
        return Unplaced(
            reference=ref.reference,
            reason="all_full",
            full=full,
            penalty_gbp=pen,
            explanation=f"every eligible provider is full: {text}.",
        )
    cheapest = min(open_, key=lambda i: float(pairs.cost[i]))
    reason, text = _side_reason(model, plan, open_)
    if reason is None:
        if float(pairs.cost[cheapest]) >= pen:
            reason = "cheaper_unplaced"
            who, cost = inst.providers[int(pairs.prov[cheapest])].id, float(pairs.cost[cheapest])
            text = (
                f"the cheapest eligible placement ({who}, £{cost:,.0f}) costs more than "
                f"leaving it unplaced (£{pen:,.0f})."
            )
        else:
            reason = "displaced"
            text = (
                "eligible providers have room, but the places it would take serve other referrals "
                "at a lower total cost"
                if plan.status.value == "optimal"
                else "the solver stopped before placing it"
            )
    return Unplaced(reference=ref.reference, reason=reason, explanation=text, penalty_gbp=pen)


def _full_providers(model: PlacementModel, blocked: dict[int, list[int]]) -> list[FullProvider]:
    weeks: dict[tuple[str, str], set[int]] = defaultdict(set)
    for rows in blocked.values():
        for k in rows:
            row = model.rows[k]
            limit = LIMIT_TEXT[row.kind]
            if row.lot is not None:
                limit += f" {model.inst.lots[row.lot].id}"
            if row.day is not None:
                limit += f" {WEEKDAYS[row.day].value}"
            weeks[model.inst.providers[row.provider].id, limit].add(row.week)
    return [
        FullProvider(provider=p, limit=lim, weeks=sorted(w))
        for (p, lim), w in sorted(weeks.items())
    ]


def _side_reason(
    model: PlacementModel, plan: Assignment, open_: list[int]
) -> tuple[str | None, str]:
    """A budget, share or quality rule that stops every candidate with room."""
    pol, pairs = model.inst.policy, model.pairs
    chosen = plan.choice[plan.choice >= 0]
    spend = float((pairs.charge[chosen] + pairs.travel[chosen]).sum())
    if pol.budget_cap_gbp is not None:
        cheapest = min(float(pairs.charge[i] + pairs.travel[i]) for i in open_)
        if spend + cheapest > pol.budget_cap_gbp + 1e-6:
            return "budget_cap", (
                f"the budget cap of £{pol.budget_cap_gbp:,.0f} is reached "
                f"(£{spend:,.0f} committed; the cheapest eligible placement costs "
                f"£{cheapest:,.0f})."
            )
    if pol.max_provider_share is not None:
        counts = np.bincount(pairs.prov[chosen], minlength=len(model.inst.providers))
        limit = pol.max_provider_share * (len(chosen) + 1)
        if all(counts[int(pairs.prov[i])] + 1 > limit + 1e-9 for i in open_):
            return "provider_share_cap", (
                f"every eligible provider with room is at the cap of "
                f"{pol.max_provider_share:.0%} of placements."
            )
    if pol.min_average_quality is not None and all(
        model.quality[i] < pol.min_average_quality for i in open_
    ):
        return "minimum_average_quality", (
            f"every eligible provider with room is rated below the "
            f"minimum average of {pol.min_average_quality:g}."
        )
    return None, ""
