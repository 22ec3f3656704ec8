"""The staffing levers form: what a person types, read back into an instance, and every
problem at once at the field it concerns (the engine's checks decide what is valid)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from api.web import charts, levers
from optimiser import (
    CATEGORY_LABEL,
    StaffingInstance,
    StaffingSolution,
    load_instance,
    parse_instance,
    solve,
)
from optimiser.staffing.horizon import year_views
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def oxfordshire() -> StaffingInstance:
    instance = load_instance(ROOT / "instances/oxfordshire_2015_16.json")
    assert isinstance(instance, StaffingInstance)
    return instance


def _form(instance: StaffingInstance, typed: dict[str, str] | None = None) -> dict[str, str]:
    form = {lv.field: lv.value for g in levers.levers(instance) for lv in g.levers}
    form.update(typed or {})
    return form


def test_the_form_as_shown_gives_back_the_same_instance(oxfordshire: StaffingInstance) -> None:
    changed, _, errors = levers.apply(oxfordshire, _form(oxfordshire))
    assert errors == []
    assert changed == oxfordshire


def test_typed_figures_reach_the_instance(oxfordshire: StaffingInstance) -> None:
    form = _form(
        oxfordshire,
        {"council-cap": "", "fund-grant_lac": "£399,000", "band-traded-max": "0.35"},
    )
    changed, _, errors = levers.apply(oxfordshire, form)
    assert errors == []
    assert changed is not None
    assert changed.council_budget_cap_gbp is None
    assert next(k for k in changed.funding_sources if k.id == "grant_lac").amount_gbp == 399000
    assert next(b for b in changed.bands if b.category.value == "traded").max_share == 0.35


def test_every_problem_at_once_in_words_a_person_acts_on(oxfordshire: StaffingInstance) -> None:
    form = _form(oxfordshire, {"band-core-min": "35", "staff-sia": "many", "fund-grant_lac": "-5"})
    changed, _, errors = levers.apply(oxfordshire, form)
    assert changed is None
    assert [(e.field, e.text) for e in errors] == [
        ("band-core-min", "Enter the share as a fraction, for example 0.35"),
        ("fund-grant_lac", "Grant income: looked after children must be 0 or more"),
        ("staff-sia", "School improvement advisers must be a number"),
    ]


def test_an_engine_problem_is_shown_at_its_field(oxfordshire: StaffingInstance) -> None:
    """A floor above its ceiling passes the form's reading but not the engine's check; the
    engine's message is shown at the band's first field."""
    changed, _, errors = levers.apply(oxfordshire, _form(oxfordshire, {"band-core-min": "0.5"}))
    assert changed is None
    assert len(errors) == 1
    assert errors[0].field == "band-core-min"
    assert "min_share exceeds max_share" in errors[0].text


def test_the_shares_chart_speaks_and_needs_no_inline_style(oxfordshire: StaffingInstance) -> None:
    solution = solve(oxfordshire)
    assert isinstance(solution, StaffingSolution)
    svg = str(charts.shares(solution.categories, CATEGORY_LABEL))
    assert 'role="img"' in svg
    assert "style=" not in svg
    assert "Core Offer Plus 35.0% against a band of 35% to 40%" in svg


# A plan over years: each year's cap, funding amounts, drivers (and bands where the instance
# sets them by year), a row a figure and a column a year.

YEARS = ("2015-16", "2016-17", "2017-18")


@pytest.fixture(scope="module")
def three_years() -> StaffingInstance:
    instance = load_instance(ROOT / "instances/oxfordshire_2015_18.json")
    assert isinstance(instance, StaffingInstance)
    return instance


def _held(instance: StaffingInstance) -> list[StaffingInstance]:
    """Each year's figures as the engine plans them (every change carried forward)."""
    return [view.instance for view in year_views(instance)]


def test_a_one_year_form_has_no_figures_by_year(oxfordshire: StaffingInstance) -> None:
    groups = levers.levers(oxfordshire)
    assert [g.heading for g in groups] == [
        "Category bands",
        "The council's cap",
        "Funding",
        "Staff available",
        "Traded take-up and prices",
    ]
    assert all(not g.years and not lv.year for g in groups for lv in g.levers)


