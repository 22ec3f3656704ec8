"""A staffing result as a workbook a council can file.

Sheets: Summary (status, objective in words, net cost against the cap, shares against bands,
totals, how it was solved and from which file), Council position (the net cost reconciled
line by line), Deployment (FTE of each group on each function), Functions, Staff groups,
Funding (who pays for what) and Binding rules. An infeasible result opens on its Diagnosis.

The council position, with C the cost of every centre, I traded income, R ring-fenced money
applied, O the whole of the sources that are not ring-fenced, G the council's general budget
rows, A the traded income applied to its own function and P what other sources paid:
N = C - I - R - O = G - (I - A) - (O - P): the council rows, less the traded surplus, less the
other sources left over, add up to the net cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from optimiser.files.pages import add_pages, print_setup
from optimiser.files.results_years import money_rows, year_sheets
from optimiser.files.sheets import (
    BODY_FONT,
    FTE,
    GBP,
    LABEL_FONT,
    PCT,
    PENCE,
    TOTAL_BORDER,
    Col,
    SummaryHead,
    add_table,
    ids_text,
    new_book,
    style_header,
    summary_sheet,
)
from optimiser.files.solver_reports import Report, report_tables
from optimiser.staffing.schema import CATEGORY_LABEL, StaffingInstance
from optimiser.staffing.solution import UNALLOCATED, StaffingSolution

OBJECTIVE_WORDS = {
    "min_net_cost": "The lowest net cost to the council",
    "max_strategic_value": "The highest strategic value within the council's cap, "
    "then the lowest net cost to the council",
}
COUNCIL, TRADED = "council", "traded_income"


def staffing_book(
    solution: StaffingSolution,
    instance: StaffingInstance,
    source: Path | None,
    reports: Sequence[Report] = (),
) -> Workbook:
    """Every sheet of a staffing result, the Summary first (the Diagnosis when infeasible),
    then the Answer, Sensitivity or Limits reports asked for."""
    book = new_book()
    if solution.diagnosis is not None:
        _diagnosis(book, solution)
    _summary(book, solution, instance, source)
    if solution.years:
        year_sheets(book, solution, instance)
    elif solution.council is not None:
        names = _names(instance)
        _position(book, solution, instance, names)
        _deployment(book, solution, instance)
        _functions(book, solution, instance)
        _groups(book, solution, instance)
        _funding(book, solution, instance, names)
        _binding(book, solution)
    for report in reports:
        for t in report_tables(solution, report):
            add_pages(book, t.title, t.cols, t.rows)
    for ws in book.worksheets:
        print_setup(ws, solution.instance)
    book.active = 0
    return book


def _names(instance: StaffingInstance) -> dict[str, str]:
    names = {f.id: f.name for f in instance.functions}
    names |= {s.id: s.name for s in instance.funding_sources}
    names |= {
        UNALLOCATED: "Idle staff, releases and overheads",
        COUNCIL: "Council general budget",
        TRADED: "Traded income (on its own function)",
    }
    return names


def _summary(
    book: Workbook, sol: StaffingSolution, instance: StaffingInstance, source: Path | None
) -> None:
    head = SummaryHead(
        f"Staffing plan: {instance.name}",
        instance.description,
        sol.status,
        OBJECTIVE_WORDS[instance.objective],
        sol.statistics,
        sol.verification,
        source,
        instance.model_dump_json().encode(),
    )
    figures = money_rows(sol, instance) if sol.years else _money_rows(sol)
    ws, end = summary_sheet(book, head, figures, (40, 17, 17, 17, 17, 17))
    if sol.categories:
        _shares(ws, sol, end + 1)


def _money_rows(sol: StaffingSolution) -> list[tuple[str, object, str | None]]:
    if sol.council is None:
        return []
    cap = sol.council.cap_gbp
    specialist = sum(c.specialist_fte for c in sol.categories)
    admin = sum(f.admin_fte for f in sol.functions)
    return [
        ("Council net cost (£ a year)", sol.council.net_gbp, GBP),
        ("Council budget cap (£ a year)", "no cap" if cap is None else cap, GBP),
        ("Headroom under the cap (£ a year)", sol.council.headroom_gbp, GBP),
        ("Total cost (£ a year)", _total_cost(sol), GBP),
        ("Traded income (£ a year)", sum(f.income_gbp for f in sol.functions), GBP),
        ("Specialist FTE deployed", specialist, FTE),
        ("Administrative FTE deployed", admin, FTE),
        ("FTE retained but idle", sum(g.idle_fte for g in sol.groups), FTE),
        ("FTE released", sum(g.released_fte for g in sol.groups), FTE),
    ]


def _total_cost(sol: StaffingSolution) -> float:
    """Every pound of every cost centre, as the ledger pays it."""
    return round(sum(e.amount_gbp for e in sol.ledger), 2)


def _shares(ws: Worksheet, sol: StaffingSolution, top: int) -> None:
    """Each category's share of deployed specialist FTE against its band."""
    ws.cell(top, 1, "Share of specialist FTE by category").font = LABEL_FONT
    header = ("Category", "Specialist FTE", "Share", "Band minimum", "Band maximum", "Position")
    for i, text in enumerate(header, start=1):
        ws.cell(top + 1, i, text)
    style_header(ws, top + 1, len(header))
    for n, c in enumerate(sol.categories, start=top + 2):
        values = (
            CATEGORY_LABEL[c.category],
            c.specialist_fte,
            c.share,
            c.min_share,
            c.max_share,
            _position_in_band(c.binds, c.min_share),
        )
        for i, value in enumerate(values, start=1):
            cell = ws.cell(n, i, value)
            cell.font = BODY_FONT
            cell.number_format = (None, FTE, PCT, PCT, PCT, None)[i - 1] or "General"


