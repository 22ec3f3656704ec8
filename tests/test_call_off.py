"""Offers as a real call-off: with policy.offers_only a provider is eligible for a referral
only through an offer it submitted; an offer may use up to the provider's places."""

from __future__ import annotations

import pytest

from optimiser import InstanceError, parse_placements
from tests.placements_helpers import instance, provider, referral, run, where


def _offer(ref: str, prov: str, cost: float, places: int = 1) -> dict[str, object]:
    return {
        "reference": ref,
        "provider": prov,
        "lot": "therapeutic",
        "total_cost_gbp": cost,
        "places_used": places,
    }


def test_without_the_switch_a_pair_without_offer_is_eligible_at_list_price() -> None:
    """A at £100/day (2 days x 10 weeks: £2,000) with no offer; B offers £3,000. Cheapest:
    A at its list price."""
    data = instance(
        [provider("A", 100.0), provider("B", 100.0)],
        [referral("R0")],
        offers=[_offer("R0", "B", 3000.0)],
    )
    assert where(run(data)) == {"R0": "A"}


def test_call_off_makes_only_offers_eligible() -> None:
    """Same instance under a call-off: only B's offer counts, so R0 goes to B at £3,000 and
    the unplaced referral R1 (no offer from anyone) says no provider made an offer."""
    data = instance(
        [provider("A", 100.0), provider("B", 100.0)],
        [referral("R0"), referral("R1")],
        offers=[_offer("R0", "B", 3000.0)],
        offers_only=True,
    )
    sol = run(data)
    assert where(sol) == {"R0": "B"}
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(3000.0 + 6000.0)
    (unplaced,) = sol.unplaced
    assert unplaced.reason == "no_eligible_provider"
    assert [e.rules for e in unplaced.excluded] == [
        ["made no offer for this referral (call-off)"]
    ] * 2


def test_an_offer_may_use_up_to_the_providers_places() -> None:
    """A has 150 places; an offer using 120 of them is accepted and placed (it was refused
    above 100 before); one using 151 is an input problem."""
    data = instance(
        [provider("A", 100.0, places=150)],
        [referral("R0")],
        offers=[_offer("R0", "A", 1000.0, places=120)],
    )
    sol = run(data)
    assert [p.places_used for p in sol.placements] == [120]
    data["offers"] = [_offer("R0", "A", 1000.0, places=151)]
    with pytest.raises(InstanceError) as caught:
        parse_placements(data)
    assert [p.path for p in caught.value.problems] == ["offers[0].places_used"]
