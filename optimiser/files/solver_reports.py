"""Answer, Sensitivity and Limits reports in the style analysts know from Excel Solver.

Staffing reports are built from the solution's `sensitivity` (optimiser.staffing.sensitivity:
every rule and every variable of the solved model, with HiGHS ranging for LPs); placement
reports from the plan itself (optimiser.files.placement_reports). Each report is a list of
tables (a title, columns, rows), written as sheets of the result workbook and printed by
`optimiser solve --report answer|sensitivity|limits`.

* Answer: the objective, then every rule with its value on the plan, its limit, the room
  left (slack) and whether it binds; then every variable with its value.
* Sensitivity: every rule with its shadow price and the range of its limit over which that
  price holds (allowable increase and decrease); every variable with its reduced cost and the
  range of its objective coefficient over which the plan stays optimal. Prices are in the
  objective's pounds: "£ a year" for one year; for a plan over years, the net cost over its
  years ("£ over 2015-16 to 2017-18"), discounted to the first year when discounting is on.
* Limits: every variable with its value, and the lowest and highest values it can take with
  every other variable held at the plan and every rule still met, with the objective (the
  council's net cost) at each.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console

from optimiser.core.console import table
from optimiser.files.placement_reports import placement_report_tables
from optimiser.files.report_table import Column, Report, ReportTable, binds, report_table
from optimiser.files.sheets import GBP, Col
from optimiser.placements.schema import PlacementInstance
from optimiser.placements.solution import PlacementSolution
from optimiser.staffing.sensitivity import (
    RuleSensitivity,
    Sensitivity,
    VariableLimit,
    VariableSensitivity,
)
from optimiser.staffing.solution import StaffingSolution
from optimiser.staffing.wording import period

__all__ = ["Report", "ReportTable", "report_tables", "show_reports"]

NUMBER = "#,##0.00##"
NO_LIMIT = "no limit"
NO_RANGING = "no ranging (whole posts or CBC)"

Rule = Column[RuleSensitivity]
Variable = Column[VariableSensitivity]
Limit = Column[VariableLimit]

RULE = Rule(Col("Rule"), lambda r: r.rule)  # fitted: an id cannot wrap
TEXT = Rule(Col("What it says", width=60, wrap=True), lambda r: r.text)
RULE_VALUE = Rule(Col("Value on the plan", NUMBER, width=14), lambda r: r.value)
LIMIT = Rule(Col("Limit", NUMBER, width=14), lambda r: r.limit)
VARIABLE = Variable(Col("Variable"), lambda v: v.variable)
VALUE = Variable(Col("Value on the plan", NUMBER, width=14), lambda v: v.value)
VARIABLE_LIMIT = Limit(Col("Variable"), lambda v: v.variable)


def report_tables(
    solution: StaffingSolution | PlacementSolution,
    report: Report,
    instance: PlacementInstance | None = None,
) -> list[ReportTable]:
    """The tables of one report ([] when the solution has no plan to report on); a placement
    plan's need its `instance` (its policy and providers)."""
    if isinstance(solution, PlacementSolution):
        if instance is None:
            raise ValueError("a placement plan's reports need its instance")
        return placement_report_tables(solution, instance, report)
    sens = solution.sensitivity
    if sens is None:
        return []
    if report is Report.ANSWER:
        return [_answer_rules(solution, sens), _answer_variables(sens)]
    if report is Report.SENSITIVITY:
        pounds = objective_pounds(solution)
        return [_sensitivity_rules(sens, pounds), _sensitivity_variables(sens, pounds)]
    return [_limits(sens, objective_pounds(solution))]


def objective_pounds(solution: StaffingSolution) -> str:
    """What the reports' £ figures are: '£ a year' for one year; for a plan over years, the
    objective: '£ over 2015-16 to 2017-18', with ', discounted to 2015-16' when discounting
    is on (a year's discount factor below 1)."""
    years = [y.year for y in solution.years]
    pounds = f"£ {period(years, None)}"
    if any(y.discount_factor < 1.0 - 1e-9 for y in solution.years):
        return f"{pounds}, discounted to {years[0]}"
    return pounds


def per_unit(pounds: str, unit: str) -> str:
    """'£ a year per unit'; after a phrase in commas, one more: '£ over 2015-16 to 2017-18,
    discounted to 2015-16, per unit'."""
    return f"{pounds}{',' if ',' in pounds else ''} per {unit}"


def _ranged(value: float | None, sens: Sensitivity) -> float | str:
    if not sens.ranging:
        return NO_RANGING
    return NO_LIMIT if value is None else value