def test_a_plan_over_years_shows_each_years_figures(three_years: StaffingInstance) -> None:
    """The cap, the funding paid the same way each year and the drivers get a row a figure
    and a column a year, each input labelled with its year; the one-year cap goes, and a
    grant per pupil keeps its fixed amount among the one-year levers."""
    groups = {g.heading: g for g in levers.levers(three_years)}
    assert list(groups) == [
        "The council's cap each year",
        "Funding each year",
        "Drivers each year",
        "Traded take-up and prices each year",
        "Category bands",  # Oxfordshire's bands are the same every year
        "Funding",
        "Staff available",
        "Traded take-up and prices",
    ]
    cap = groups["The council's cap each year"]
    assert cap.years == YEARS
    assert cap.rows == [("Council cap (£)", cap.levers)]
    assert [(lv.field, lv.label, lv.value) for lv in cap.levers] == [
        ("cap-2015-16", "2015-16: council cap (£)", "466000"),
        ("cap-2016-17", "2016-17: council cap (£)", "466000"),
        ("cap-2017-18", "2017-18: council cap (£)", "466000"),
    ]
    funding = groups["Funding each year"]
    assert len(funding.rows) == 8  # the ten sources less the two Education Services Grants
    label, cells = funding.rows[0]
    assert label == "Grant income: looked after children (£)"
    assert [c.label for c in cells] == [
        f"{y}: Grant income: looked after children (£)" for y in YEARS
    ]
    pupils = groups["Drivers each year"].rows[0]
    assert pupils[0] == "Maintained pupils, for Education Services Grant: general element"
    assert [c.value for c in pupils[1]] == ["44095", "37048", "30000"]  # academies convert
    assert [lv.field for lv in groups["Funding"].levers] == [
        "fund-esg_general",
        "fund-esg_retained",
    ]


def test_the_years_form_as_shown_gives_back_the_same_instance(
    three_years: StaffingInstance,
) -> None:
    changed, _, errors = levers.apply(three_years, _form(three_years))
    assert errors == []
    assert changed == three_years


def test_one_years_figures_change_that_year_alone(three_years: StaffingInstance) -> None:
    """2016-17's cap and 2017-18's grant and pupils: the other years hold as they were (the
    cap of 2017-18 is written, since 2016-17's new cap would otherwise carry into it)."""
    form = _form(
        three_years,
        {
            "cap-2016-17": "£400,000",
            "fund-grant_lac-2017-18": "600000",
            "driver-maintained_pupils-2017-18": "25,000",
        },
    )
    changed, _, errors = levers.apply(three_years, form)
    assert errors == []
    assert changed is not None
    held = _held(changed)
    assert [y.council_budget_cap_gbp for y in held] == [466000, 400000, 466000]
    grant = [next(k for k in y.funding_sources if k.id == "grant_lac") for y in held]
    assert [k.amount_gbp for k in grant] == [665000, 665000, 600000]
    esg = [next(k for k in y.funding_sources if k.id == "esg_general") for y in held]
    # (214,000 + £87 a maintained pupil) x the service's quarter share
    assert [k.amount_gbp for k in esg] == [
        (214000 + 87 * pupils) * 0.25 for pupils in (44095, 37048, 25000)
    ]
    before = _held(three_years)
    assert [y.bands for y in held] == [y.bands for y in before]


def test_traded_figures_by_year_where_the_instance_sets_them(
    three_years: StaffingInstance,
) -> None:
    """Leadership training's take-up (set by year) gets a column a year in place of its
    one-year lever; the traded figures the plan does not set by year keep theirs, with a hint
    that each holds in every year. A change to 2015-16 alone leaves 2016-17 and 2017-18."""
    groups = {g.heading: g for g in levers.levers(three_years)}
    by_year = groups["Traded take-up and prices each year"]
    assert by_year.rows == [
        ("Leadership and CPD training programme: take-up (fraction)", by_year.levers)
    ]
    assert [(lv.field, lv.label, lv.value) for lv in by_year.levers] == [
        (
            f"takeup-tr02-{y}",
            f"{y}: Leadership and CPD training programme: take-up (fraction)",
            v,
        )
        for y, v in zip(YEARS, ("0.4", "0.45", "0.5"), strict=True)
    ]
    one_year = groups["Traded take-up and prices"]
    assert one_year.hint == "Figures the plan does not set by year: each holds in every year."
    assert "takeup-tr02" not in [lv.field for lv in one_year.levers]
    assert "price-tr02" in [lv.field for lv in one_year.levers]
    changed, _, errors = levers.apply(
        three_years, _form(three_years, {"takeup-tr02-2015-16": "0.3"})
    )
    assert errors == []
    assert changed is not None
    take_up = [next(f for f in y.functions if f.id == "tr02").traded for y in _held(changed)]
    assert [t.take_up_share for t in take_up if t] == [0.3, 0.45, 0.5]
    _, _, errors = levers.apply(
        three_years,
        _form(three_years, {"takeup-tr02-2016-17": "most", "takeup-tr02-2017-18": "1.5"}),
    )
    assert [(e.field, e.text) for e in errors] == [
        (
            "takeup-tr02-2016-17",
            "2016-17: Leadership and CPD training programme: take-up: enter the share as a "
            "fraction, for example 0.45",
        )
    ]
    _, _, errors = levers.apply(three_years, _form(three_years, {"takeup-tr02-2017-18": "1.5"}))
    assert [(e.field, e.text) for e in errors] == [
        (
            "takeup-tr02-2017-18",
            "2017-18: Leadership and CPD training programme: take-up: enter the share as a "
            "fraction, for example 0.35 for 35%",
        )
    ]


