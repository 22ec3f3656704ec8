"""A placement result as a workbook a council can file.

Sheets: Summary (status, the placement cost in words and its parts, the budget, how it was
solved and from which file), Placements (provider names beside ids), Unplaced (each referral's
reason in words), Utilisation (every provider, those with no pupils included).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook

from optimiser.files.sheets import (
    GBP,
    ONE_DP,
    PCT,
    STATUS_WORDS,
    TITLE_FONT,
    WHOLE,
    Col,
    add_table,
    key_values,
    new_book,
    paragraph,
    print_setup,
    run_rows,
)
from optimiser.placements.schema import PlacementInstance
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
    solution: PlacementSolution, instance: PlacementInstance, source: Path | None
) -> Workbook:
    """Every sheet of a placement result, the Summary first."""
    book = new_book()
    _summary(book, solution, instance, source)
    if solution.totals is not None:
        names = {p.id: p.name for p in instance.providers}
        _placements(book, solution, names)
        _unplaced(book, solution)
        _utilisation(book, solution, names)
    for ws in book.worksheets:
        print_setup(ws, solution.instance)
    book.active = 0
    return book


def _summary(
    book: Workbook, sol: PlacementSolution, instance: PlacementInstance, source: Path | None
) -> None:
    ws = book.create_sheet("Summary")
    ws["A1"] = f"Placement plan: {instance.name}"
    ws["A1"].font = TITLE_FONT
    if instance.description:
        paragraph(ws, 2, instance.description, 2, 134)
    rows = [
        ("Status", STATUS_WORDS[sol.status], None),
        ("Objective", OBJECTIVE, None),
        *(_totals(sol.totals) if sol.totals is not None else []),
        ("Method", f"{sol.backend}: {sol.backend_reason}", None),
        *run_rows(sol.statistics, sol.verification, source, instance.model_dump_json().encode()),
    ]
    key_values(ws, rows, 4)
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 90


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
        ("Spot purchases for pupils not placed (£)", t.unplaced_penalties_gbp, GBP),
        ("Spend: charges and travel (£)", t.spend_gbp, GBP),
        ("Budget cap on spend (£)", "no cap" if cap is None else cap, GBP),
        ("Headroom under the cap (£)", None if cap is None else cap - t.spend_gbp, GBP),
    ]


def _placements(book: Workbook, sol: PlacementSolution, names: dict[str, str]) -> None:
    rows = [
        (
            p.reference,
            p.provider,
            names.get(p.provider, ""),
            p.lot,
            [d.value for d in p.weekdays],
            p.days_per_week,
            p.start_week,
            p.end_week,
            p.weekly_cost_gbp,
            p.charge_gbp,
            p.travel_gbp,
            p.move_penalty_gbp,
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
        Col("Provider", width=30),
        Col("Lot"),
        Col("Weekdays", width=20),
        Col("Days a week", WHOLE, width=8),
        Col("Start week", WHOLE, width=8),
        Col("End week", WHOLE, width=8),
        Col("Weekly cost (£)", GBP),
        Col("Provider charge (£)", GBP),
        Col("Travel (£)", GBP),
        Col("Move (£)", GBP),
        Col("Total cost (£)", GBP),
        Col("Travel (km one way)", ONE_DP, width=10),
        Col("Call-off offer", width=8),
        Col("Places used", WHOLE, width=8),
    )
    add_table(book, "Placements", cols, rows)


def _unplaced(book: Workbook, sol: PlacementSolution) -> None:
    rows = [
        (u.reference, REASONS.get(u.reason, u.reason), u.explanation, u.penalty_gbp)
        for u in sol.unplaced
    ]
    cols = (
        Col("Referral"),
        Col("Reason", width=30),
        Col("Explanation", width=110, wrap=True),
        Col("Spot-purchase cost (£)", GBP, width=14),
    )
    add_table(book, "Unplaced", cols, rows)


def _utilisation(book: Workbook, sol: PlacementSolution, names: dict[str, str]) -> None:
    """One row a provider (every provider, those with no pupils too): peak pupils against
    places, by lot and on the busiest weekday."""
    by_provider: dict[str, list[Utilisation]] = defaultdict(list)
    for u in sol.utilisation:
        by_provider[u.provider].append(u)
    rows = []
    for provider, uses in by_provider.items():
        whole = next(u for u in uses if u.lot is None and u.weekday is None)
        rows.append(
            (
                provider,
                names.get(provider, ""),
                whole.peak,
                whole.capacity,
                whole.peak / whole.capacity if whole.capacity else None,
                [_of(u.lot or "", u) for u in uses if u.lot is not None],
                [_of(u.weekday.value, u) for u in uses if u.weekday is not None],
            )
        )
    cols = (
        Col("Provider id"),
        Col("Provider", width=34),
        Col("Peak pupils at any one time", WHOLE, width=11),
        Col("Places", WHOLE, width=8),
        Col("Use (%)", PCT, width=8),
        Col("Peak by lot (of its places)", width=44, wrap=True),
        Col("Peak by weekday (of its places)", width=56, wrap=True),
    )
    add_table(book, "Utilisation", cols, rows)


def _of(label: str, u: Utilisation) -> str:
    return f"{label} {u.peak}" + ("" if u.capacity is None else f" of {u.capacity}")
