"""A placement result as a workbook a council can file.

Sheets: Summary (status, the placement cost in words and its parts, the budget, how it was
solved and from which file), Placements (provider names beside ids, lots by name), Unplaced
(each referral's reason in words), Utilisation (every provider, those with no pupils included).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from optimiser.files.pages import add_pages, print_setup
from optimiser.files.placement_reports import placement_report_tables
from optimiser.files.report_table import Report
from optimiser.files.sheets import (
    GBP,
    ONE_DP,
    PCT,
    WHOLE,
    Col,
    SummaryHead,
    new_book,
    summary_sheet,
)
from optimiser.placements.schema import PlacementInstance, Weekday
from optimiser.placements.solution import PlacementSolution, PlacementTotals, Utilisation

OBJECTIVE = (
    "The lowest placement cost: provider charges, travel, moves from a current provider, "
    "and spot purchases for pupils not placed (weighted by priority)"
)
REASONS = {
    "no_eligible_provider": "No eligible provider",
    "all_full": "Every eligible provider is full",
    "budget_cap": "The budget cap",
    "provider_share_cap": "The cap on one provider's share",
    "minimum_average_quality": "The minimum average quality",
    "cheaper_unplaced": "A spot purchase costs less",
    "displaced": "Places went to other pupils",
}


def placements_book(
    solution: PlacementSolution,
    instance: PlacementInstance,
    source: Path | None,
    reports: Sequence[Report] = (),
) -> Workbook:
    """Every sheet of a placement result, the Summary first, then the Answer, Sensitivity or
    Limits reports asked for."""
    book = new_book()
    _summary(book, solution, instance, source)
    if solution.totals is not None:
        preferences = any(p.preference_gbp for p in solution.placements)
        _placements(book, solution, instance, preferences)
        _unplaced(book, solution)
        _utilisation(book, solution, instance)
        _lots(book, solution, instance)
    for report in reports:
        for t in placement_report_tables(solution, instance, report):
            add_pages(book, t.title, t.cols, t.rows)
    for ws in book.worksheets:
        print_setup(ws, solution.instance)
    book.active = 0
    return book


def _summary(
    book: Workbook, sol: PlacementSolution, instance: PlacementInstance, source: Path | None
) -> None:
    head = SummaryHead(
        f"Placement plan: {instance.name}",
        instance.description,
        sol.status,
        OBJECTIVE,
        sol.statistics,
        sol.verification,
        source,
        instance.model_dump_json().encode(),
    )
    figures = [
        *(_totals(sol.totals) if sol.totals is not None else []),
        ("Method", f"{sol.backend}: {sol.backend_reason}", None),
    ]
    summary_sheet(book, head, figures, (44, 90))


def _totals(t: PlacementTotals) -> list[tuple[str, object, str | None]]:
    cap = t.budget_cap_gbp
    return [
        ("Placement cost (£)", t.objective_gbp, GBP),
        ("Referrals", t.referrals, WHOLE),
        ("Placed", t.placed, WHOLE),
        ("Not placed", t.unplaced, WHOLE),
        ("Provider charges (£)", t.charge_gbp, GBP),
        ("Travel (£)", t.travel_gbp, GBP),
        ("Moves from a current provider (£)", t.move_penalties_gbp, GBP),
        *([("Lot preferences (£)", t.preferences_gbp, GBP)] if t.preferences_gbp else []),
        ("Spot purchases for pupils not placed (£)", t.unplaced_penalties_gbp, GBP),
        ("Spend: charges and travel (£)", t.spend_gbp, GBP),
        ("Budget cap on spend (£)", "no cap" if cap is None else cap, GBP),
        ("Headroom under the cap (£)", None if cap is None else cap - t.spend_gbp, GBP),
    ]


def _placements(
    book: Workbook, sol: PlacementSolution, instance: PlacementInstance, preferences: bool
) -> None:
    """One row a placement: the provider's id and name side by side, the lot by its name."""
    names = {p.id: p.name for p in instance.providers}
    lots = {x.id: x.name for x in instance.lots}
    rows = [
        (
            p.reference,
            p.provider,
            names.get(p.provider, ""),
            lots.get(p.lot, p.lot),
            ", ".join(d.value.title() for d in p.weekdays),
            p.days_per_week,
            p.start_week,
            p.end_week,
            p.weekly_cost_gbp,
            p.charge_gbp,
            p.travel_gbp,
            p.move_penalty_gbp,
            *([p.preference_gbp] if preferences else []),
            p.total_cost_gbp,
            p.travel_km,
            p.offer,
            p.places_used,
        )
        for p in sol.placements
    ]
    cols = (
        Col("Referral"),
        Col("Provider id"),
        Col("Provider"),
        Col("Lot", width=24, wrap=True),
        Col("Weekdays"),
        Col("Days a week", WHOLE),
        Col("Start week", WHOLE),
        Col("End week", WHOLE),
        Col("Weekly cost (£)", GBP),
        Col("Provider charge (£)", GBP),
        Col("Travel (£)", GBP),
        Col("Move (£)", GBP),
        *([Col("Lot preference (£)", GBP)] if preferences else []),
        Col("Total cost (£)", GBP),
        Col("Travel (km one way)", ONE_DP),
        Col("Call-off offer"),
        Col("Places used", WHOLE),
    )
    add_pages(book, "Placements", cols, rows)