def test_bands_by_year_where_the_instance_sets_them(three_years: StaffingInstance) -> None:
    """With a glide path (2016-17's bands given), the bands get a column a year in place of
    the one-year levers; a change to 2015-16's traded ceiling leaves the later years."""
    data = three_years.model_dump(mode="json")
    glide = [dict(b) for b in data["bands"]]
    glide[2]["max_share"] = 0.35
    data["years"][1]["bands"] = glide
    instance = parse_instance(data)
    assert isinstance(instance, StaffingInstance)
    groups = {g.heading: g for g in levers.levers(instance)}
    assert "Category bands" not in groups
    bands = groups["Category bands each year"]
    assert bands.rows[5][0] == "Traded: highest share (fraction)"
    assert [c.value for c in bands.rows[5][1]] == ["0.3", "0.35", "0.35"]
    changed, _, errors = levers.apply(
        instance, _form(instance, {"band-traded-max-2015-16": "0.25"})
    )
    assert errors == []
    assert changed is not None
    traded = [next(b for b in y.bands if b.category.value == "traded") for y in _held(changed)]
    assert [b.max_share for b in traded] == [0.25, 0.35, 0.35]
    _, _, errors = levers.apply(instance, _form(instance, {"band-traded-min-2016-17": "0.4"}))
    assert [(e.field, e.text) for e in errors] == [
        ("band-traded-min-2016-17", "2016-17: Traded: lowest share: min_share exceeds max_share")
    ]


def test_every_years_problem_at_once_named_by_year_and_figure(
    three_years: StaffingInstance,
) -> None:
    """A blank cap after a year with one, text where a figure goes, a negative amount, and a
    one-year lever's problem, together; what was typed is never repeated."""
    typed = {
        "cap-2016-17": "",
        "cap-2017-18": "RF-0042 Smith",
        "fund-grant_lac-2015-16": "-5",
        "driver-all_pupils-2016-17": "many",
        "staff-sia": "lots",
    }
    changed, _, errors = levers.apply(three_years, _form(three_years, typed))
    assert changed is None
    assert [(e.field, e.text) for e in errors] == [
        ("staff-sia", "School improvement advisers must be a number"),
        (
            "cap-2016-17",
            "2016-17: council cap: a year after a year with a cap needs its own; enter a "
            "number of pounds, for example 466000",
        ),
        ("cap-2017-18", "2017-18: council cap: enter a number of pounds, for example 466000"),
        (
            "driver-all_pupils-2016-17",
            "2016-17: all pupils, for Education Services Grant: retained duties: enter a "
            "number, for example 89443",
        ),
    ]
    changed, _, errors = levers.apply(
        three_years, _form(three_years, {"fund-grant_lac-2015-16": "-5"})
    )
    assert [(e.field, e.text) for e in errors] == [
        (
            "fund-grant_lac-2015-16",
            "2015-16: Grant income: looked after children: must be 0 or more",
        )
    ]


def test_no_cap_at_all_is_a_blank_first_year(three_years: StaffingInstance) -> None:
    blank = {f"cap-{y}": "" for y in YEARS}
    changed, _, errors = levers.apply(three_years, _form(three_years, blank))
    assert errors == []
    assert changed is not None
    assert [y.council_budget_cap_gbp for y in _held(changed)] == [None, None, None]


def test_the_levers_page_of_a_plan_over_years(
    three_years: StaffingInstance, tmp_path: Path
) -> None:
    """The page's table of a year a column, and its error summary: each problem links to its
    year's field; the text typed is shown only in its own field, as typed."""
    with TestClient(create_app(Settings(local_only=True, data_dir=tmp_path), run_jobs=False)) as c:
        page = c.get("/staffing/levers?bundled=oxfordshire_2015_18").text
        assert (
            '<label class="govuk-label govuk-visually-hidden" for="cap-2016-17">'
            "2016-17: council cap (£)</label>" in page
        )
        assert re.findall(r'<th scope="col" class="govuk-table__header">(\d{4}-\d\d)</th>', page)[
            :3
        ] == list(YEARS)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        form = {
            **_form(three_years),
            "cap-2016-17": "<b>RF-0042</b>",
            "bundled": "oxfordshire_2015_18",
            "name": "Cap",
            "csrf_token": token.group(1),
        }
        answer = c.post("/staffing/plan", data=form)
        assert answer.status_code == 422
        summary = answer.text.split('class="govuk-error-summary')[1].split("</div>")[0]
        assert (
            '<a href="#cap-2016-17">2016-17: council cap: enter a number of pounds, '
            "for example 466000</a>" in answer.text
        )
        assert "RF-0042" not in summary
        assert answer.text.count("RF-0042") == 1  # in its field's value alone
        assert "<b>RF-0042" not in answer.text  # escaped there
