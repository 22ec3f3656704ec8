"""Bad input: one error listing every problem with its field path and ids; values never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimiser import InstanceError, load_instance, parse_staffing
from tests.helpers import raw

SECRET = "Pupil-Jane-Doe-Secret"


def _problems(data: object) -> list[str]:
    with pytest.raises(InstanceError) as caught:
        parse_staffing(data)
    assert SECRET not in str(caught.value)
    return [str(p) for p in caught.value.problems]


def test_field_errors_are_all_reported_at_once() -> None:
    data = raw("staffing_small")
    data["staff_groups"][0]["fte_available"] = -1.0  # negative FTE
    data["staff_groups"][1]["cost_per_fte_gbp"] = -5  # negative money
    data["functions"][0]["colour"] = SECRET  # unknown key
    data["bands"][0]["min_share"] = 0.7  # above its max of 0.5
    data["funding_sources"][0]["amount_gbp"] = SECRET  # not a number
    problems = _problems(data)
    assert len(problems) == 5
    text = "\n".join(problems)
    assert "staff_groups[0].fte_available" in text
    assert "[ids: advisers]" in text
    assert "staff_groups[1].cost_per_fte_gbp" in text
    assert "[ids: admin]" in text
    assert "functions[0]: has an unknown field (its name is not repeated) [ids: statutory]" in text
    assert "colour" not in text
    assert "bands[0]: min_share exceeds max_share" in text
    assert "funding_sources[0].amount_gbp" in text
    assert "[ids: dsg]" in text


def test_cross_entity_errors_are_all_reported_at_once() -> None:
    data = raw("staffing_small")
    data["staff_groups"].append(dict(data["staff_groups"][0]))  # duplicate id
    data["funding_sources"][0]["functions"] = ["statutory", "nowhere"]  # unknown reference
    data["functions"][2]["required_skill"] = "juggling"  # no group has it
    data["bands"] = [
        {"category": "core", "min_share": 0.6, "max_share": 0.9},
        {"category": "traded", "min_share": 0.5, "max_share": 0.6},
    ]  # minimum shares add up to 110%
    text = "\n".join(_problems(data))
    assert "staff_groups: duplicate ids [ids: advisers]" in text
    assert (
        "funding_sources[0].functions: refers to unknown function ids [ids: dsg, nowhere]" in text
    )
    assert (
        "functions[2].required_skill: no specialist staff group has this skill "
        "[ids: traded, juggling]" in text
    )
    assert "bands: minimum shares add up to more than 100%" in text


def test_missing_fields_and_wrong_kind() -> None:
    problems = _problems({"kind": "staffing", "name": "x"})
    assert any("staff_groups: required field is missing" in p for p in problems)
    assert any("functions: required field is missing" in p for p in problems)
    assert "unknown kind" in _problems({"kind": "rota"})[0]
    assert "must be a JSON object" in _problems([1, 2])[0]


def test_traded_terms_need_one_pricing() -> None:
    data = raw("staffing_small")
    data["functions"][2]["traded"] = {"income_per_fte_gbp": 1, "price_per_school_gbp": 2}
    data["functions"][1]["traded"] = {"income_per_fte_gbp": 1}
    text = "\n".join(_problems(data))
    assert "functions[2].traded: give income_per_fte_gbp or the per-school terms, not both" in text
    assert "functions[1]: traded terms are only allowed on a function of category 'traded'" in text


def test_malformed_json_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "staffing", "name": "' + SECRET + '",,}')
    with pytest.raises(InstanceError) as caught:
        load_instance(bad)
    message = str(caught.value)
    assert "not valid JSON" in message
    assert "line 1" in message
    assert SECRET not in message
    with pytest.raises(InstanceError, match="file not found"):
        load_instance(tmp_path / "absent.json")


def test_ids_that_differ_only_by_punctuation() -> None:
    data = raw("staffing_small")
    data["functions"][1]["id"] = "traded-"
    data["functions"][2]["id"] = "traded_"
    text = "\n".join(_problems(data))
    assert "functions: ids differ only by '.', '-' or '_' [ids: traded-, traded_]" in text
