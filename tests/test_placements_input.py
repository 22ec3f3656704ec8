"""Placement bad input: every problem listed at once, with field paths and ids, values unechoed."""

from __future__ import annotations

import pytest

from optimiser import InstanceError, parse_placements
from tests.placements_helpers import instance, provider, referral

SECRET = "Child-Full-Name-Do-Not-Echo"


def _problems(data: object) -> str:
    with pytest.raises(InstanceError) as caught:
        parse_placements(data)
    text = "\n".join(str(p) for p in caught.value.problems)
    assert SECRET not in text
    assert SECRET not in str(caught.value)
    return text


def test_field_errors_at_once() -> None:
    bad_provider = provider("P", price=-5, places=-1)
    refs = [
        referral("R1", start_week=10, end_week=3),  # start after end
        referral("R2", days_per_week=6),  # outside 1-5
        referral("R3", pupil_name=SECRET),  # unknown key: no names
    ]
    text = _problems(instance([bad_provider], refs))
    assert "providers[0].lots[0].price_gbp" in text
    assert "[ids: P]" in text
    assert "providers[0].places" in text
    assert "referrals[0]: start_week is after end_week" in text
    assert "referrals[1].days_per_week" in text
    assert "referrals[2]: has an unknown field (its name is not repeated)" in text
    assert "pupil_name" not in text
    for reference in ("R1", "R2", "R3"):  # references identify children: never repeated
        assert f"ids: {reference}" not in text


def test_reference_errors_at_once() -> None:
    provs = [provider("P"), provider("P"), provider("Q", lot="no_such_lot")]
    refs = [referral("R1", lots=["imaginary"], current_provider="ghost"), referral("R1")]
    offers = [{"reference": "nobody", "provider": "Q", "lot": "therapeutic", "total_cost_gbp": 10}]
    text = _problems(instance(provs, refs, offers=offers))
    assert "providers: duplicate ids [ids: P]" in text
    assert "referrals[1].reference: repeats the reference of referrals[0]" in text
    assert "providers[2].lots: refers to unknown lot ids [ids: Q, no_such_lot]" in text
    assert "referrals[0].lots: refers to unknown lot ids [ids: imaginary]" in text
    assert "referrals[0].current_provider: refers to an unknown provider [ids: ghost]" in text
    assert "offers[0].reference: refers to an unknown referral" in text
    assert "R1" not in text
    assert "nobody" not in text
    assert "offers[0].lot: the provider is not approved for this lot [ids: Q, therapeutic]" in text


def test_a_secret_in_a_wrong_typed_field_is_not_echoed() -> None:
    data = instance([provider("P")], [referral("R1", key_stage=SECRET)])
    assert "referrals[0].key_stage" in _problems(data)


def test_a_reference_that_looks_like_a_pupil_number_is_refused_and_not_echoed() -> None:
    upn = "A12345678901B"
    with pytest.raises(InstanceError) as caught:
        parse_placements(instance([provider("P")], [referral(upn)]))
    message = str(caught.value)
    assert "referrals[0].reference: looks like a unique pupil number" in message
    assert upn not in message
