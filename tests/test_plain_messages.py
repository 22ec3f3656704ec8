"""Input problems in plain words, all in one round: each common mistake's message (JSON and
workbook), field and cross-entity problems together, and no submitted value repeated."""

from __future__ import annotations

import copy
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from optimiser import InstanceError, load_instance, parse_instance
from optimiser.files import examples
from optimiser.files.workbook import write_instance_workbook

SHARE = "enter the share as a fraction, for example 0.35 for 35%"
SEMICOLONS = "separate the items of a list with commas, not semicolons (for example: a, b)"
NAME = (
    "looks like a name: enter the id instead (letters, digits, '_', '.' or '-', "
    "starting with a letter or digit; no spaces)"
)
WEEK = "enter a week number (1 is the first week of the planning year), not a date"


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InstanceError) as caught:
        parse_instance(data)
    return [str(p) for p in caught.value.problems]


def staffing() -> dict[str, Any]:
    return copy.deepcopy(examples.STAFFING)


def placements() -> dict[str, Any]:
    data = copy.deepcopy(examples.PLACEMENTS)
    data["providers"].append(copy.deepcopy(data["providers"][0]) | {"id": "second"})
    return data


def test_share_typed_as_a_percentage() -> None:
    data = staffing()
    data["bands"][0]["max_share"] = 35
    assert problems(data) == [f"bands[0].max_share: {SHARE}"]


def test_list_typed_with_semicolons() -> None:
    data = staffing()
    data["staff_groups"][0]["skills"] = ["advice; data"]
    assert problems(data) == [f"staff_groups[0].skills[0]: {SEMICOLONS} [ids: advisers]"]


def test_name_where_an_id_is_expected() -> None:
    data = placements()
    data["referrals"][0]["lots"] = ["Therapeutic provision"]
    assert problems(data) == [f"referrals[0].lots[0]: {NAME}"]


def test_date_where_a_week_number_is_expected() -> None:
    data = placements()
    data["referrals"][1]["start_week"] = "2026-09-07"
    assert problems(data) == [f"referrals[1].start_week: {WEEK}"]


def test_other_bounds_in_words() -> None:
    data = staffing()
    data["staff_groups"][0]["fte_available"] = -1
    data["functions"][0]["min_fte"] = "three"
    assert problems(data) == [
        "staff_groups[0].fte_available: must be 0 or more [ids: advisers]",
        "functions[0].min_fte: enter a number [ids: statutory]",
    ]


def test_field_and_cross_entity_problems_in_one_round() -> None:
    """A bad price, a date for a week and a percentage share (field problems) come with a
    reference that looks like a pupil number and an unknown lot (cross-entity problems)."""
    data = placements()
    data["providers"][0]["lots"][0]["price_gbp"] = "a lot"
    data["referrals"][1]["start_week"] = "2026-09-07"
    data["policy"] = {"max_provider_share": 35}
    data["referrals"][0]["reference"] = "A123456789012"
    data["referrals"].append(copy.deepcopy(data["referrals"][0]) | {"reference": "R-3"})
    data["referrals"][2]["lots"] = ["no_such_lot"]
    found = problems(data)
    assert found == [
        "providers[0].lots[0].price_gbp: enter a number [ids: centre]",
        f"referrals[1].start_week: {WEEK}",
        f"policy.max_provider_share: {SHARE}",
        "referrals[0].reference: looks like a unique pupil number; use a pseudonymous reference",
        "referrals[2].lots: refers to unknown lot ids [ids: no_such_lot]",
    ]
    assert not any("A123456789012" in p or "a lot" in p or "2026" in p for p in found)


def test_a_reference_to_an_item_with_a_problem_is_not_reported_twice() -> None:
    data = placements()
    data["providers"][0]["quality_rating"] = 9
    data["referrals"][0]["current_provider"] = "centre"
    assert problems(data) == ["providers[0].quality_rating: must be 5 or less [ids: centre]"]


def test_workbook_mistakes_by_sheet_row_and_column_in_one_round(tmp_path: Path) -> None:
    data = placements()
    data["referrals"].append(copy.deepcopy(data["referrals"][0]) | {"reference": "R-3"})
    write_instance_workbook(parse_instance(data), tmp_path / "p.xlsx")
    book = load_workbook(tmp_path / "p.xlsx")
    referrals = book["referrals"]
    header = [c.value for c in referrals[1]]
    start = header.index("start_week") + 1
    referrals.cell(2, start, datetime(2026, 9, 7))  # a date typed into a week column
    referrals.cell(3, header.index("lots") + 1, "therapeutic; online")
    referrals.cell(4, 1, "A123456789012")
    book.save(tmp_path / "p.xlsx")
    with pytest.raises(InstanceError) as caught:
        load_instance(tmp_path / "p.xlsx")
    letter = get_column_letter(start)
    lots = get_column_letter(header.index("lots") + 1)
    assert [str(p) for p in caught.value.problems] == [
        f"sheet referrals, row 2, column {letter} (start_week): {WEEK}",
        f"sheet referrals, row 3, column {lots} (lots): {SEMICOLONS}",
        "sheet referrals, row 4, column A (reference): looks like a unique pupil number; "
        "use a pseudonymous reference",
    ]