def _position_in_band(binds: str | None, min_share: float | None) -> str:
    if min_share is None:
        return "no band"
    if binds == "min":
        return "at its minimum"
    if binds == "max":
        return "at its maximum"
    return "within its band"


def position_lines(sol: StaffingSolution, instance: StaffingInstance) -> list[tuple[str, float]]:
    """The net cost built up from costs, income and funding: (line, £), the last the net."""
    assert sol.council is not None
    ring = {s.id for s in instance.funding_sources if s.ring_fenced}
    other = sum(s.amount_gbp for s in instance.funding_sources if not s.ring_fenced)
    cost = _total_cost(sol)
    income = sum(f.income_gbp for f in sol.functions)
    ring_paid = sum(e.amount_gbp for e in sol.ledger if e.source in ring)
    return [
        ("Cost of every function, idle staff, releases and overheads", cost),
        ("less traded income earned", -income),
        ("less ring-fenced money applied", -ring_paid),
        ("less sources that are not ring-fenced (their whole amount)", -other),
        ("Council net cost", sol.council.net_gbp),
    ]


def council_lines(
    sol: StaffingSolution, instance: StaffingInstance, names: dict[str, str]
) -> list[tuple[str, str, float]]:
    """The council's own rows of the ledger, less the traded surplus and the other sources
    left over: (line, centre, £); they add up to the net cost."""
    assert sol.council is not None
    other = {s.id: s.amount_gbp for s in instance.funding_sources if not s.ring_fenced}
    rows = [
        (
            "Council general budget pays for",
            f"{e.centre} {names.get(e.centre, '')}".strip(),
            e.amount_gbp,
        )
        for e in sol.ledger
        if e.source == COUNCIL
    ]
    applied = sum(e.amount_gbp for e in sol.ledger if e.source == TRADED)
    surplus = sum(f.income_gbp for f in sol.functions) - applied
    left = sum(other.values()) - sum(e.amount_gbp for e in sol.ledger if e.source in other)
    return [
        *rows,
        ("less traded surplus (income beyond its functions' cost)", "", -round(surplus, 2)),
        ("less other sources left over (to the general budget)", "", -round(left, 2)),
        ("Council net cost", "", sol.council.net_gbp),
    ]


def _position(
    book: Workbook, sol: StaffingSolution, instance: StaffingInstance, names: dict[str, str]
) -> None:
    build = [
        ("How the net cost arises", line, "", amount)
        for line, amount in position_lines(sol, instance)
    ]
    paid = [("How the council meets it", *row) for row in council_lines(sol, instance, names)]
    cols = (
        Col("Statement", width=22),
        Col("Line", width=50, wrap=True),
        Col("Cost centre", width=60, wrap=True),
        Col("Amount (£ a year)", PENCE),
    )
    ws = add_table(book, "Council position", cols, [*build, *paid])
    for n in (len(build) + 1, len(build) + len(paid) + 1):
        for cell in ws[n]:
            cell.font, cell.border = LABEL_FONT, TOTAL_BORDER


