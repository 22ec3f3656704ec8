"""The difference between two placement plans: referrals moved, newly placed and newly
unplaced, cost and travel deltas per referral, provider and lot, and places in use by week.
A plan compared with itself gives an empty difference. Costs are spend (the provider's charge
and travel); a move penalty paid in one plan is a modelling cost, counted only in the
objective's delta (a pupil moved last week and kept this week has no change)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import pairwise

from pydantic import Field

from optimiser.placements.solution import Out, Placement, PlacementSolution


class ReferralChange(Out):
    """One referral whose placement differs between the plans."""

    reference: str
    change: str = Field(description="moved | newly_placed | newly_unplaced | changed")
    before: str | None = Field(description="provider/lot in plan A (None: unplaced or absent)")
    after: str | None
    cost_delta_gbp: float
    travel_km_delta: float


class GroupDelta(Out):
    """Placements, spend and travel of one provider or lot: plan b less plan a."""

    key: str = Field(description="A provider id or a lot id.")
    placements_delta: int
    cost_delta_gbp: float
    travel_km_delta: float


class WeekDelta(Out):
    """Places in use at one provider over a run of weeks where the plans differ."""

    provider: str
    from_week: int
    to_week: int
    places_before: int
    places_after: int


class PlanDiff(Out):
    """Everything that changed from plan a to plan b."""

    referrals: list[ReferralChange]
    providers: list[GroupDelta]
    lots: list[GroupDelta]
    weeks: list[WeekDelta]
    objective_delta_gbp: float

    @property
    def empty(self) -> bool:
        """True when the plans place every referral alike."""
        return not (self.referrals or self.providers or self.lots or self.weeks)


def diff_plans(a: PlacementSolution, b: PlacementSolution) -> PlanDiff:
    """What changed from plan a to plan b."""
    before = {p.reference: p for p in a.placements}
    after = {p.reference: p for p in b.placements}
    changes = [
        c
        for ref in sorted(set(before) | set(after))
        if (c := _change(ref, before.get(ref), after.get(ref))) is not None
    ]
    objective = _objective(b) - _objective(a)
    return PlanDiff(
        referrals=changes,
        providers=_groups(a.placements, b.placements, lambda p: p.provider),
        lots=_groups(a.placements, b.placements, lambda p: p.lot),
        weeks=_weeks(a.placements, b.placements),
        objective_delta_gbp=round(objective, 2),
    )


def _objective(plan: PlacementSolution) -> float:
    return plan.totals.objective_gbp if plan.totals else 0.0


def _where(p: Placement | None) -> str | None:
    return None if p is None else f"{p.provider}/{p.lot}"


def _spend(p: Placement | None) -> float:
    return 0.0 if p is None else p.charge_gbp + p.travel_gbp


def _change(ref: str, a: Placement | None, b: Placement | None) -> ReferralChange | None:
    cost = _spend(b) - _spend(a)
    km = (b.travel_km if b else 0.0) - (a.travel_km if a else 0.0)
    if a is None and b is None:
        return None
    if a is None:
        kind = "newly_placed"
    elif b is None:
        kind = "newly_unplaced"
    elif (a.provider, a.lot) != (b.provider, b.lot):
        kind = "moved"
    elif abs(cost) > 0.005 or a.weekdays != b.weekdays or a.days_per_week != b.days_per_week:
        kind = "changed"
    else:
        return None
    return ReferralChange(
        reference=ref,
        change=kind,
        before=_where(a),
        after=_where(b),
        cost_delta_gbp=round(cost, 2) + 0.0,
        travel_km_delta=round(km, 3) + 0.0,
    )


def _groups(
    a: list[Placement], b: list[Placement], of: Callable[[Placement], str]
) -> list[GroupDelta]:
    count: Counter[str] = Counter()
    cost: defaultdict[str, float] = defaultdict(float)
    km: defaultdict[str, float] = defaultdict(float)
    for sign, plan in ((-1, a), (1, b)):
        for p in plan:
            k = of(p)
            count[k] += sign
            cost[k] += sign * _spend(p)
            km[k] += sign * p.travel_km
    keys = sorted(set(cost) | set(count))
    return [
        GroupDelta(
            key=k,
            placements_delta=count[k],
            cost_delta_gbp=round(cost[k], 2) + 0.0,
            travel_km_delta=round(km[k], 3) + 0.0,
        )
        for k in keys
        if count[k] or abs(cost[k]) > 0.005 or abs(km[k]) > 0.0005
    ]


def _weeks(a: list[Placement], b: list[Placement]) -> list[WeekDelta]:
    """Places in use at each provider, in runs of weeks where the two plans differ: a sweep
    over the weeks where a placement starts or ends (never week by week)."""
    events: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for side, plan in enumerate((a, b)):
        for p in plan:
            events[p.provider][p.start_week][side] += p.places_used
            events[p.provider][p.end_week + 1][side] -= p.places_used
    out = []
    for provider in sorted(events):
        use, weeks = [0, 0], sorted(events[provider])
        for w, nxt in pairwise(weeks):
            use = [use[0] + events[provider][w][0], use[1] + events[provider][w][1]]
            if use[0] != use[1]:
                out.append(
                    WeekDelta(
                        provider=provider,
                        from_week=w,
                        to_week=nxt - 1,
                        places_before=use[0],
                        places_after=use[1],
                    )
                )
    return out
