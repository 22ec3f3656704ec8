"""Answer, Sensitivity and Limits reports in the style analysts know from Excel Solver.

Built from a staffing solution's `sensitivity` (optimiser.staffing.sensitivity: every rule
and every variable of the solved model, with HiGHS ranging for LPs). Each report is a list of
tables (a title, columns, rows), written as sheets of the result workbook and printed by
`optimiser solve --report answer|sensitivity|limits`.

* Answer: the objective, then every rule with its value on the plan, its limit, the room
  left (slack) and whether it binds; then every variable with its value.
* Sensitivity: every rule with its shadow price and the range of its limit over which that
  price holds (allowable increase and decrease); every variable with its reduced cost and the
  range of its objective coefficient over which the plan stays optimal.
* Limits: every variable with its value, its bounds, whether it sits at one, and the range of
  its objective coefficient.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rich.console import Console

from optimiser.core.console import table
from optimiser.files.sheets import GBP, Col
from optimiser.staffing.sensitivity import Sensitivity
from optimiser.staffing.solution import StaffingSolution

NUMBER = "#,##0.00##"
NO_LIMIT = "no limit"


class Report(StrEnum):
    """The solver reports, as in a spreadsheet solver."""

    ANSWER = "answer"
    SENSITIVITY = "sensitivity"
    LIMITS = "limits"


@dataclass(frozen=True)
class ReportTable:
    """One report as a sheet: its title, columns and rows."""

    title: str  # the sheet's name
    cols: tuple[Col, ...]
    rows: list[tuple[Any, ...]]


def report_tables(solution: StaffingSolution, report: Report) -> list[ReportTable]:
    """The tables of one report ([] when the solution has no sensitivity)."""
    sens = solution.sensitivity
    if sens is None:
        return []
    if report is Report.ANSWER:
        return [_answer_rules(solution, sens), _answer_variables(sens)]
    if report is Report.SENSITIVITY:
        return [_sensitivity_rules(sens), _sensitivity_variables(sens)]
    return [_limits(sens)]


def _binds(binding: bool) -> str:
    return "Binding" if binding else "Not binding"


def _range(value: float | None, sens: Sensitivity) -> float | str:
    if not sens.ranging:
        return "no ranging (whole posts or CBC)"
    return NO_LIMIT if value is None else value


def _answer_rules(solution: StaffingSolution, sens: Sensitivity) -> ReportTable:
    value = solution.discounted_net_cost_gbp if solution.years else solution.net_cost_gbp
    objective = ("Objective", sens.objective, "", value, "", None, None, "")
    rows = [objective] + [
        (r.rule, r.text, ", ".join(r.ids), r.value, r.sense, r.limit, r.slack, _binds(r.binding))
        for r in sens.rules
    ]
    cols = (
        Col("Rule", width=28),
        Col("What it says", width=60, wrap=True),
        Col("Ids", width=18, wrap=True),
        Col("Value on the plan", NUMBER, width=14),
        Col("Sense", width=7),
        Col("Limit", NUMBER, width=14),
        Col("Slack (room left)", NUMBER, width=14),
        Col("Status", width=12),
    )
    return ReportTable("Answer report", cols, rows)


def _answer_variables(sens: Sensitivity) -> ReportTable:
    rows = [(v.variable, v.value, v.lower, v.upper) for v in sens.variables]
    cols = (
        Col("Variable", width=36),
        Col("Value on the plan", NUMBER, width=16),
        Col("Lower bound", NUMBER, width=14),
        Col("Upper bound", NUMBER, width=14),
    )
    return ReportTable("Answer variables", cols, rows)


def _sensitivity_rules(sens: Sensitivity) -> ReportTable:
    rows = [
        (
            r.rule,
            r.text,
            r.value,
            r.shadow_price_gbp,
            r.limit,
            _range(r.allowable_increase, sens),
            _range(r.allowable_decrease, sens),
        )
        for r in sens.rules
    ]
    cols = (
        Col("Rule", width=28),
        Col("What it says", width=60, wrap=True),
        Col("Value on the plan", NUMBER, width=14),
        Col("Shadow price (£ a year per unit of limit)", GBP, width=16),
        Col("Limit", NUMBER, width=14),
        Col("Allowable increase", NUMBER, width=14),
        Col("Allowable decrease", NUMBER, width=14),
    )
    return ReportTable("Sensitivity report", cols, rows)


def _sensitivity_variables(sens: Sensitivity) -> ReportTable:
    rows = [
        (
            v.variable,
            v.value,
            v.reduced_cost,
            v.objective_coefficient,
            _range(v.allowable_increase, sens),
            _range(v.allowable_decrease, sens),
        )
        for v in sens.variables
    ]
    cols = (
        Col("Variable", width=36),
        Col("Value on the plan", NUMBER, width=14),
        Col("Reduced cost (£ a year per unit)", NUMBER, width=16),
        Col("Objective coefficient (£ per unit)", NUMBER, width=16),
        Col("Allowable increase", NUMBER, width=14),
        Col("Allowable decrease", NUMBER, width=14),
    )
    return ReportTable("Sensitivity variables", cols, rows)


def _limits(sens: Sensitivity) -> ReportTable:
    rows = []
    for v in sens.variables:
        at = "lower" if v.lower is not None and abs(v.value - v.lower) < 1e-9 else ""
        at = "upper" if v.upper is not None and abs(v.value - v.upper) < 1e-9 else at
        low = (
            None if v.allowable_decrease is None else v.objective_coefficient - v.allowable_decrease
        )
        high = (
            None if v.allowable_increase is None else v.objective_coefficient + v.allowable_increase
        )
        rows.append((v.variable, v.value, v.lower, v.upper, at or "between", low, high))
    cols = (
        Col("Variable", width=36),
        Col("Value on the plan", NUMBER, width=14),
        Col("Lower limit", NUMBER, width=14),
        Col("Upper limit (empty: none)", NUMBER, width=14),
        Col("At a limit", width=10),
        Col("Lowest objective coefficient keeping the plan", NUMBER, width=18),
        Col("Highest objective coefficient keeping the plan", NUMBER, width=18),
    )
    return ReportTable("Limits report", cols, rows)


def shown(value: Any) -> str:
    """A cell as console text."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return "0.00" if abs(value) < 0.005 else f"{value:,.2f}"
    return str(value)


def show_reports(console: Console, solution: StaffingSolution, reports: list[Report]) -> None:
    """The reports asked for, as console tables."""
    for report in reports:
        tables = report_tables(solution, report)
        if not tables:
            console.print(f"[dim]No {report.value} report: the solve found no plan.[/]")
        for t in tables:
            words = next((i for i, c in enumerate(t.cols) if c.fmt), len(t.cols))
            out = table(t.title, *(c.header for c in t.cols), text=words)
            for col in out.columns[1:]:
                col.no_wrap, col.max_width = False, 48
            for row in t.rows:
                out.add_row(*(shown(v) for v in row))
            console.print(out)
