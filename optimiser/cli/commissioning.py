"""`optimiser shortlist`, `optimiser replan` and `optimiser diff`: commissioning week by week."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from optimiser.cli.app import Exit, app, console, show_problems
from optimiser.commissioning import diff, move_penalty_sweep, replan, resolve_postcodes, shortlist
from optimiser.core.console import gbp, table
from optimiser.core.errors import InstanceError, OptimiserError, Problem, problems_from_validation
from optimiser.files.io import load_instance, read_json, write_json
from optimiser.placements.diff import PlanDiff
from optimiser.placements.replan import SweepRow
from optimiser.placements.report import show_placements
from optimiser.placements.schema import PlacementInstance
from optimiser.placements.shortlist import Shortlist
from optimiser.placements.solution import PlacementSolution
from optimiser.scenarios.moves import move_sweep_plot


def _plan(path: Path) -> PlacementSolution:
    data = read_json(path)
    try:
        return PlacementSolution.model_validate(data)
    except ValidationError as exc:
        raise InstanceError(problems_from_validation(exc, data), "not a placement plan") from None


def _placements(path: Path, postcodes: Path | None = None) -> PlacementInstance:
    instance = load_instance(path)
    if not isinstance(instance, PlacementInstance):
        raise InstanceError([Problem("kind", "a placement instance is needed here")])
    return instance if postcodes is None else resolve_postcodes(instance, postcodes)


Postcodes = Annotated[
    Path | None,
    typer.Option(
        help="A postcode lookup file (ONS Postcode Directory CSV: pcds, oseast1m, "
        "osnrth1m) for referrals and providers given by postcode."
    ),
]


def _fail(screen: Console, exc: OptimiserError) -> None:
    if isinstance(exc, InstanceError):
        show_problems(screen, "invalid input", exc)
        raise typer.Exit(int(Exit.INVALID))
    screen.print(f"[bold red]{exc.code}[/]")
    screen.print(str(exc), markup=False)
    raise typer.Exit(int(Exit.FAILED))


@app.command("shortlist")
def shortlist_command(
    file: Annotated[Path, typer.Argument(help="A placement instance (JSON, xlsx or CSV folder).")],
    reference: Annotated[str, typer.Argument(help="The referral's reference.")],
    plan: Annotated[
        Path | None, typer.Option(help="The plan (solution JSON); solved when not given.")
    ] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="Providers listed.")] = 5,
    postcodes: Postcodes = None,
) -> None:
    """The best eligible providers for one referral, with the extra cost of each to the whole
    plan, and every other provider of its lots with the rules that exclude it."""
    screen = console()
    try:
        inst = _placements(file, postcodes)
        s = shortlist(inst, reference, _plan(plan) if plan else None, k=k)
    except OptimiserError as exc:
        _fail(screen, exc)
        return
    _show_shortlist(screen, inst, s)


def _show_shortlist(screen: Console, inst: PlacementInstance, s: Shortlist) -> None:
    """The shortlist's tables and sentence, with the providers' and lots' names."""
    t = table(
        f"Shortlist ({s.method})",
        "Provider",
        "Lot",
        "Days",
        "Cost",
        "Travel km",
        "Quality",
        "Extra",
    )
    who = {p.id: p.name for p in inst.providers}
    lots = {x.id: x.name for x in inst.lots}
    for a in s.alternatives:
        extra = a.extra_words or gbp(a.extra_cost_gbp or 0.0)
        extra = f"at most {extra}" if a.extra == "at_most" else extra
        mark = " (plan)" if a.chosen else ""
        t.add_row(
            Text(who[a.provider] + mark),
            Text(lots[a.lot]),
            str(a.days_per_week),
            gbp(a.cost_gbp),
            f"{a.travel_km:.1f}",
            str(a.quality_rating),
            extra,
        )
    screen.print(t)
    screen.print(s.sentence, markup=False)
    x = table("Excluded", "Provider", "Lot", "km", "Rules")
    for e in s.excluded:
        rules = "; ".join(f.text for f in e.failures)
        x.add_row(Text(who[e.provider]), Text(lots[e.lot]), f"{e.distance_km:.1f}", Text(rules))
    screen.print(x)


