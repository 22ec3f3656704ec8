"""A staffing result over years as workbook sheets: the year-by-year summary, the
establishment with its flows, funding, deployments and binding rules, each row naming its year."""

from __future__ import annotations

from openpyxl import Workbook

from optimiser.files.pages import add_pages
from optimiser.files.sheets import FTE, GBP, PCT, Col
from optimiser.files.solver_reports import objective_pounds, per_unit
from optimiser.staffing.schema import CATEGORY_LABEL, Category, StaffingInstance
from optimiser.staffing.solution import StaffingSolution

YEAR_SHEETS = ["Year by year", "Establishment", "Funding by year", "Deployment", "Binding rules"]


def money_rows(
    sol: StaffingSolution, instance: StaffingInstance
) -> list[tuple[str, object, str | None]]:
    """The Summary's figures of a plan over years."""
    rows: list[tuple[str, object, str | None]] = [
        ("Years", ", ".join(y.year for y in sol.years), None),
        ("Council net cost over the years (£)", sol.net_cost_gbp, GBP),
    ]
    if instance.discount:
        rows.append(
            (
                f"Discounted at {instance.discount_rate:.1%} a year (£)",
                sol.discounted_net_cost_gbp,
                GBP,
            )
        )
    return rows


def year_sheets(book: Workbook, sol: StaffingSolution, instance: StaffingInstance) -> None:
    """Every sheet of a plan over years."""
    _summary(book, sol)
    _establishment(book, sol, instance)
    _funding(book, sol, instance)
    _deployment(book, sol, instance)
    rows = [
        (y.year, b.rule, b.text, b.shadow_price_gbp, b.sentence)
        for y in sol.years
        for b in y.binding_rules
    ]
    cols = (
        Col("Year"),
        Col("Rule id"),
        Col("Rule", width=50, wrap=True),
        Col(f"Shadow price ({per_unit(objective_pounds(sol), 'step')})", GBP, width=16),
        Col("What relaxing it would do", width=80, wrap=True),
    )
    add_pages(book, "Binding rules", cols, rows)


def _summary(book: Workbook, sol: StaffingSolution) -> None:
    rows = []
    for y in sol.years:
        shares = {c.category: c.share for c in y.categories}
        rows.append(
            (
                y.year,
                y.net_cost_gbp,
                y.council.cap_gbp if y.council else None,
                *(shares[c] for c in Category),
                sum(c.specialist_fte for c in y.categories),
                sum(g.hired_fte for g in y.groups),
                sum(g.released_fte for g in y.groups),
                sum(g.hire_cost_gbp + g.release_cost_gbp for g in y.groups),
                y.traded_share.kept_gbp if y.traded_share else None,
                y.discount_factor,
            )
        )
    cols = (
        Col("Year"),
        Col("Council net cost (£)", GBP),
        Col("Council cap (£)", GBP),
        *(Col(f"{CATEGORY_LABEL[c]} share", PCT) for c in Category),
        Col("Specialist FTE deployed", FTE),
        Col("FTE hired", FTE),
        Col("FTE released", FTE),
        Col("One-off hire and release costs (£)", GBP),
        Col("Traded surplus kept by the traded arm (£)", GBP),
        Col("Discount factor", "0.0000"),
    )
    add_pages(book, "Year by year", cols, rows)


def _establishment(book: Workbook, sol: StaffingSolution, instance: StaffingInstance) -> None:
    rows = [
        (
            y.year,
            g.group,
            instance.group(g.group).name,
            g.available_fte,
            g.turnover_fte,
            g.hired_fte,
            g.released_fte,
            g.retained_fte,
            g.deployed_fte,
            g.idle_fte,
            g.hire_cost_gbp,
            g.release_cost_gbp,
            g.cost_gbp,
        )
        for y in sol.years
        for g in y.groups
    ]
    cols = (
        Col("Year"),
        Col("Group id"),
        Col("Staff group", width=40),
        Col("FTE at the start", FTE),
        Col("Turnover FTE", FTE),
        Col("Hired FTE", FTE),
        Col("Released FTE", FTE),
        Col("Establishment FTE", FTE),
        Col("Deployed FTE", FTE),
        Col("Idle FTE", FTE),
        Col("Hire cost (£)", GBP),
        Col("Release cost (£)", GBP),
        Col("Cost (£)", GBP),
    )
    add_pages(book, "Establishment", cols, rows)


def _funding(book: Workbook, sol: StaffingSolution, instance: StaffingInstance) -> None:
    names = {k.id: k.name for k in instance.funding_sources}
    rows = [
        (y.year, s.source, names.get(s.source, s.source), s.available_gbp, s.used_gbp)
        for y in sol.years
        for s in y.sources
    ]
    cols = (
        Col("Year"),
        Col("Source id"),
        Col("Funding source", width=45),
        Col("Available (£)", GBP),
        Col("Used on functions (£)", GBP),
    )
    add_pages(book, "Funding by year", cols, rows)


def _deployment(book: Workbook, sol: StaffingSolution, instance: StaffingInstance) -> None:
    rows = [
        (y.year, d.group, d.function, instance.function(d.function).name, d.fte)
        for y in sol.years
        for d in y.deployments
    ]
    cols = (
        Col("Year"),
        Col("Group id"),
        Col("Function id"),
        Col("Function", width=50, wrap=True),
        Col("FTE", FTE),
    )
    add_pages(book, "Deployment", cols, rows)