def _deployment(book: Workbook, sol: StaffingSolution, instance: StaffingInstance) -> None:
    """FTE of each staff group (columns) on each function (rows)."""
    fte = {(d.group, d.function): d.fte for d in sol.deployments}
    groups = [g for g in instance.staff_groups if any(k[0] == g.id for k in fte)]
    rows = [
        [
            f.id,
            f.name,
            *(fte.get((g.id, f.id)) for g in groups),
            sum(fte.get((g.id, f.id), 0.0) for g in groups),
        ]
        for f in instance.functions
    ]
    cols = [
        Col("Function id"),
        Col("Function", width=44, wrap=True),
        *(Col(f"{g.name} (FTE)", FTE, width=13) for g in groups),
        Col("All groups (FTE)", FTE, width=11),
    ]
    add_pages(book, "Deployment", cols, rows)


def _functions(book: Workbook, sol: StaffingSolution, instance: StaffingInstance) -> None:
    rows = [
        (
            r.function,
            instance.function(r.function).name,
            CATEGORY_LABEL[r.category],
            instance.function(r.function).statutory,
            r.specialist_fte,
            r.admin_fte,
            r.cost_gbp,
            r.income_gbp,
            r.net_gbp,
        )
        for r in sol.functions
    ]
    cols = (
        Col("Function id"),
        Col("Function", width=50, wrap=True),
        Col("Category"),
        Col("Statutory"),
        Col("Specialist FTE", FTE),
        Col("Administrative FTE", FTE),
        Col("Cost (£ a year)", GBP),
        Col("Income (£ a year)", GBP),
        Col("Net cost (£ a year)", GBP),
    )
    add_pages(book, "Functions", cols, rows)


def _groups(book: Workbook, sol: StaffingSolution, instance: StaffingInstance) -> None:
    rows = [
        (
            g.group,
            instance.group(g.group).name,
            g.role,
            instance.group(g.group).skills,
            g.available_fte,
            g.retained_fte,
            g.released_fte,
            g.deployed_fte,
            g.idle_fte,
            g.cost_gbp,
        )
        for g in sol.groups
    ]
    cols = (
        Col("Group id"),
        Col("Staff group", width=40, wrap=True),
        Col("Role"),
        Col("Skills", width=30, wrap=True),
        Col("Available FTE", FTE),
        Col("Retained FTE", FTE),
        Col("Released FTE", FTE),
        Col("Deployed FTE", FTE),
        Col("Idle FTE", FTE),
        Col("Cost (£ a year)", GBP),
    )
    add_pages(book, "Staff groups", cols, rows)


def _funding(
    book: Workbook, sol: StaffingSolution, instance: StaffingInstance, names: dict[str, str]
) -> None:
    fenced = {s.id: s.ring_fenced for s in instance.funding_sources}
    rows = [
        (
            e.source,
            names.get(e.source, ""),
            "Yes" if fenced.get(e.source) else ("No" if e.source in fenced else ""),
            e.centre,
            names.get(e.centre, ""),
            e.amount_gbp,
        )
        for e in sol.ledger
    ]
    cols = (
        Col("Source id"),
        Col("Source", width=36),
        Col("Ring-fenced"),
        Col("Pays for (id)"),
        Col("Pays for", width=44, wrap=True),
        Col("Amount (£ a year)", PENCE),
    )
    add_pages(book, "Funding", cols, rows)


def _binding(book: Workbook, sol: StaffingSolution) -> None:
    rows = [(ids_text(b.ids, 3), b.shadow_price_gbp, b.unit, b.sentence) for b in sol.binding_rules]
    cols = (
        Col("Ids", width=26, wrap=True),
        Col("Shadow price (£ a year per step)", GBP, width=14),
        Col("Step", width=14, wrap=True),
        Col("The rule, and what relaxing it is worth", width=120, wrap=True),
    )
    add_pages(book, "Binding rules", cols, rows)


def _diagnosis(book: Workbook, sol: StaffingSolution) -> None:
    assert sol.diagnosis is not None
    rows = [
        (c.text, ids_text(c.ids), c.change_alone, c.change_in_combined_repair, c.unit, c.sentence)
        for c in sol.diagnosis.conflicts
    ]
    cols = (
        Col("Rule in conflict", width=40, wrap=True),
        Col("Ids", width=14, wrap=True),
        Col("Change alone (units)", "#,##0.00", width=12),
        Col("Change in the cheapest joint repair (units)", "#,##0.00", width=14),
        Col("Unit", width=14, wrap=True),
        Col("In words", width=80, wrap=True),
    )
    ws = add_table(
        book, "Diagnosis", cols, rows, intro=("No plan meets every rule.", sol.diagnosis.summary)
    )
    ws["A2"].alignment = Alignment(wrap_text=False)
