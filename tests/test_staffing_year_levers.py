"""The figures of a plan over years set year by year (optimiser.staffing.year_levers): what
a change writes into the instance's data, and the problems named by year and figure."""

from __future__ import annotations

import copy

from optimiser import InstanceError, StaffingInstance, load_instance, parse_instance
from optimiser.staffing.year_levers import write_years, year_levers
from tests.helpers import ROOT


def _three_years() -> StaffingInstance:
    instance = load_instance(ROOT / "instances/oxfordshire_2015_18.json")
    assert isinstance(instance, StaffingInstance)
    return instance


def test_a_one_year_plan_has_no_figures_by_year() -> None:
    one_year = load_instance(ROOT / "instances/oxfordshire_2015_16.json")
    assert isinstance(one_year, StaffingInstance)
    assert year_levers(one_year) == []


def test_a_change_writes_that_year_and_pins_the_next() -> None:
    """2016-17's cap written, and 2017-18's (which would else carry 2016-17's new cap);
    nothing else in the data changes."""
    instance = _three_years()
    data = instance.model_dump(mode="json")
    before = copy.deepcopy(data)
    written = write_years(instance, data, {("2016-17", "cap"): 400000.0})
    assert written.problems == []
    assert written.written == {
        "years[1].cap_gbp": ("2016-17", "cap"),
        "years[2].cap_gbp": ("2017-18", "cap"),
    }
    assert [y.get("cap_gbp") for y in data["years"]] == [None, 400000.0, 466000.0]
    for y in data["years"]:
        y.pop("cap_gbp")
    for y in before["years"]:
        y.pop("cap_gbp")
    assert data == before


def test_the_schemas_problem_is_named_by_year_and_figure() -> None:
    instance = _three_years()
    data = instance.model_dump(mode="json")
    written = write_years(instance, data, {("2017-18", "fund-grant_lac"): -1.0})
    assert data["years"][2]["funding"] == [{"id": "grant_lac", "amount_gbp": -1.0}]
    try:
        parse_instance(data)
    except InstanceError as exc:
        named = [written.name(p) for p in exc.problems]
    else:
        raise AssertionError("a negative amount is refused")
    assert [n.text for n in named if n] == [
        "2017-18: Grant income: looked after children: must be 0 or more"
    ]
