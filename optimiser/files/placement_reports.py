"""Answer, Sensitivity and Limits reports for a placement plan, read from the plan itself.

Answer: every rule that limits the plan, with its value on the plan, its limit, the room left
(slack: limit - value for <=, value - limit for >=) and whether it binds (no room left):

* places at any one time at each provider with places (the peak over the weeks where a
  placement starts, counting an offer's places), each lot with places of its own, and pupils
  on each open weekday where the provider has places a day: the Utilisation sheet's peaks;
* an unregistered provider's full-time pupils at any one time (days a week of at least
  `policy.full_time_days`) <= `policy.unregistered_max_full_time`;
* spend (charges and travel) <= `policy.budget_cap_gbp`;
* each provider's placements n_p <= `policy.max_provider_share` x placements;
* the average quality rating of the providers of the placements >= `policy.min_average_quality`.

Sensitivity: none. A placement plan is a whole-number model (each pupil placed with one
provider, or not); as in Excel Solver for integer models, it has no shadow prices or allowable
ranges, and the report says so.

Limits: each placement is a decision at 1. With every other decision held, it can fall to 0
(the pupil left to a spot purchase) when the plan without it still meets every rule: places
and spend only fall, but the share cap (n_q <= share x (placed - 1) for every provider q) and
the quality floor (the average of the others) must still hold; a locked placement stays. Its
lower limit is 0 or 1, and the placement cost at it is the cost less the placement's own
plus the referral's spot purchase. Its upper limit is 1 (a pupil is placed once).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from optimiser.files.report_table import Column, Report, ReportTable, binds, report_table
from optimiser.files.sheets import GBP, Col
from optimiser.placements.schema import PlacementInstance, unplaced_cost
from optimiser.placements.solution import Placement, PlacementSolution

NUMBER = "#,##0.00##"
TOLERANCE = 1e-6
NO_SENSITIVITY = (
    "No sensitivity report: a placement plan is a whole-number model (each pupil placed with "
    "one provider, or not). As in Excel Solver for integer models, it has no shadow prices, "
    "reduced costs or allowable ranges."
)


@dataclass(frozen=True)
class RuleLine:
    """One rule on the plan: `value (sense) limit`, the room left and whether it binds."""

    rule: str
    text: str
    ids: tuple[str, ...]
    value: float
    sense: str
    limit: float

    @property
    def slack(self) -> float:
        """Room left before the rule binds (>= 0 when it holds)."""
        return self.limit - self.value if self.sense == "<=" else self.value - self.limit

    @property
    def binding(self) -> bool:
        """No room left."""
        return abs(self.slack) <= TOLERANCE * max(1.0, abs(self.limit))


@dataclass(frozen=True)
class PlacementLimit:
    """One placement's reach with every other decision held, and the cost at each end."""

    placement: Placement
    lower: int
    lower_cost: float
    upper_cost: float


Line = Column[RuleLine]
Reach = Column[PlacementLimit]


def placement_report_tables(
    solution: PlacementSolution, instance: PlacementInstance, report: Report
) -> list[ReportTable]:
    """The tables of one report ([] when the solution has no plan)."""
    if solution.totals is None:
        return []
    if report is Report.ANSWER:
        return [_answer(solution, instance)]
    if report is Report.SENSITIVITY:
        why = f"{NO_SENSITIVITY} The plan was found by {solution.backend}."
        return [
            ReportTable("Sensitivity report", (Col("Sensitivity", width=100, wrap=True),), [(why,)])
        ]
    return [_limits(solution, instance)]


