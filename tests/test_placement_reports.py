"""Answer, Sensitivity and Limits reports for placement plans, checked against figures
worked out independently from the plan (week by week) and against the solver-free verifier."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from optimiser import PlacementInstance, PlacementSolution, parse_instance, solve
from optimiser.cli import app
from optimiser.files.placement_reports import placement_limits, placement_report_tables
from optimiser.files.report_table import Report
from optimiser.placements.schema import unplaced_cost
from optimiser.placements.solution import Unplaced
from optimiser.placements.verify import verify_placements
from tests.helpers import INSTANCES, raw


def ruled() -> tuple[PlacementInstance, PlacementSolution]:
    """dps_small with every kind of rule: a budget cap below its free spend (£143,767), no
    provider above 35% of placements (Abingdon has 7 of 19 without it), an average quality
    of at least 3.6, and places a day at Abingdon."""
    data = raw("dps_small")
    data["policy"] |= {
        "budget_cap_gbp": 140_000,
        "max_provider_share": 0.35,
        "min_average_quality": 3.6,
    }
    next(p for p in data["providers"] if p["id"] == "abingdon_hub")["places_per_weekday"] = 5
    instance = parse_instance(data)
    assert isinstance(instance, PlacementInstance)
    solution = solve(instance)
    assert isinstance(solution, PlacementSolution)
    assert solution.totals is not None
    return instance, solution


def peak(solution: PlacementSolution, provider: str, *, day: str | None = None) -> int:
    """Most places in use at the provider in any week of the year, week by week."""
    mine = [p for p in solution.placements if p.provider == provider]
    if day is not None:
        return max(
            (
                sum(
                    1
                    for p in mine
                    if p.start_week <= w <= p.end_week and day in [d.value for d in p.weekdays]
                )
                for w in range(1, 53)
            ),
            default=0,
        )
    return max(
        (sum(p.places_used for p in mine if p.start_week <= w <= p.end_week) for w in range(1, 53)),
        default=0,
    )


def test_answer_report_every_rule_with_value_limit_slack_and_status() -> None:
    instance, solution = ruled()
    assert solution.totals is not None
    (answer,) = placement_report_tables(solution, instance, Report.ANSWER)
    objective, *rows = answer.rows
    assert objective[:4] == ("Objective", "the placement cost", "", solution.totals.objective_gbp)
    rules = {r[0]: r for r in rows}
    placed = solution.placements
    spend = sum(p.charge_gbp + p.travel_gbp for p in placed)
    assert rules["budget_cap"][3:6] == (pytest.approx(spend, abs=0.01), "<=", 140_000)
    for provider, n in Counter(p.provider for p in placed).items():
        assert rules[f"provider_share_{provider}"][3:6] == (n, "<=", 0.35 * len(placed))
    rating = {p.id: p.quality_rating for p in instance.providers}
    mean = sum(rating[p.provider] for p in placed) / len(placed)
    assert rules["min_average_quality"][3:6] == (pytest.approx(mean), ">=", 3.6)
    for p in instance.providers:
        assert rules[f"places_{p.id}"][3:6] == (peak(solution, p.id), "<=", p.places)
    days = [r for r in rules if r.startswith("weekday_places_")]
    assert days == [
        f"weekday_places_abingdon_hub_{d.value}" for d in instance.providers[-1].open_days
    ]
    for d in instance.providers[-1].open_days:
        row = rules[f"weekday_places_abingdon_hub_{d.value}"]
        assert row[3:6] == (peak(solution, "abingdon_hub", day=d.value), "<=", 5)
    for rule, _, _, value, sense, limit, slack, status in rows:
        room = limit - value if sense == "<=" else value - limit
        assert slack == pytest.approx(room), rule
        assert slack >= -1e-9, rule  # the plan keeps every rule
        assert status == ("Binding" if abs(slack) <= 1e-6 * max(1.0, abs(limit)) else "Not binding")


def dropped(solution: PlacementSolution, instance: PlacementInstance, k: int) -> PlacementSolution:
    """The plan with its k-th placement undone: that pupil left to a spot purchase."""
    assert solution.totals is not None
    gone = solution.placements[k]
    referral = next(r for r in instance.referrals if r.reference == gone.reference)
    penalty = unplaced_cost(referral, instance.policy)
    t = solution.totals
    totals = t.model_copy(
        update={
            "placed": t.placed - 1,
            "unplaced": t.unplaced + 1,
            "objective_gbp": round(t.objective_gbp - gone.total_cost_gbp + penalty, 2),
        }
    )
    left = Unplaced(
        reference=gone.reference, reason="cheaper_unplaced", explanation="", penalty_gbp=penalty
    )
    return solution.model_copy(
        update={
            "placements": [p for i, p in enumerate(solution.placements) if i != k],
            "unplaced": [*solution.unplaced, left],
            "totals": totals,
        }
    )


def test_limits_each_placement_undone_where_the_verifier_accepts_the_plan_without_it() -> None:
    """A placement's lower limit is 0 exactly where the plan without it passes the
    independent verifier, and the cost there is that plan's; some cannot be undone (the
    quality floor or another provider's share would break), and every upper limit is 1."""
    instance, solution = ruled()
    limits = placement_limits(solution, instance)
    assert len(limits) == len(solution.placements)
    for k, limit in enumerate(limits):
        without = dropped(solution, instance, k)
        verdict = verify_placements(instance, without)
        assert verdict.passed == (limit.lower == 0), (limit.placement.reference, verdict)
        assert without.totals is not None
        if limit.lower == 0:
            assert limit.lower_cost == pytest.approx(without.totals.objective_gbp, abs=0.01)
    assert {limit.lower for limit in limits} == {0, 1}


