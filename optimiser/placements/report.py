"""What a person sees of a placement solution: tables of placements, reasons and utilisation."""

from __future__ import annotations

from rich.console import Console

from optimiser.core.console import footer, gbp, table
from optimiser.placements.solution import PlacementSolution

SHOWN = 25


def show_placements(console: Console, sol: PlacementSolution) -> None:
    """Print a placements solution to the console."""
    console.rule(f"[bold]{sol.instance}[/] · placements · {sol.status.value}")
    console.print(f"Backend: [bold]{sol.backend}[/] ({sol.backend_reason})")
    t = sol.totals
    if t is not None:
        budget = "" if t.budget_cap_gbp is None else f" of a £{t.budget_cap_gbp:,.0f} budget"
        console.print(
            f"{t.placed} of {t.referrals} referrals placed; spend {gbp(t.spend_gbp)}{budget} "
            f"(provider charges {gbp(t.charge_gbp)}, travel {gbp(t.travel_gbp)}); move penalties "
            f"{gbp(t.move_penalties_gbp)}; {t.unplaced} unplaced at "
            f"{gbp(t.unplaced_penalties_gbp)}; "
            f"objective {gbp(t.objective_gbp)}"
        )
        _levels(console, sol)
        _placements(console, sol)
        _unplaced(console, sol)
        _utilisation(console, sol)
    footer(console, sol.statistics, sol.verification)


def _levels(console: Console, sol: PlacementSolution) -> None:
    """A lexicographic objective: each level's value, best and tolerance, in order."""
    for i, x in enumerate(sol.levels, start=1):
        best = "not reached" if x.best is None else f"best {x.best:,.6g}"
        console.print(
            f"Level {i}: {x.sense} {x.goal} = {x.value:,.6g} ({best}, tolerance "
            f"{x.tolerance:,.6g}, {x.status.value})"
        )


def _placements(console: Console, sol: PlacementSolution) -> None:
    t = table(
        "Placements",
        "Reference",
        "Provider",
        "Lot",
        "Days",
        "Weeks",
        "Weekly",
        "Total",
        "Travel km",
        text=4,
    )
    for p in sol.placements[:SHOWN]:
        days = " ".join(d.value for d in p.weekdays)
        t.add_row(
            p.reference,
            p.provider,
            p.lot,
            days,
            f"{p.start_week}–{p.end_week}",
            gbp(p.weekly_cost_gbp),
            gbp(p.total_cost_gbp),
            f"{p.travel_km:.1f}",
        )
    console.print(t)
    if len(sol.placements) > SHOWN:
        console.print(f"[dim]… and {len(sol.placements) - SHOWN} more (see --json or --csv)[/]")


def _unplaced(console: Console, sol: PlacementSolution) -> None:
    if not sol.unplaced:
        console.print("Every referral is placed.")
        return
    t = table("Unplaced referrals and why", "Reference", "Reason", "Explanation", text=3)
    t.columns[2].no_wrap, t.columns[2].max_width = False, None
    for u in sol.unplaced:
        t.add_row(u.reference, u.reason, u.explanation)
    console.print(t)


def _utilisation(console: Console, sol: PlacementSolution) -> None:
    rows = [u for u in sol.utilisation if u.lot is None and u.weekday is None]  # all providers
    rows.sort(key=lambda u: -(u.peak / u.capacity) if u.capacity else 0.0)
    t = table("Provider utilisation (pupils at any one time)", "Provider", "Peak", "Places", "Use")
    for u in rows[:SHOWN]:
        use = f"{u.peak / u.capacity:.0%}" if u.capacity else "-"
        t.add_row(u.provider, str(u.peak), "-" if u.capacity is None else str(u.capacity), use)
    console.print(t)
    idle = sum(1 for u in rows if u.peak == 0)
    if len(rows) > SHOWN:
        console.print(
            f"[dim]… and {len(rows) - SHOWN} more providers ({idle} with no pupils in all); "
            "every provider is in --csv and --xlsx[/]"
        )
