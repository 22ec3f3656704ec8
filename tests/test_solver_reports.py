"""Answer, Sensitivity and Limits reports (Excel Solver's) as console tables and sheets."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from optimiser import SolveOptions, StaffingSolution, load_instance, parse_instance, solve
from optimiser.cli import app
from optimiser.files.solver_reports import Report, report_tables
from optimiser.files.workbook import write_solution_workbook
from tests.helpers import INSTANCES
from tests.test_staffing_years import two_years

SMALL = INSTANCES / "staffing_small.json"


def solved() -> StaffingSolution:
    solution = solve(load_instance(SMALL), SolveOptions(sensitivity=True))
    assert isinstance(solution, StaffingSolution)
    return solution


def test_answer_report_states_value_limit_slack_and_binds() -> None:
    """Every rule's slack is its room left (limit - value for <=, value - limit for >=) and
    it binds exactly where that room is nil; the £30,000 DSG source is spent to the pound."""
    solution = solved()
    rules, variables = report_tables(solution, Report.ANSWER)
    objective, *rows = rules.rows
    assert objective[:4] == ("Objective", "the council's net cost", "", solution.net_cost_gbp)
    assert solution.sensitivity is not None
    assert len(rows) == len(solution.sensitivity.rules)
    for rule, _, _, value, sense, limit, slack, status in rows:
        room = limit - value if sense == "<=" else value - limit
        assert abs(slack - room) < 1e-6, rule
        assert status == ("Binding" if abs(slack) <= 1e-6 * max(1.0, abs(limit)) else "Not binding")
    dsg = next(r for r in rows if r[0] == "source_dsg")
    assert dsg[3:] == (30_000.0, "<=", 30_000.0, 0.0, "Binding")
    assert {v[0] for v in variables.rows} >= {"x_advisers_traded", "pay_dsg_statutory"}


def test_limits_report_is_excels() -> None:
    """One row a variable: its value, the lowest and highest values it can take with every
    other variable held and every rule met, and the net cost at each (Excel's Limits report);
    the advisers' traded FTE can fall to 1.5 (worked in tests/test_staffing_sensitivity.py)."""
    solution = solved()
    assert solution.sensitivity is not None
    net = solution.net_cost_gbp
    assert net is not None
    (limits,) = report_tables(solution, Report.LIMITS)
    assert len(limits.rows) == len(solution.sensitivity.variables)
    for row, v in zip(limits.rows, solution.sensitivity.limits, strict=True):
        assert row == (
            v.variable,
            v.value,
            "no limit" if v.lower_limit is None else v.lower_limit,
            v.lower_objective,
            "no limit" if v.upper_limit is None else v.upper_limit,
            v.upper_objective,
        )
        for end in (v.lower_objective, v.upper_objective):  # the optimum: no end costs less
            assert end is None or end >= net - 0.01
    traded = next(v for v in solution.sensitivity.limits if v.variable == "x_advisers_traded")
    assert traded.lower_limit == pytest.approx(1.5)


def test_reports_as_sheets_and_on_the_command_line(tmp_path: Path) -> None:
    target = tmp_path / "small.xlsx"
    write_solution_workbook(
        solved(),
        target,
        load_instance(SMALL),
        SMALL,
        [Report.ANSWER, Report.SENSITIVITY, Report.LIMITS],
    )
    book = load_workbook(target)
    assert book.sheetnames[-5:] == [
        "Answer report",
        "Answer variables",
        "Sensitivity report",
        "Sensitivity variables",
        "Limits report",
    ]
    headers = [c.value for c in book["Sensitivity report"][1]]
    assert headers[3:] == [
        "Shadow price (£ a year per unit of limit)",
        "Limit",
        "Allowable increase",
        "Allowable decrease",
    ]
    result = CliRunner().invoke(
        app, ["solve", str(SMALL), "--report", "answer", "--report", "limits"]
    )
    assert result.exit_code == 0, result.output
    assert "Answer report" in result.output
    assert "Limits report" in result.output
    assert "Not binding" in result.output
    limits = [c.value for c in book["Limits report"][1]]
    assert limits == [
        "Variable",
        "Value on the plan",
        "Lower limit",
        "Net cost at the lower limit (£ a year)",
        "Upper limit",
        "Net cost at the upper limit (£ a year)",
    ]
    reduced = [c.value for c in book["Sensitivity variables"][1]]
    assert reduced[2] == "Reduced cost (£ a year per unit)"


@pytest.mark.parametrize(
    ("discount", "pounds"),
    [
        (False, "£ over y1 to y2"),
        (True, "£ over y1 to y2, discounted to y1,"),
    ],
)
def test_reports_over_years_name_the_years_of_their_pounds(
    discount: bool, pounds: str, tmp_path: Path
) -> None:
    """A plan over years y1 and y2 minimises the net cost over both (discounted to y1 when
    discounting is on): the Sensitivity and Limits reports' pounds say so, and the Binding
    rules sheet's, not "a year"."""
    data = two_years(discount=discount, discount_rate=0.035)
    instance = parse_instance(data)
    solution = solve(instance, SolveOptions(sensitivity=True))
    target = tmp_path / "years.xlsx"
    write_solution_workbook(solution, target, instance, None, list(Report))
    book = load_workbook(target)
    assert book["Sensitivity report"]["D1"].value == f"Shadow price ({pounds} per unit of limit)"
    assert book["Sensitivity variables"]["C1"].value == f"Reduced cost ({pounds} per unit)"
    limits = [c.value for c in book["Limits report"][1]]
    assert limits[3] == f"Net cost at the lower limit ({pounds.rstrip(',')})"
    assert book["Binding rules"]["D1"].value == f"Shadow price ({pounds} per step)"
    headers = [c.value for ws in book.worksheets for c in ws[1] if isinstance(c.value, str)]
    assert not [h for h in headers if "a year" in h and "£" in h]
