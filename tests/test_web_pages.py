"""The planner's pages through the app in-process (no browser): headers, sign-in, the CSRF
token, and cancelling a queued plan. The flows in a real browser are in tests/browser/."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from api.main import create_app
from api.settings import Settings
from api.store import Job
from api.web import runs, views_placements, views_staffing
from api.web.render import templates
from optimiser import (
    CATEGORY_LABEL,
    PlacementSolution,
    StaffingInstance,
    StaffingSolution,
    examples,
    load_instance,
    parse_instance,
    solve,
)
from tests.helpers import ROOT


def _token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.fixture
def local(tmp_path: Path) -> Iterator[TestClient]:
    """Local-only, with the runner off: a plan stays queued until it is cancelled."""
    settings = Settings(local_only=True, data_dir=tmp_path)
    with TestClient(create_app(settings, run_jobs=False)) as client:
        yield client


def test_every_page_says_self_only(local: TestClient) -> None:
    for path in ("/", "/staffing", "/placements", "/scenarios", "/docs", "/redoc"):
        response = local.get(path)
        assert response.status_code == 200, path
        csp = response.headers["content-security-policy"]
        assert csp.startswith("default-src 'self'"), path
        assert "http" not in csp, path
        assert not re.search(r'(src|href)="(https?:)?//', response.text), path


def test_a_queued_plan_can_be_cancelled(local: TestClient) -> None:
    token = _token(local.get("/placements").text)
    planned = local.post(
        "/placements/plan",
        data={"bundled": "dps_small", "name": "To cancel", "csrf_token": token},
        follow_redirects=False,
    )
    assert planned.status_code == 303
    job_page = local.get(planned.headers["location"])
    assert "Cancel this plan" in job_page.text
    job_id = planned.headers["location"].rsplit("/", 1)[1]
    assert local.get(f"/jobs/{job_id}/status").json()["status"] == "queued"
    cancelled = local.post(f"/jobs/{job_id}/cancel", data={"csrf_token": _token(job_page.text)})
    assert cancelled.status_code == 200
    assert "This run ended without a plan: cancelled by the caller." in cancelled.text
    assert local.get("/v1/jobs/" + job_id).json()["status"] == "cancelled"


def test_a_post_without_the_token_is_refused(local: TestClient) -> None:
    local.get("/placements")
    refused = local.post("/placements/plan", data={"bundled": "dps_small"})
    assert refused.status_code == 403
    assert local.get("/v1/jobs").json()["total"] == 0


def test_with_keys_every_page_asks_to_sign_in(tmp_path: Path) -> None:
    settings = Settings(api_keys=frozenset({"page-key"}), data_dir=tmp_path)
    with TestClient(create_app(settings, run_jobs=False)) as client:
        for path in ("/", "/staffing", "/scenarios", "/scenarios/abc", "/templates/staffing.xlsx"):
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 303, path
            assert response.headers["location"] == "/sign-in"
        token = _token(client.get("/sign-in").text)
        client.post("/sign-in", data={"api_key": "page-key", "csrf_token": token})
        assert client.get("/staffing", follow_redirects=False).status_code == 200
        cookie = client.cookies.get("optimiser_session")
        assert cookie is not None
        assert "page-key" not in cookie


def test_a_large_plan_is_shown_in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past a size, the unplaced table shows its first rows (and offers all), the map an even
    sample of the pupils, the heat map the fullest providers (limits lowered here so that the
    county term, 600 referrals with 58 unplaced, crosses each)."""
    monkeypatch.setattr(views_placements, "UNPLACED_ROWS", 20)
    monkeypatch.setattr(views_placements, "MAP_PUPILS", 300)
    monkeypatch.setattr(views_placements, "HEAT_ROWS", 10)
    instance = load_instance(ROOT / "instances/county_600x80.json")
    solution = solve(instance)
    assert isinstance(solution, PlacementSolution)
    assert len(solution.unplaced) == 58
    scenario = runs.Scenario(_job("placements", 600), "county", None, instance, solution)
    context = views_placements.result_context(_request(""), scenario)
    assert len(context["unplaced_rows"]) == 20
    everything = views_placements.result_context(_request("unplaced=all"), scenario)
    assert len(everything["unplaced_rows"]) == 58
    map_svg = str(context["map_svg"])
    pupils = map_svg.count("<circle") + map_svg.count("<path")
    assert 150 <= pupils <= 300  # 600 pupils, every second one
    heat = str(context["utilisation_svg"])
    assert len(set(re.findall(r'text-anchor="end"[^>]*>([^<]+)<', heat))) == 10


def _request(query: str) -> Request:
    path = "/scenarios/j"
    return Request({"type": "http", "path": path, "query_string": query.encode(), "headers": []})


def _job(kind: str, size: int) -> Job:
    """A finished job, as the store gives one back."""
    return Job("j", "local", kind, "optimal", size, 0.0, 0.0, 1.0, 60.0, None, None, None, None, 1)