def _unplaced(book: Workbook, sol: PlacementSolution) -> None:
    rows = [
        (u.reference, REASONS.get(u.reason, u.reason), u.explanation, u.penalty_gbp)
        for u in sol.unplaced
    ]
    cols = (
        Col("Referral"),
        Col("Reason", width=24, wrap=True),
        Col("Explanation", width=140, wrap=True),
        Col("Spot-purchase cost (£)", GBP),
    )
    add_pages(book, "Unplaced", cols, rows)


def _utilisation(book: Workbook, sol: PlacementSolution, instance: PlacementInstance) -> None:
    """One row a provider (every provider, those with no pupils too): peak pupils at any one
    time against places, the pupils placed there and their cost, the peak on each weekday."""
    uses = _by_provider(sol)
    placed: dict[str, list[float]] = defaultdict(list)
    for p in sol.placements:
        placed[p.provider].append(p.total_cost_gbp)
    rows = []
    for provider in instance.providers:
        whole = next(u for u in uses[provider.id] if u.lot is None and u.weekday is None)
        days = {u.weekday: _of(u) for u in uses[provider.id] if u.weekday is not None}
        rows.append(
            (
                provider.id,
                provider.name,
                whole.capacity,
                whole.peak,
                whole.peak / whole.capacity if whole.capacity else None,
                len(placed[provider.id]),
                sum(placed[provider.id]),
                *(days.get(day, "") for day in Weekday),
            )
        )
    cols = (
        Col("Provider id"),
        Col("Provider"),
        Col("Places", WHOLE),
        Col("Peak pupils at any one time", WHOLE),
        Col("Use (%)", PCT),
        Col("Pupils placed", WHOLE),
        Col("Cost of its placements (£)", GBP),
        *(Col(f"Peak on {day.value.title()} (of places)") for day in Weekday),
    )
    add_pages(book, "Utilisation", cols, rows)


def _lots(book: Workbook, sol: PlacementSolution, instance: PlacementInstance) -> None:
    """One row a provider, one column a lot: the peak pupils on that lot (of its own places,
    where the lot has some); blank where the provider is not approved for the lot."""
    uses = _by_provider(sol)
    rows = []
    for provider in instance.providers:
        by_lot = {u.lot: _of(u) for u in uses[provider.id] if u.lot is not None}
        rows.append(
            (provider.id, provider.name, *(by_lot.get(lot.id, "") for lot in instance.lots))
        )
    cols = (
        Col("Provider id"),
        Col("Provider"),
        *(Col(lot.name, width=18, wrap=True) for lot in instance.lots),
    )
    add_pages(book, "Peak pupils by lot", cols, rows)


def _by_provider(sol: PlacementSolution) -> dict[str, list[Utilisation]]:
    by_provider: dict[str, list[Utilisation]] = defaultdict(list)
    for u in sol.utilisation:
        by_provider[u.provider].append(u)
    return by_provider


def _of(u: Utilisation) -> str:
    return f"{u.peak}" + ("" if u.capacity is None else f" of {u.capacity}")