def _answer(solution: PlacementSolution, instance: PlacementInstance) -> ReportTable:
    assert solution.totals is not None
    objective = ("Objective", "the placement cost", "", solution.totals.objective_gbp, "", None)
    columns = (
        Line(Col("Rule"), lambda r: r.rule),  # fitted: an id cannot wrap
        Line(Col("What it says", width=60, wrap=True), lambda r: r.text),
        Line(Col("Ids", width=20, wrap=True), lambda r: ", ".join(r.ids)),
        Line(Col("Value on the plan", NUMBER, width=14), lambda r: r.value),
        Line(Col("Sense", width=7), lambda r: r.sense),
        Line(Col("Limit", NUMBER, width=14), lambda r: r.limit),
        Line(Col("Slack (room left)", NUMBER, width=14), lambda r: r.slack),
        Line(Col("Status", width=12), lambda r: binds(r.binding)),
    )
    rules = [*capacity_rules(solution, instance), *side_rules(solution, instance)]
    first = [(*objective, None, ""), *_levels(solution)]
    return report_table("Answer report", columns, rules, first=first)


GOALS = {
    "placed": "pupils placed, weighted by priority",
    "cost": "the plan's cost (placements and spot purchases)",
    "quality": "the average quality rating of the placements",
    "first_choice": "placements in the referral's first-choice lot",
}


def _levels(solution: PlacementSolution) -> list[tuple[object, ...]]:
    """The levels of a lexicographic objective, in order, each as the rule it became for the
    levels after it: value >= best - tolerance (maximise) or <= best + tolerance (minimise)."""
    rows: list[tuple[object, ...]] = []
    for k, level in enumerate(solution.levels, start=1):
        what = f"{level.sense} {GOALS.get(level.goal, level.goal)}"
        if level.best is None:
            text = f"{what}: not reached before the run stopped ({level.status.value})"
            rows.append((f"Objective level {k}", text, "", level.value, "", None, None, ""))
            continue
        up = level.sense == "maximise"
        limit = level.best - level.tolerance if up else level.best + level.tolerance
        pounds = "£" if level.goal == "cost" else ""
        text = (
            f"{what}: best {pounds}{level.best:,.2f} when solved ({level.status.value}); later "
            f"levels held it within {pounds}{level.tolerance:,.2f} of that"
        )
        line = RuleLine(f"Objective level {k}", text, (), level.value, ">=" if up else "<=", limit)
        rows.append(
            (line.rule, text, "", line.value, line.sense, limit, line.slack, binds(line.binding))
        )
    return rows


def capacity_rules(solution: PlacementSolution, instance: PlacementInstance) -> list[RuleLine]:
    """Places at any one time (a provider's, a lot's, a weekday's) and the full-time limit."""
    names = {p.id: p.name for p in instance.providers}
    lots = {x.id: x.name for x in instance.lots}
    per_day = {p.id for p in instance.providers if p.places_per_weekday is not None}
    out = []
    for u in solution.utilisation:
        if u.capacity is None or (u.weekday is not None and u.provider not in per_day):
            continue  # a weekday without places a day of its own is the provider's places
        at = names.get(u.provider, u.provider)
        if u.weekday is not None:
            rule, text = (
                f"weekday_places_{u.provider}_{u.weekday.value}",
                f"pupils on {u.weekday.value} at {at}",
            )
        elif u.lot is not None:
            lot = lots.get(u.lot, u.lot)
            rule, text = f"lot_places_{u.provider}_{u.lot}", f"places in use on lot {lot} at {at}"
        else:
            rule, text = f"places_{u.provider}", f"places in use at any one time at {at}"
        ids = (u.provider,) if u.lot is None else (u.provider, u.lot)
        out.append(RuleLine(rule, text, ids, u.peak, "<=", u.capacity))
    return out + _full_time(solution, instance)


def _full_time(solution: PlacementSolution, instance: PlacementInstance) -> list[RuleLine]:
    policy = instance.policy
    full: dict[str, list[Placement]] = defaultdict(list)
    for p in solution.placements:
        if p.days_per_week >= policy.full_time_days:
            full[p.provider].append(p)
    return [
        RuleLine(
            f"full_time_{p.id}",
            f"full-time pupils at any one time at {p.name} (not a registered school)",
            (p.id,),
            _peak(full[p.id]),
            "<=",
            policy.unregistered_max_full_time,
        )
        for p in instance.providers
        if not p.registered_school and full[p.id]
    ]


