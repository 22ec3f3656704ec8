"""The planner in a real browser, as its people use it: a deputy director plans Oxfordshire's
staffing mix, relaxes a rule, meets an infeasible cap; a commissioning officer plans the county
term and reads why a referral is unplaced; scenarios are compared; the API page works offline.
Each figure on a page is checked against the engine run here, in the test's own process."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from api.local import ROOT
from optimiser import (
    PlacementInstance,
    PlacementSolution,
    SolveOptions,
    StaffingSolution,
    load_instance,
    solve,
    write_instance_workbook,
)
from tests.browser.conftest import Visit

PLAN_SECONDS = 120_000  # ms: a generous ceiling for a job to finish on a busy 2-core machine


def _gbp(text: str) -> float:
    return float(text.replace("£", "").replace(",", "").replace("−", "-").strip())


def _wait_for_result(page: Page) -> None:
    page.wait_for_url(re.compile(r"/scenarios/[0-9a-f]{32}$"), timeout=PLAN_SECONDS)


def _plan_oxfordshire(visit: Visit, name: str) -> Page:
    page = visit.go("/staffing")
    page.get_by_role("link", name="Oxfordshire 2015 16").click()
    page.get_by_label("Scenario name").fill(name)
    page.get_by_role("button", name="Plan").click()
    _wait_for_result(page)
    return page


def test_plan_oxfordshire_and_read_shares_and_net_cost(visit: Visit, tmp_path: Path) -> None:
    """The page shows the engine's net cost (£1,169,442, as the README's sweep says for the
    2015-16 figures) and each category's share."""
    expected = solve(load_instance(ROOT / "instances/oxfordshire_2015_16.json"), SolveOptions())
    assert isinstance(expected, StaffingSolution)
    page = visit.go("/")
    visit.check("home")
    page = visit.go("/staffing")
    visit.check("staffing-start")
    page.get_by_role("link", name="Oxfordshire 2015 16").click()
    visit.check("staffing-levers")
    page.get_by_role("button", name="Plan").click()
    _wait_for_result(page)
    expect(page.locator("h1")).to_have_text("oxfordshire_2015_16")
    assert _gbp(page.locator("#net-cost").inner_text()) == 1_169_442
    assert expected.net_cost_gbp is not None
    assert round(expected.net_cost_gbp) == 1_169_442
    for c in expected.categories:
        shown = page.locator(f'[data-share="{c.category.value}"]').inner_text()
        assert shown == f"{c.share * 100:.1f}%"
    expect(page.get_by_role("img", name="Category shares against their bands")).to_be_visible()
    expect(page.get_by_text("Schools causing concern").first).to_be_visible()  # names, not ids
    visit.check("staffing-result")
    page.emulate_media(media="print")  # A4 landscape: no navigation, buttons or actions
    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.locator(".app-actions")).to_be_hidden()
    expect(page.get_by_role("img", name="Category shares against their bands")).to_be_visible()
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the result workbook").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    summary = load_workbook(saved)["Summary"]
    figures = {row[0]: row[1] for row in summary.iter_rows(values_only=True)}
    assert figures["Council net cost (£ a year)"] == pytest.approx(expected.net_cost_gbp)


def test_relax_a_binding_rule_and_see_the_change(visit: Visit) -> None:
    """Relaxing the Core Offer Plus floor by one point re-plans; the change in net cost is the
    rule's shadow price (an LP dual, set against a re-solve: two independent routes)."""
    page = _plan_oxfordshire(visit, "Oxfordshire before relaxing")
    row = page.locator("tr", has_text="Core Offer Plus floor")
    price = _gbp(row.locator("td").nth(1).inner_text())
    assert price < 0
    row.get_by_role("button", name=re.compile("Relax by one step")).click()
    _wait_for_result(page)
    expect(page.locator("#changes")).to_contain_text("Core Offer Plus: 35.0% to 34.0%")
    change = _gbp(page.locator("#net-change").inner_text())
    assert abs(change - price) <= 1.0  # both rounded to the pound on the page
    visit.check("staffing-relaxed")


def test_an_infeasible_cap_opens_on_its_diagnosis(visit: Visit) -> None:
    page = visit.go("/staffing/levers?bundled=oxfordshire_2015_16")
    page.get_by_label("Scenario name").fill("Cap of one million")
    page.get_by_label("Council's net contribution: cap").fill("1,000,000")
    page.get_by_role("button", name="Plan").click()
    _wait_for_result(page)
    expect(page.locator(".govuk-tag").first).to_have_text("Infeasible")
    expect(page.locator("#diagnosis")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("council's net contribution")
    visit.check("staffing-infeasible")


def test_a_share_typed_as_a_percentage_is_explained(visit: Visit) -> None:
    page = visit.go("/staffing/levers?bundled=oxfordshire_2015_16")
    page.get_by_label("Core Offer: lowest share").fill("35")
    page.get_by_label("School improvement advisers (FTE available)").fill("many")
    page.get_by_role("button", name="Plan").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    link = summary.get_by_role("link", name="Enter the share as a fraction, for example 0.35")
    expect(link).to_have_attribute("href", "#band-core-min")
    expect(summary).to_contain_text("School improvement advisers must be a number")
    link.click()
    expect(page.locator("#band-core-min")).to_be_focused()
    assert page.title().startswith("Error: ")
    visit.check("staffing-levers-errors")


def test_upload_a_workbook(visit: Visit, tmp_path: Path) -> None:
    """A workbook written by the engine (as `optimiser export` writes it) is planned; a
    workbook with a bad cell is refused with its sheet, row and column."""
    folder = tmp_path
    good = folder / "staffing.xlsx"
    write_instance_workbook(load_instance(ROOT / "instances/staffing_small.json"), good)
    expected = solve(load_instance(good), SolveOptions())
    assert isinstance(expected, StaffingSolution)
    assert expected.net_cost_gbp is not None
    page = visit.go("/staffing")
    page.get_by_label("Upload a workbook or JSON file").set_input_files(str(good))
    page.get_by_label("Scenario name for the uploaded file (optional)").fill("Uploaded workbook")
    page.get_by_role("button", name="Upload and plan").click()
    _wait_for_result(page)
    assert _gbp(page.locator("#net-cost").inner_text()) == round(expected.net_cost_gbp)

    bad = folder / "bad.xlsx"
    book = load_workbook(good)
    sheet = book["staff_groups"]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=header.index("fte_available") + 1, value="lots")
    book.save(bad)
    page = visit.go("/staffing")
    page.get_by_label("Upload a workbook or JSON file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and plan").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("staff_groups")
    expect(summary).to_contain_text("row 2")
    visit.check("staffing-upload-errors")


