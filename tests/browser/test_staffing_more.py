"""The staffing workspace's later parts in a real browser: a plan over years read year by
year, the Advanced section (solver and time limit, with its errors), and the solver reports
in the result workbook. Figures are set against the engine run in the test's own process."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from api.local import ROOT
from optimiser import (
    SolveOptions,
    StaffingInstance,
    StaffingSolution,
    load_instance,
    parse_instance,
    relax,
    solve,
)
from tests.browser.conftest import Visit
from tests.browser.reports import answer_rows_without_sensitivity

PLAN_MS = 120_000
YEARS = ROOT / "instances/oxfordshire_2015_18.json"
YEAR_IDS = ["2015-16", "2016-17", "2017-18"]


def _gbp(text: str) -> float:
    return float(text.replace("£", "").replace(",", "").replace("−", "-").strip())


def _wait_for_result(page: Page) -> None:
    page.wait_for_url(re.compile(r"/scenarios/[0-9a-f]{32}$"), timeout=PLAN_MS)


def test_a_plan_over_years_year_by_year(visit: Visit) -> None:
    """Oxfordshire 2015-18: each year's establishment (FTE kept, summed over the groups),
    hires, releases, shares against that year's bands and the council's net, and each
    year's binding rules, as the engine's YearResult gives them; the chart of each year's
    shares open, each year's rules and deployment folded; then one year's rules opened and a
    rule relaxed by a step, each year's change in net cost as a re-solve of the relaxed
    instance gives."""
    instance = load_instance(YEARS)
    assert isinstance(instance, StaffingInstance)
    expected = solve(instance, SolveOptions())
    assert isinstance(expected, StaffingSolution)
    assert len(expected.years) == 3
    page = visit.go("/staffing")
    page.get_by_label("Upload a workbook or JSON file").set_input_files(str(YEARS))
    page.get_by_label("Scenario name for the uploaded file (optional)").fill("Three years")
    page.get_by_role("button", name="Upload and plan").click()
    _wait_for_result(page)
    assert expected.net_cost_gbp is not None
    assert _gbp(page.locator("#net-cost").inner_text()) == round(expected.net_cost_gbp)
    _read_the_year_table(page, expected)
    esg = page.locator("#funding tr", has_text="Education Services Grant: general element")
    for cell, y in zip(esg.locator("td").all(), expected.years, strict=True):
        use = next(s for s in y.sources if s.source == "esg_general")  # falls with the pupils
        assert cell.inner_text() == f"£{use.available_gbp:,.0f} (£{use.used_gbp:,.0f})"
    _read_the_chart_and_the_folded_years(page, instance, expected)
    visit.check("staffing-years-result")

    # relax the traded ceiling of 2015-16 alone: each year's net as the engine re-plans it
    rule = next(b for b in expected.binding_rules if b.rule == "band_max_traded_2015_16")
    relaxed = relax(instance, rule)
    assert relaxed is not None
    after = solve(relaxed.instance, SolveOptions())
    assert isinstance(after, StaffingSolution)
    row = page.locator('[data-rules="unpriced-2015-16"] tr', has_text=rule.sentence)
    button = row.get_by_role("button", name=re.compile("Relax by one step"))
    expect(button).to_be_hidden()  # folded with 2015-16's rules
    page.locator("#rules-2015-16 summary").click()
    expect(page.locator("#rules-2015-16")).to_have_attribute("open", "")
    visit.check("staffing-years-rules-open")
    button.click()
    _wait_for_result(page)
    for before_year, after_year in zip(expected.years, after.years, strict=True):
        item = page.locator(f'#year-changes li[data-year="{after_year.year}"]')
        change = _gbp(item.locator("[data-change]").inner_text())
        assert change == round(after_year.net_cost_gbp - before_year.net_cost_gbp)
    visit.check("staffing-years-relaxed")


def _read_the_year_table(page: Page, expected: StaffingSolution) -> None:
    """Each year's row as the engine's YearResult gives it, and its rules' tables."""
    for y in expected.years:
        row = page.locator(f'#year-table tr[data-year="{y.year}"]')
        kept = sum(g.retained_fte for g in y.groups)
        expect(row.locator('[data-field="establishment"]')).to_have_text(f"{kept:,.2f}")
        hired = sum(g.hired_fte for g in y.groups)
        expect(row.locator('[data-field="hired"]')).to_have_text(f"{hired:,.2f}")
        released = sum(g.released_fte for g in y.groups)
        expect(row.locator('[data-field="released"]')).to_have_text(f"{released:,.2f}")
        assert _gbp(row.locator('[data-field="net"]').inner_text()) == round(y.net_cost_gbp)
        for c in y.categories:
            share = row.locator(f'[data-share="{c.category.value}"] [data-value]')
            expect(share).to_have_text(f"{c.share * 100:.1f}%")
        priced = [b for b in y.binding_rules if b.shadow_price_gbp]
        rules = page.locator(f'[data-rules="priced-{y.year}"] tbody tr')
        expect(rules).to_have_count(len(priced))
        unpriced = [b for b in y.binding_rules if b.shadow_price_gbp is None]  # whole posts
        rules = page.locator(f'[data-rules="unpriced-{y.year}"] tbody tr')
        expect(rules).to_have_count(len(unpriced))