@pytest.mark.parametrize("kind", ["staffing", "placements"])
def test_the_blank_workbook_reads_back_as_its_example(
    local: TestClient, kind: str, tmp_path: Path
) -> None:
    """The downloadable template is the command line's (`optimiser template`): it reads back
    as the bundled example, so an officer who fills it in has a plan the engine accepts."""
    response = local.get(f"/templates/{kind}.xlsx")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{kind}-template.xlsx"'
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    example = examples.STAFFING if kind == "staffing" else examples.PLACEMENTS
    assert load_instance(path) == parse_instance(example)


def _staffing_page(name: str) -> tuple[StaffingInstance, StaffingSolution, str]:
    """A bundled staffing instance planned, and its result page as the planner renders it."""
    instance = load_instance(ROOT / f"instances/{name}.json")
    assert isinstance(instance, StaffingInstance)
    solution = solve(instance)
    assert isinstance(solution, StaffingSolution)
    scenario = runs.Scenario(_job("staffing", 1), name, None, instance, solution)
    request = _request("")
    context = views_staffing.result_context(request, "local", scenario)
    page = templates.get_template("staffing_result.html").render(
        request=request, csrf_token="t", sign_in_on=False, signed_in=False, errors=[],
        title=name, scenario=scenario, **context,
    )  # fmt: skip
    return instance, solution, html.unescape(page)


def _folded(page: str, marker: str) -> bool:
    """Whether `marker` lies inside a details component (which must be closed)."""
    before = page[: page.index(marker)]
    tags = re.findall(r"<details\b[^>]*>", before)
    if len(tags) == before.count("</details>"):
        return False
    assert " open" not in tags[-1], tags[-1]
    return True


def _closed(page: str, ident: str) -> str:
    """What the closed details component `ident` holds (it must be there, and closed)."""
    tag = f'<details class="govuk-details" id="{ident}">'
    assert tag in page, ident
    inside = page[page.index(tag) :]
    return inside[: inside.index("</details>")]


def test_a_plan_over_years_opens_on_its_table_and_chart_with_each_year_folded() -> None:
    """Oxfordshire 2015-18: the year-by-year table and the chart of each year's shares against
    its bands are open (a group of bars a year, a bar a category at the engine's share, said
    in words in the chart's description); each year's binding rules and deployment are folded
    in closed details components, the rules' summary counting them."""
    instance, solution, page = _staffing_page("oxfordshire_2015_18")
    names = {f.id: f.name for f in instance.functions}
    assert len(solution.years) == 3
    assert not _folded(page, 'id="year-table"')
    assert not _folded(page, 'id="year-shares-chart"')
    chart = page[page.index('id="year-shares-chart"') : page.index("</svg>")]
    assert "Category shares against each year's bands" in chart
    assert "style=" not in chart  # the Content-Security-Policy forbids inline styles
    assert chart.count("<g data-year=") == 3
    for y in solution.years:
        group = chart[chart.index(f'<g data-year="{y.year}">') :]
        group = group[: group.index("</g>")]
        shares = re.findall(r'data-share="([\d.]+)"', group)
        assert shares == [f"{c.share:.4f}" for c in y.categories]
        for c in y.categories:
            band = f"{(c.min_share or 0):.0%} to {c.max_share:.0%}"
            assert f"{CATEGORY_LABEL[c.category]} {c.share:.1%} against a band of {band}" in chart
        rules = _closed(page, f"rules-{y.year}")
        priced = sum(1 for b in y.binding_rules if b.shadow_price_gbp) or "none"
        counted = f"({len(y.binding_rules)} binding, {priced} with a price)"
        assert f"The rules that hold {y.year}'s plan where it is {counted}" in rules
        assert f'data-rules="unpriced-{y.year}"' in rules
        deployment = _closed(page, f"deployment-{y.year}")
        for f in y.functions:
            row = deployment[deployment.index(f">{names[f.function]}<") :]
            assert f">{f.specialist_fte:,.2f}<" in row[: row.index("</tr>")]
    assert 'id="categories"' not in page  # the one-year chart and table are not shown


def test_a_plan_of_one_year_keeps_its_chart_and_functions_open() -> None:
    _, solution, page = _staffing_page("oxfordshire_2015_16")
    assert 'id="year-shares-chart"' not in page
    assert not _folded(page, 'id="categories"')
    for c in solution.categories:
        label = CATEGORY_LABEL[c.category]
        caption = f'<caption class="govuk-table__caption govuk-table__caption--s">{label}</caption>'
        assert not _folded(page, caption)


def test_the_print_stylesheet_opens_folded_sections(local: TestClient) -> None:
    """Served from the app itself (no other host): under print media, a closed GOV.UK
    details' content is shown (the browser tests print a plan over years with it)."""
    css = local.get("/static/app.css")
    assert css.status_code == 200
    printed = css.text.split("@media print {", 1)[1]
    assert "details::details-content { content-visibility: visible; display: block; }" in printed
    page = local.get("/staffing").text
    assert '<link rel="stylesheet" href="/static/app.css">' in page
