"""The figures of a plan over years set year by year (optimiser.staffing.year_levers): what
a change writes into the instance's data, and the problems named by year and figure."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from optimiser import InstanceError, StaffingInstance, load_instance, parse_instance
from optimiser.staffing.year_levers import Typed, YearProblem, YearWrite, write_years, year_levers
from tests.helpers import ROOT

Data = dict[str, Any]


def _three_years() -> StaffingInstance:
    instance = load_instance(ROOT / "instances/oxfordshire_2015_18.json")
    assert isinstance(instance, StaffingInstance)
    return instance


def _write(typed: Mapping[tuple[str, str], Typed]) -> tuple[YearWrite, Data, Data]:
    """The figures typed written into Oxfordshire 2015-18's data: what was written, the data
    after and the data before."""
    instance = _three_years()
    data = instance.model_dump(mode="json")
    before = copy.deepcopy(data)
    return write_years(instance, data, typed), data, before


def _schema_named(typed: Mapping[tuple[str, str], Typed]) -> list[YearProblem]:
    """The schema's problems with the figures written, named by year and figure."""
    written, data, _ = _write(typed)
    try:
        parse_instance(data)
    except InstanceError as exc:
        return [n for n in map(written.name, exc.problems) if n]
    raise AssertionError("the figures are refused")


def test_a_one_year_plan_has_no_figures_by_year() -> None:
    one_year = load_instance(ROOT / "instances/oxfordshire_2015_16.json")
    assert isinstance(one_year, StaffingInstance)
    assert year_levers(one_year) == []


def test_a_change_writes_that_year_and_pins_the_next() -> None:
    """2016-17's cap written, and 2017-18's (which would else carry 2016-17's new cap);
    nothing else in the data changes."""
    written, data, before = _write({("2016-17", "cap"): 400000.0})
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
    _, data, _ = _write({("2017-18", "fund-grant_lac"): -1.0})
    assert data["years"][2]["funding"] == [{"id": "grant_lac", "amount_gbp": -1.0}]
    assert [n.text for n in _schema_named({("2017-18", "fund-grant_lac"): -1.0})] == [
        "2017-18: Grant income: looked after children: must be 0 or more"
    ]


def test_traded_figures_by_year_only_where_the_instance_sets_them() -> None:
    """Oxfordshire sets leadership training's take-up by year (0.4, then 0.45 and 0.5); its
    price and the other traded functions' figures hold the same every year."""
    traded = [lv for lv in year_levers(_three_years()) if lv.kind == "traded"]
    assert [(lv.key, lv.label, lv.values) for lv in traded] == [
        (
            "takeup-tr02",
            "Leadership and CPD training programme: take-up (fraction)",
            (0.4, 0.45, 0.5),
        )
    ]


def test_a_traded_change_to_one_year_writes_that_year_alone() -> None:
    """2016-17's take-up written in its own entry; 2017-18 gives its own take-up already, so
    nothing else in the data changes."""
    written, data, before = _write({("2016-17", "takeup-tr02"): 0.42})
    assert written.problems == []
    assert written.written == {"years[1].functions[2].take_up_share": ("2016-17", "takeup-tr02")}
    before["years"][1]["functions"][2]["take_up_share"] = 0.42
    assert data == before


def test_traded_problems_are_named_by_year_and_figure() -> None:
    """Text where the take-up goes (never repeated), and a take-up above 1 (the schema's)."""
    typed: dict[tuple[str, str], Typed] = {
        ("2016-17", "takeup-tr02"): "RF-0042",
        ("2017-18", "takeup-tr02"): 1.5,
    }
    assert [p.text for p in _write(typed)[0].problems] == [
        "2016-17: Leadership and CPD training programme: take-up: enter the share as a "
        "fraction, for example 0.45"
    ]
    named = _schema_named({("2017-18", "takeup-tr02"): 1.5})
    assert [(n.year, n.key, n.text) for n in named] == [
        (
            "2017-18",
            "takeup-tr02",
            "2017-18: Leadership and CPD training programme: take-up: enter the share as a "
            "fraction, for example 0.35 for 35%",
        )
    ]