def _read_the_chart_and_the_folded_years(
    page: Page, instance: StaffingInstance, expected: StaffingSolution
) -> None:
    """The chart of each year's shares is open, a group of bars a year at the engine's shares;
    each year's rules and deployment are folded; a year's deployment opens on its functions."""
    chart = page.get_by_role("img", name="Category shares against each year's bands")
    expect(chart).to_be_visible()
    expect(chart.locator("g[data-year]")).to_have_count(len(expected.years))
    for y in expected.years:
        bars = chart.locator(f'g[data-year="{y.year}"] rect[data-share]')
        shares = [float(b.get_attribute("data-share") or "nan") for b in bars.all()]
        assert shares == [round(c.share, 4) for c in y.categories]
        for folded in (f"#rules-{y.year}", f"#deployment-{y.year}"):
            expect(page.locator(folded)).not_to_have_attribute("open", "")
            expect(page.locator(f"{folded} table").first).to_be_hidden()
    last = expected.years[-1]
    page.locator(f"#deployment-{last.year} summary").click()
    names = {f.id: f.name for f in instance.functions}
    for f in last.functions:
        row = page.locator(f"#deployment-{last.year} tr", has_text=names[f.function]).first
        expect(row).to_be_visible()
        expect(row.locator("td").first).to_have_text(f"{f.specialist_fte:,.2f}")
    page.locator(f"#deployment-{last.year} summary").click()  # folded again


def test_advanced_solver_and_time_limit(visit: Visit) -> None:
    """Wrong entries are listed together in the error summary with the section open; then
    CBC within 60 seconds plans Oxfordshire to the same net cost as HiGHS."""
    page = visit.go("/staffing/levers?bundled=oxfordshire_2015_16")
    page.get_by_text("Advanced: solver and time limit").click()
    page.get_by_label("Time limit in seconds (optional)").fill("ten")
    page.get_by_role("button", name="Plan").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    link = summary.get_by_role("link", name="Enter the time limit in seconds, for example 60")
    expect(link).to_have_attribute("href", "#time-limit")
    link.click()
    expect(page.locator("#time-limit")).to_be_focused()
    visit.check("staffing-advanced-errors")
    page.get_by_label("Time limit in seconds (optional)").fill("0")
    page.get_by_role("button", name="Plan").click()
    expect(summary).to_contain_text("Enter a time limit of more than 0 seconds")

    page.get_by_label("Scenario name").first.fill("Oxfordshire by CBC")
    page.get_by_label("Solver", exact=True).select_option("cbc")
    page.get_by_label("Time limit in seconds (optional)").fill("60")
    page.get_by_role("button", name="Plan").click()
    _wait_for_result(page)
    expected = solve(load_instance(ROOT / "instances/oxfordshire_2015_16.json"), SolveOptions())
    assert isinstance(expected, StaffingSolution)
    assert expected.net_cost_gbp is not None
    assert _gbp(page.locator("#net-cost").inner_text()) == round(expected.net_cost_gbp)
    expect(page.get_by_text(re.compile(r"^cbc CBC"))).to_be_visible()


