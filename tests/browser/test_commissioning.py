"""A commissioning week in a real browser: a referral's shortlist, a re-plan with the new
week's referrals (last week's placements locked), its difference from last week, and the same
difference on the compare page. Each figure on a page is set against the engine run in the
test's own process (optimiser.shortlist, replan and diff)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from playwright.sync_api import Page, expect

from api.local import ROOT
from optimiser import (
    PlacementInstance,
    PlacementSolution,
    SolveOptions,
    diff,
    load_instance,
    replan,
    shortlist,
    solve,
)
from tests.browser.conftest import Visit
from tests.browser.reports import answer_rows_without_sensitivity

PLAN_MS = 120_000  # a generous ceiling for a job to finish on a busy 2-core machine
WEEK1 = ROOT / "instances/county_600x80.json"
WEEK2 = ROOT / "instances/county_week2.json"


def _gbp(text: str) -> float:
    return float(text.replace("£", "").replace(",", "").replace("−", "-").strip())


def _wait_for_result(page: Page) -> str:
    page.wait_for_url(re.compile(r"/scenarios/[0-9a-f]{32}$"), timeout=PLAN_MS)
    return page.url.rsplit("/", 1)[1]


def _week1() -> tuple[PlacementInstance, PlacementSolution]:
    instance = load_instance(WEEK1)
    assert isinstance(instance, PlacementInstance)
    plan = solve(instance, SolveOptions())
    assert isinstance(plan, PlacementSolution)
    return instance, plan


def _plan_week1(visit: Visit, name: str) -> Page:
    page = visit.go("/placements")
    page.get_by_label("County 600x80").check()
    page.get_by_label("Scenario name (optional)").fill(name)
    page.get_by_role("button", name="Plan", exact=True).click()
    _wait_for_result(page)
    return page


def test_a_referrals_shortlist(visit: Visit) -> None:
    """A placed referral's shortlist: the plan's choice first, then the next best by extra
    cost to the whole plan; an unplaced one lists the providers of its lots that a rule
    excludes. Both as optimiser.shortlist gives them."""
    instance, plan = _week1()
    placed = plan.placements[0].reference
    expected = shortlist(instance, placed, plan, k=5)
    assert expected.alternatives[0].chosen
    page = _plan_week1(visit, "Week 1 for the shortlist")
    page.locator("#placements-table").get_by_role("link", name=placed, exact=True).click()
    expect(page.locator("h1")).to_have_text(f"Referral {placed}")
    expect(page.locator("#shortlist-sentence")).to_have_text(expected.sentence)
    rows = page.locator("#shortlist-providers tbody tr")
    expect(rows).to_have_count(len(expected.alternatives))
    expect(rows.first).to_contain_text("In the plan")
    name = next(p.name for p in instance.providers if p.id == expected.placed_with)
    assert expected.sentence.startswith(f"Placed with {name}, ")  # the name, as in the table
    expect(rows.first).to_contain_text(name)
    for row, alternative in zip(rows.all()[1:], expected.alternatives[1:], strict=True):
        extra = row.locator("td").nth(5).inner_text()
        assert alternative.extra_cost_gbp is not None
        assert _gbp(extra) == round(alternative.extra_cost_gbp)
    visit.check("placements-referral-shortlist")

    unplaced = plan.unplaced[0].reference
    expected = shortlist(instance, unplaced, plan, k=5)
    page.go_back()
    page.locator("#unplaced").locator("xpath=following-sibling::table[1]").get_by_role(
        "link", name=unplaced, exact=True
    ).click()
    expect(page.locator("#shortlist-sentence")).to_have_text(expected.sentence)
    excluded = page.locator("#shortlist-excluded tbody tr")
    expect(excluded).to_have_count(len(expected.excluded))
    if expected.excluded:
        first = expected.excluded[0]
        lot = next(x.name for x in instance.lots if x.id == first.lot)
        expect(excluded.first).to_contain_text(lot)
        expect(excluded.first).to_contain_text("; ".join(f.text for f in first.failures))


def test_replan_with_new_referrals_and_see_the_difference(visit: Visit) -> None:
    """Week 2's referrals re-planned with week 1's placements locked: the page counts the
    newly placed referrals and the change in cost as optimiser.replan and optimiser.diff do,
    and the compare page shows the same difference."""
    _, week1 = _week1()
    register = load_instance(WEEK2)
    assert isinstance(register, PlacementInstance)
    _, week2 = replan(register, week1)
    expected = diff(week1, week2)
    counts = Counter(c.change for c in expected.referrals)
    assert counts["newly_placed"] > 0
    page = _plan_week1(visit, "Week 1")
    page.get_by_role("link", name="Re-plan with new referrals").click()
    visit.check("placements-replan")
    page.get_by_label("Upload this week's referrals").set_input_files(str(WEEK2))
    expect(page.get_by_label("Keep them as they are (locked)")).to_be_checked()
    page.get_by_label("Scenario name").fill("Week 2")
    page.get_by_role("button", name="Re-plan").click()
    _wait_for_result(page)
    expect(page.locator("h1")).to_have_text("Week 2")
    for change in ("moved", "newly_placed", "newly_unplaced", "changed"):
        expect(page.locator(f'[data-count="{change}"]')).to_have_text(str(counts[change]))
    assert _gbp(page.locator("#diff-objective").inner_text()) == round(expected.objective_delta_gbp)
    expect(page.locator("#diff-providers tbody tr")).to_have_count(len(expected.providers))
    expect(page.locator("#diff-lots tbody tr")).to_have_count(len(expected.lots))
    lots = {x.id: x.name for x in register.lots}
    expect(page.locator("#diff-lots tbody tr").first).to_contain_text(lots[expected.lots[0].key])
    expect(page.locator("#diff-weeks tbody tr")).to_have_count(len(expected.weeks))
    expect(page.locator("#placements-table").get_by_text("Locked").first).to_be_visible()
    visit.check("placements-replan-result")

    page = visit.go("/scenarios")
    for label, name in (("First scenario", "Week 1"), ("Second scenario", "Week 2")):
        select = page.get_by_label(label)
        value = select.locator("option", has_text=re.compile(rf"^{name} \(")).first
        select.select_option(value=value.get_attribute("value"))
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#plan-diff")).to_be_visible()
    expect(page.locator('[data-count="newly_placed"]')).to_have_text(str(counts["newly_placed"]))
    expect(page.locator("#diff-referrals tbody tr")).to_have_count(len(expected.referrals))
    visit.check("compare-placements")


def test_replan_refuses_a_wrong_file_and_time_limit(visit: Visit, tmp_path: Path) -> None:
    """Every problem at once, in the GOV.UK error summary, each linking to its field."""
    page = _plan_week1(visit, "Week 1 for a wrong file")
    page.get_by_role("link", name="Re-plan with new referrals").click()
    page.get_by_label("Upload this week's referrals").set_input_files(
        str(ROOT / "instances/oxfordshire_2015_16.json")
    )
    page.get_by_text("Advanced: solver and time limit").click()
    page.get_by_label("Time limit in seconds (optional)").fill("100000")
    page.get_by_role("button", name="Re-plan").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="The file is not a placements plan")).to_have_attribute(
        "href", "#file"
    )
    limit = summary.get_by_role("link", name="Enter a time limit of 600 seconds or less")
    expect(limit).to_have_attribute("href", "#time-limit")
    limit.click()
    expect(page.locator("#time-limit")).to_be_focused()
    visit.check("placements-replan-errors")


def test_placement_solver_reports_in_the_result_workbook(visit: Visit, tmp_path: Path) -> None:
    """The county plan's workbook with the Answer and Limits reports: the Answer report's
    objective is the plan's total cost."""
    _, plan = _week1()
    assert plan.totals is not None
    page = _plan_week1(visit, "Week 1 with reports")
    page.get_by_text("Solver reports: Answer, Sensitivity and Limits").click()
    rows = answer_rows_without_sensitivity(page, tmp_path)
    objective = next(row for row in rows if row[0] == "Objective")
    assert any(
        isinstance(v, float) and round(v) == round(plan.totals.objective_gbp) for v in objective
    )
    visit.check("placements-reports")