def _answer_rules(solution: StaffingSolution, sens: Sensitivity) -> ReportTable:
    value = solution.discounted_net_cost_gbp if solution.years else solution.net_cost_gbp
    objective = ("Objective", sens.objective, "", value, "", None, None, "")
    columns = (
        RULE,
        TEXT,
        Rule(Col("Ids", width=18, wrap=True), lambda r: ", ".join(r.ids)),
        RULE_VALUE,
        Rule(Col("Sense", width=7), lambda r: r.sense),
        LIMIT,
        Rule(Col("Slack (room left)", NUMBER, width=14), lambda r: r.slack),
        Rule(Col("Status", width=12), lambda r: binds(r.binding)),
    )
    return report_table("Answer report", columns, sens.rules, first=[objective])


def _answer_variables(sens: Sensitivity) -> ReportTable:
    columns = (
        VARIABLE,
        VALUE,
        Variable(Col("Lower bound", NUMBER, width=14), lambda v: v.lower),
        Variable(Col("Upper bound", NUMBER, width=14), lambda v: v.upper),
    )
    return report_table("Answer variables", columns, sens.variables)


def _sensitivity_rules(sens: Sensitivity, pounds: str) -> ReportTable:
    columns = (
        RULE,
        TEXT,
        RULE_VALUE,
        Rule(
            Col(f"Shadow price ({per_unit(pounds, 'unit of limit')})", GBP, width=16),
            lambda r: r.shadow_price_gbp,
        ),
        LIMIT,
        Rule(
            Col("Allowable increase", NUMBER, width=14, wrap=True),
            lambda r: _ranged(r.allowable_increase, sens),
        ),
        Rule(
            Col("Allowable decrease", NUMBER, width=14, wrap=True),
            lambda r: _ranged(r.allowable_decrease, sens),
        ),
    )
    return report_table("Sensitivity report", columns, sens.rules)


def _sensitivity_variables(sens: Sensitivity, pounds: str) -> ReportTable:
    columns = (
        VARIABLE,
        VALUE,
        Variable(
            Col(f"Reduced cost ({per_unit(pounds, 'unit')})", NUMBER, width=16),
            lambda v: v.reduced_cost,
        ),
        Variable(
            Col("Objective coefficient (£ per unit)", NUMBER, width=16),
            lambda v: v.objective_coefficient,
        ),
        Variable(
            Col("Allowable increase", NUMBER, width=14, wrap=True),
            lambda v: _ranged(v.allowable_increase, sens),
        ),
        Variable(
            Col("Allowable decrease", NUMBER, width=14, wrap=True),
            lambda v: _ranged(v.allowable_decrease, sens),
        ),
    )
    return report_table("Sensitivity variables", columns, sens.variables)


def _limits(sens: Sensitivity, pounds: str) -> ReportTable:
    """Excel's Limits report: each variable's reach with every other held at the plan and
    every rule met, and the council's net cost at each end (an empty end: no limit)."""
    columns = (
        VARIABLE_LIMIT,
        Limit(Col("Value on the plan", NUMBER, width=14), lambda v: v.value),
        Limit(Col("Lower limit", NUMBER, width=14), lambda v: _end(v.lower_limit)),
        Limit(
            Col(f"Net cost at the lower limit ({pounds})", GBP, width=16),
            lambda v: v.lower_objective,
        ),
        Limit(Col("Upper limit", NUMBER, width=14), lambda v: _end(v.upper_limit)),
        Limit(
            Col(f"Net cost at the upper limit ({pounds})", GBP, width=16),
            lambda v: v.upper_objective,
        ),
    )
    return report_table("Limits report", columns, sens.limits)


def _end(value: float | None) -> float | str:
    return NO_LIMIT if value is None else value


def shown(value: Any) -> str:
    """A cell as console text."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return "0.00" if abs(value) < 0.005 else f"{value:,.2f}"
    return str(value)


def show_reports(
    console: Console,
    solution: StaffingSolution | PlacementSolution,
    reports: list[Report],
    instance: PlacementInstance | None = None,
) -> None:
    """The reports asked for, as console tables."""
    for report in reports:
        tables = report_tables(solution, report, instance)
        if not tables:
            console.print(f"[dim]No {report.value} report: the solve found no plan.[/]")
        for t in tables:
            if len(t.cols) == 1:  # a statement, not a table (a MIP's missing sensitivity)
                console.print(f"[bold]{t.title}[/]")
                for row in t.rows:
                    console.print(str(row[0]), markup=False)
                continue
            words = next((i for i, c in enumerate(t.cols) if c.fmt), len(t.cols))
            out = table(t.title, *(c.header for c in t.cols), text=words)
            for col in out.columns[1:]:
                col.no_wrap, col.max_width = False, 48
            for row in t.rows:
                out.add_row(*(shown(v) for v in row))
            console.print(out)