def test_solver_reports_in_the_result_workbook(visit: Visit, tmp_path: Path) -> None:
    """Planned with the reports, the workbook has the Answer, Sensitivity and Limits sheets
    asked for; the Answer report's objective is the plan's net cost."""
    page = visit.go("/staffing/levers?bundled=oxfordshire_2015_16")
    page.get_by_label("Scenario name").first.fill("Oxfordshire with reports")
    page.get_by_text("Advanced: solver and time limit").click()
    page.get_by_label("Prepare the Answer, Sensitivity and Limits reports").check()
    page.get_by_role("button", name="Plan").click()
    _wait_for_result(page)
    net = _gbp(page.locator("#net-cost").inner_text())
    answer = {row[0]: row[3] for row in answer_rows_without_sensitivity(page, tmp_path)}
    objective = answer["Objective"]
    assert isinstance(objective, float)
    assert round(objective) == net
    visit.check("staffing-reports")


def test_a_years_cap_changed_on_the_levers_form(visit: Visit) -> None:
    """Oxfordshire 2015-18 with no social inclusion money in 2016-17 (its net then lies
    within the £466,000 cap), then 2016-17's cap lowered to £280,000 on the form (blank
    first: the error names the year and the figure): each year's net change on the result
    page is the engine's, for the instance changed by hand, not through the form."""
    data = load_instance(YEARS).model_dump(mode="json")
    social = "dsg_social_inclusion"  # none in 2016-17 alone: 2017-18 has its £476,000 again
    data["years"][1]["funding"] = [{"id": social, "amount_gbp": 0}]
    data["years"][2]["funding"] = [{"id": social, "amount_gbp": 476000}]
    before = solve(parse_instance(data), SolveOptions())
    data["years"][1]["cap_gbp"], data["years"][2]["cap_gbp"] = 280000, 466000
    after = solve(parse_instance(data), SolveOptions())
    assert isinstance(before, StaffingSolution)
    assert isinstance(after, StaffingSolution)
    page = visit.go("/staffing/levers?bundled=oxfordshire_2015_18")
    table = page.locator('[data-levers="cap"]')
    expect(table.get_by_role("columnheader")).to_have_text(["Figure", *YEAR_IDS])
    page.get_by_label("2016-17: DSG high needs: social inclusion (£)").fill("0")
    visit.check("staffing-years-levers")
    page.get_by_role("button", name="Plan").click()
    _wait_for_result(page)

    page.get_by_role("link", name="Change the levers and plan again").click()
    cap = page.get_by_label("2016-17: council cap (£)")
    expect(cap).to_have_value("466000")
    cap.fill("")
    page.get_by_role("button", name="Plan").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    words = (
        "2016-17: council cap: a year after a year with a cap needs its own; enter a number "
        "of pounds, for example 466000"
    )
    summary.get_by_role("link", name=words).click()
    expect(cap).to_be_focused()
    visit.check("staffing-years-levers-error")
    cap.fill("£280,000")
    page.get_by_role("button", name="Plan").click()
    _wait_for_result(page)
    row = page.locator('#year-table tr[data-year="2016-17"]')
    expect(row.locator("td").nth(-2)).to_have_text("£280,000")
    pairs = zip(before.years, after.years, strict=True)
    changed = {y.year: y.net_cost_gbp - b.net_cost_gbp for b, y in pairs}
    assert round(changed["2016-17"]) != 0  # the lower cap binds
    for year, change in changed.items():
        item = page.locator(f'#year-changes li[data-year="{year}"] [data-change]')
        assert _gbp(item.inner_text()) == round(change)


def test_a_plan_over_years_prints_its_folded_sections_open(visit: Visit) -> None:
    """Printed, each year's folded rules and deployment show their tables; on screen they
    stay folded."""
    page = visit.go("/staffing/levers?bundled=oxfordshire_2015_18")
    page.get_by_role("button", name="Plan").click()
    _wait_for_result(page)
    folded = page.locator("#deployment-2016-17 table").first
    expect(folded).to_be_hidden()
    page.emulate_media(media="print")
    for year in YEAR_IDS:
        expect(page.locator(f"#deployment-{year} table").first).to_be_visible()
        expect(page.locator(f"#rules-{year} table").first).to_be_visible()
    visit.check("staffing-years-printed")
    page.emulate_media(media="screen")
    expect(folded).to_be_hidden()