@app.command("replan")
def replan_command(  # noqa: PLR0917 (typer maps each parameter to an option)
    plan: Annotated[Path, typer.Argument(help="Last week's plan (solution JSON).")],
    register: Annotated[
        Path, typer.Argument(help="This week's instance: every referral, new ones included.")
    ],
    unlock: Annotated[
        bool, typer.Option(help="Start from last week's placements with the move penalty.")
    ] = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the new plan.")] = None,
    sweep: Annotated[
        str | None, typer.Option(help="Move penalties to sweep, e.g. 0,500,1000,2000.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for the sweep's CSV and plot.")] = None,
    postcodes: Postcodes = None,
) -> None:
    """Re-plan with last week's placements locked (by default) and the new referrals placed."""
    screen = console()
    try:
        previous, week = _plan(plan), _placements(register, postcodes)
        if sweep is not None:
            penalties = [float(x) for x in sweep.split(",") if x.strip()]
            _show_sweep(screen, move_penalty_sweep(week, previous, penalties), out)
            return
        _, solution = replan(week, previous, lock=not unlock)
    except ValueError:
        screen.print("[bold red]--sweep takes numbers separated by commas[/]")
        raise typer.Exit(int(Exit.INVALID)) from None
    except OptimiserError as exc:
        _fail(screen, exc)
        return
    show_placements(screen, solution)
    screen.print(_diff_text(diff(previous, solution)), markup=False)
    if json_out is not None:
        write_json(json_out, solution)
    raise typer.Exit(int(Exit.PLAN if solution.status.has_solution else Exit.FAILED))


def _show_sweep(screen: Console, rows: list[SweepRow], out: Path | None) -> None:
    t = table("Move penalty sweep", "Penalty", "Pupils moved", "Spend", "Saved", "Status")
    for r in rows:
        t.add_row(
            gbp(r.move_penalty_gbp), str(r.moved), gbp(r.spend_gbp), gbp(r.saved_gbp), r.status
        )
    screen.print(t)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        lines = ["move_penalty_gbp,moved,spend_gbp,saved_gbp,status"]
        lines += [
            f"{r.move_penalty_gbp},{r.moved},{r.spend_gbp},{r.saved_gbp},{r.status}" for r in rows
        ]
        (out / "move_sweep.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        move_sweep_plot(rows, out / "move_sweep.png")


@app.command("diff")
def diff_command(
    a: Annotated[Path, typer.Argument(help="Plan A (solution JSON).")],
    b: Annotated[Path, typer.Argument(help="Plan B (solution JSON).")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the difference.")] = None,
) -> None:
    """What changed from plan A to plan B: moves, newly placed and unplaced, cost and travel
    per referral, provider and lot, places in use by week."""
    screen = console()
    try:
        d = diff(_plan(a), _plan(b))
    except OptimiserError as exc:
        _fail(screen, exc)
        return
    screen.print(_diff_text(d), markup=False)
    if json_out is not None:
        write_json(json_out, d)


def _diff_text(d: PlanDiff) -> str:
    """The difference in lines a person reads."""
    if d.empty:
        return "No difference."
    lines = [
        f"Objective {'+' if d.objective_delta_gbp >= 0 else '−'}£{abs(d.objective_delta_gbp):,.2f}"
    ]
    lines.extend(
        f"  {c.reference}: {c.change} {c.before or 'unplaced'} -> {c.after or 'unplaced'} "
        f"(£{c.cost_delta_gbp:+,.2f}, {c.travel_km_delta:+.1f} km)"
        for c in d.referrals
    )
    lines.extend(
        f"  {label} {g.key}: {g.placements_delta:+d} placements, "
        f"£{g.cost_delta_gbp:+,.2f}, {g.travel_km_delta:+.1f} km"
        for label, groups in (("provider", d.providers), ("lot", d.lots))
        for g in groups
    )
    weeks: dict[str, list[str]] = {}
    for w in d.weeks:
        span = f"{w.from_week}" if w.to_week == w.from_week else f"{w.from_week}–{w.to_week}"
        weeks.setdefault(w.provider, []).append(f"w{span} {w.places_before}->{w.places_after}")
    for provider, changes in weeks.items():
        shown = ", ".join(changes[:6]) + (" …" if len(changes) > 6 else "")
        lines.append(f"  places at {provider}: {shown}")
    return "\n".join(lines)
