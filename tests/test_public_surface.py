"""The public surface checks its input for every caller, from Python as from a file or HTTP."""

from __future__ import annotations

import pytest

from optimiser import (
    InstanceError,
    OptionError,
    PlacementInstance,
    SolveOptions,
    StaffingInstance,
    check_instance,
    load_instance,
    parse_placements,
    solve,
)
from optimiser.placements.schema import Offer, Referral
from tests.helpers import INSTANCES
from tests.placements_helpers import provider, referral


def _tiny() -> PlacementInstance:
    return parse_placements(
        {
            "kind": "placements",
            "name": "tiny",
            "providers": [provider("P1")],
            "referrals": [referral("R1"), referral("R2")],
        }
    )


def test_an_offer_for_an_unknown_referral_is_an_input_error_from_python() -> None:
    """Built in Python without parse_instance, the instance still gets every check."""
    inst = _tiny()
    offer = Offer(reference="R9", provider="P1", lot="therapeutic", total_cost_gbp=100.0)
    bad = PlacementInstance(
        name="tiny", providers=inst.providers, referrals=inst.referrals, offers=[offer]
    )
    with pytest.raises(InstanceError) as caught:
        solve(bad)
    assert [p.path for p in caught.value.problems] == ["offers[0].reference"]


def test_two_referrals_with_one_reference_are_an_input_error() -> None:
    inst = _tiny()
    twin = Referral.model_validate(referral("R1"))
    bad = PlacementInstance(
        name="tiny", providers=inst.providers, referrals=[*inst.referrals, twin]
    )
    with pytest.raises(InstanceError) as caught:
        solve(bad)
    assert [p.path for p in caught.value.problems] == ["referrals[2].reference"]
    assert all("R1" not in p.message for p in caught.value.problems)


def test_model_copy_that_breaks_a_field_rule_is_caught_again() -> None:
    """model_copy(update=...) skips pydantic's validation; solve validates such a copy again."""
    inst = load_instance(INSTANCES / "staffing_small.json")
    assert isinstance(inst, StaffingInstance)
    assert inst.checked
    bad = inst.model_copy(update={"admin_per_specialist_fte": -1.0})
    assert not bad.fields_valid
    assert not bad.checked
    with pytest.raises(InstanceError) as caught:
        solve(bad)
    assert [p.path for p in caught.value.problems] == ["admin_per_specialist_fte"]


def test_check_instance_returns_a_checked_instance_once() -> None:
    inst = _tiny()
    again = check_instance(inst)
    assert again is inst
    assert again.checked
    copied = inst.model_copy(update={"description": "a copy"})
    rechecked = check_instance(copied)
    assert rechecked.checked
    assert rechecked is not copied
    assert rechecked.description == "a copy"


def test_an_unknown_solver_name_is_an_option_error_naming_the_choices() -> None:
    with pytest.raises(OptionError, match="highs, cbc, flow, lagrange, cpsat"):
        SolveOptions(solver="gurobi")