def test_plan_the_county_and_open_an_unplaced_referrals_reasons(visit: Visit) -> None:
    instance = load_instance(ROOT / "instances/county_600x80.json")
    assert isinstance(instance, PlacementInstance)
    expected = solve(instance, SolveOptions())
    assert isinstance(expected, PlacementSolution)
    assert expected.totals is not None
    assert expected.unplaced, "the county instance leaves some referrals unplaced"
    page = visit.go("/placements")
    visit.check("placements-start")
    page.get_by_label("County 600x80").check()
    page.get_by_role("button", name="Plan", exact=True).click()
    _wait_for_result(page)
    t = expected.totals
    expect(page.locator("#placed")).to_have_text(f"{t.placed} of {t.referrals}")
    expect(page.locator("#unplaced-count")).to_have_text(str(t.unplaced))
    expect(page.get_by_role("img", name="Places in use by week")).to_be_visible()
    expect(page.get_by_role("img", name="The plan on the map")).to_be_visible()
    visit.check("placements-result")

    first = expected.unplaced[0]
    page.locator("#unplaced").locator("xpath=following-sibling::table[1]").get_by_role(
        "link", name=first.reference, exact=True
    ).click()
    expect(page.locator("h1")).to_have_text(f"Referral {first.reference}")
    expect(page.locator("#explanation")).to_have_text(first.record or first.explanation)
    if first.near_misses:
        expect(page.locator("#near-misses tbody tr")).to_have_count(len(first.near_misses))
    if first.excluded:  # the nearest providers of any lot, with the rules in words
        page.get_by_text(
            "The nearest providers of any lot, and the rules that exclude each"
        ).click()
        rows = page.locator("#exclusions tbody tr")
        expect(rows).to_have_count(len(first.excluded))
        nearest = first.excluded[0]
        name = next(p.name for p in instance.providers if p.id == nearest.provider)
        expect(rows.first).to_contain_text(name)
        expect(rows.first).to_contain_text("; ".join(nearest.rules))
    visit.check("placements-referral")

    page.go_back()
    lot = instance.lots[0]
    page.get_by_label("Lot").select_option(lot.id)
    page.get_by_label("Sort by").select_option("cost")
    page.get_by_role("button", name="Show placements").click()
    in_lot = [p for p in expected.placements if p.lot == lot.id]
    expect(page.locator("#placements-table tbody tr")).to_have_count(min(len(in_lot), 100))
    visit.check("placements-filtered")


def test_compare_two_scenarios(visit: Visit) -> None:
    _plan_oxfordshire(visit, "Compare: as planned")
    page = visit.go("/staffing/levers?bundled=oxfordshire_2015_16")
    page.get_by_label("Scenario name").fill("Compare: grant falls")
    page.get_by_label("Grant income: looked after children").fill("399000")
    page.get_by_role("button", name="Plan").click()
    _wait_for_result(page)
    page = visit.go("/scenarios")
    visit.check("scenarios")
    for label, name in (
        ("First scenario", "Compare: as planned"),
        ("Second scenario", "Compare: grant falls"),
    ):
        select = page.get_by_label(label)
        value = select.locator("option", has_text=name).first.get_attribute("value")
        select.select_option(value=value)
    page.get_by_role("button", name="Compare").click()
    row = page.locator("tr", has_text="Council net cost")
    # the README's sweep: £1,169,442 with the grant at £665,000, £1,264,735 at £399,000
    expect(row).to_contain_text("£1,169,442")
    expect(row).to_contain_text("£1,264,735")
    expect(row).to_contain_text("+£95,293")
    visit.check("compare")


def test_docs_render_with_the_network_blocked(visit: Visit) -> None:
    """Every non-local request is aborted by the fixture; Swagger UI still renders the API."""
    page = visit.go("/docs")
    expect(page.locator(".opblock").first).to_be_visible(timeout=20_000)
    expect(page.get_by_text("/v1/jobs").first).to_be_visible()
    page = visit.go("/redoc")
    expect(page.get_by_text("/v1/jobs").first).to_be_attached(timeout=20_000)


def test_keyboard_reaches_the_content_first(visit: Visit) -> None:
    page = visit.go("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
