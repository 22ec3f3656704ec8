"""The staffing levers form: what a person types, read back into an instance, and every
problem at once at the field it concerns (the engine's checks decide what is valid)."""

from __future__ import annotations

import pytest

from api.web import charts, levers
from optimiser import CATEGORY_LABEL, StaffingInstance, StaffingSolution, load_instance, solve
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