def _peak(placed: list[Placement]) -> int:
    """Most pupils at any week where one of them starts (as the Utilisation sheet counts)."""
    weeks = {p.start_week for p in placed}
    return max(
        (sum(1 for p in placed if p.start_week <= w <= p.end_week) for w in weeks), default=0
    )


def side_rules(solution: PlacementSolution, instance: PlacementInstance) -> list[RuleLine]:
    """The budget cap, each provider's share cap and the quality floor, where set."""
    assert solution.totals is not None
    policy, placed = instance.policy, solution.placements
    out = []
    if policy.budget_cap_gbp is not None:
        text = "spend on placements (charges and travel), £"
        out.append(
            RuleLine("budget_cap", text, (), solution.totals.spend_gbp, "<=", policy.budget_cap_gbp)
        )
    if policy.max_provider_share is not None and placed:
        cap = policy.max_provider_share * len(placed)
        names = {p.id: p.name for p in instance.providers}
        for provider, n in sorted(Counter(p.provider for p in placed).items()):
            text = f"placements with {names[provider]}, at most its share of all placements"
            out.append(RuleLine(f"provider_share_{provider}", text, (provider,), n, "<=", cap))
    if policy.min_average_quality is not None and placed:
        mean = _mean_quality(placed, instance)
        text = "average quality rating of the providers of the placements"
        out.append(
            RuleLine("min_average_quality", text, (), mean, ">=", policy.min_average_quality)
        )
    return out


def _mean_quality(placed: list[Placement], instance: PlacementInstance) -> float:
    rating = {p.id: p.quality_rating for p in instance.providers}
    return sum(rating[p.provider] for p in placed) / len(placed)


def _limits(solution: PlacementSolution, instance: PlacementInstance) -> ReportTable:
    assert solution.totals is not None
    names = {p.id: p.name for p in instance.providers}
    lots = {x.id: x.name for x in instance.lots}
    columns = (
        Reach(Col("Referral"), lambda v: v.placement.reference),
        Reach(Col("Provider id"), lambda v: v.placement.provider),
        Reach(Col("Provider", width=24, wrap=True), lambda v: names[v.placement.provider]),
        Reach(Col("Lot", width=24, wrap=True), lambda v: lots[v.placement.lot]),
        Reach(Col("Value on the plan", "0"), lambda _: 1),
        Reach(Col("Lower limit", "0"), lambda v: v.lower),
        Reach(Col("Placement cost at the lower limit (£)", GBP, width=16), lambda v: v.lower_cost),
        Reach(Col("Upper limit", "0"), lambda _: 1),
        Reach(Col("Placement cost at the upper limit (£)", GBP, width=16), lambda v: v.upper_cost),
    )
    return report_table("Limits report", columns, placement_limits(solution, instance))


def placement_limits(
    solution: PlacementSolution, instance: PlacementInstance
) -> list[PlacementLimit]:
    """Each placement's lower limit (0 where the plan without it meets every rule) and the
    placement cost at each end."""
    assert solution.totals is not None
    policy, placed = instance.policy, solution.placements
    referrals = {r.reference: r for r in instance.referrals}
    rating = {p.id: p.quality_rating for p in instance.providers}
    counts = Counter(p.provider for p in placed)
    total_rating = sum(rating[p.provider] for p in placed)
    cost = solution.totals.objective_gbp
    out = []
    for p in placed:
        others = len(placed) - 1
        keeps = not p.locked
        if policy.max_provider_share is not None and others:
            most = max(n - (q == p.provider) for q, n in counts.items())
            keeps = keeps and most <= policy.max_provider_share * others + TOLERANCE
        if policy.min_average_quality is not None and others:
            mean = (total_rating - rating[p.provider]) / others
            keeps = keeps and mean >= policy.min_average_quality - TOLERANCE
        dropped = cost - p.total_cost_gbp + unplaced_cost(referrals[p.reference], policy)
        out.append(PlacementLimit(p, 0 if keeps else 1, round(dropped if keeps else cost, 2), cost))
    return out