def test_placement_reports_on_the_command_line_and_as_sheets(tmp_path: Path) -> None:
    """`--report` for a placement plan: the Answer and Limits tables, and a Sensitivity
    report that says plainly why there is none; with --xlsx, the same as sheets."""
    source = INSTANCES / "dps_small.json"
    target = tmp_path / "dps.xlsx"
    args = ["solve", str(source), "--xlsx", str(target)]
    reports = ["--report", "answer", "--report", "sensitivity", "--report", "limits"]
    result = CliRunner().invoke(app, [*args, *reports], terminal_width=200)
    assert result.exit_code == 0, result.output
    for words in ("Answer report", "places_abingdon_hub", "Limits report", "whole-number"):
        assert words in result.output
    book = load_workbook(target)
    assert book.sheetnames[-3:] == ["Answer report", "Sensitivity report", "Limits report"]
    why: Any = book["Sensitivity report"]["A2"].value
    assert "no shadow prices" in why
    limits = list(book["Limits report"].iter_rows(max_row=2, values_only=True))
    assert limits[0][:4] == ("Referral", "Provider id", "Provider", "Lot")
    assert limits[1][:4] == (
        "DPS-001",
        "abingdon_hub",
        "Abingdon hub",
        "Full-time provision from day 6 of an exclusion (interim)",
    )


def test_answer_report_speaks_names() -> None:
    """The Answer report's words name providers and lots; their ids are in the Ids column."""
    instance, solution = ruled()
    (answer,) = placement_report_tables(solution, instance, Report.ANSWER)
    rules = {r[0]: r for r in answer.rows}
    assert rules["provider_share_abingdon_hub"][1:3] == (
        "placements with Abingdon hub, at most its share of all placements",
        "abingdon_hub",
    )


def test_answer_report_lists_the_levels_of_a_lexicographic_objective() -> None:
    """[cost within 10% of its best, then average quality] on R (2 days x 10 weeks) at A
    (rated 2, £2,000) or B (rated 4, £2,150): cost's best is £2,000 and later levels may take
    it to £2,200; quality then takes B (£2,150: £50 of room left on the cost level). The
    Answer report gives each level as the rule it became, after the objective."""
    from tests.placements_helpers import instance, provider, referral, run

    provs = [provider("A", 100, quality_rating=2), provider("B", 107.5, quality_rating=4)]
    level = {"goal": "cost", "tolerance": 0.1, "relative": True}
    data = instance(provs, [referral("R")], objective=[level, {"goal": "quality"}])
    sol = run(data, "highs")
    inst = parse_instance(data)
    assert isinstance(inst, PlacementInstance)
    (answer,) = placement_report_tables(sol, inst, Report.ANSWER)
    assert answer.rows[0][0] == "Objective"
    cost, quality = answer.rows[1], answer.rows[2]
    assert cost[0] == "Objective level 1"
    assert cost[1].startswith("minimise the plan's cost")
    assert cost[1] == (
        "minimise the plan's cost (placements and spot purchases): best £2,000.00 when solved "
        "(optimal); later levels held it within £200.00 of that"
    )
    assert cost[3:7] == (pytest.approx(2_150), "<=", pytest.approx(2_200), pytest.approx(50))
    assert cost[7] == "Not binding"
    assert quality[0] == "Objective level 2"
    assert quality[1].startswith("maximise the average quality rating")
    assert quality[3:6] == (pytest.approx(4), ">=", pytest.approx(4))
    assert quality[7] == "Binding"  # at its best, with no tolerance
