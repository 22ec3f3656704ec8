"""Evidence for unplaced referrals: near misses per acceptable lot with the rule's figures."""

from __future__ import annotations

from typing import Any

from optimiser import parse_placements
from optimiser.commissioning import shortlist
from tests.placements_helpers import instance, provider, referral, run

INTERIM = "interim_full_time"


def _pupil(**kw: Any) -> dict[str, Any]:
    base = {
        "lots": [INTERIM],
        "key_stage": 4,
        "days_per_week": 5,
        "ehcp": True,
        "max_travel_km": 10.0,
        "needs": ["asd"],
    }
    return referral("P", **(base | kw))


def test_near_miss_names_the_single_blocking_rule_with_figures() -> None:
    """One interim full-time KS4 pupil with an EHCP, autism and a 10 km limit. Providers:
    three therapeutic ones next door (not an acceptable lot: never named), and four interim:
    MEADOW 17.6 km away, fails travel only; UNREG 2 km away, unregistered (fails the
    registration rule only); LOWQ 3 km, quality 1 below the floor of 2 (only); TWO 1 km,
    serves KS1-3 and not `asd` (fails two). The near misses are the three failing one rule,
    nearest first: UNREG, LOWQ, MEADOW; TWO is not shown."""
    therapeutic = [
        provider(f"T{i}", lot="therapeutic", needs_supported=["asd"], key_stages=[4])
        for i in range(3)
    ]
    common: dict[str, Any] = {"lot": INTERIM, "needs_supported": ["asd"], "key_stages": [3, 4]}
    interim = [
        provider("MEADOW", easting_m=17_600.0, places=16, name="Meadowbrook", **common),
        provider("UNREG", easting_m=2_000.0, registered_school=False, **common),
        provider("LOWQ", easting_m=3_000.0, quality_rating=1, **common),
        provider("TWO", easting_m=1_000.0, lot=INTERIM, key_stages=[1, 2, 3]),
    ]
    sol = run(instance(therapeutic + interim, [_pupil()], min_quality_rating=2))
    (u,) = sol.unplaced
    assert u.reason == "no_eligible_provider"
    misses = [(m.provider, [f.text for f in m.failures]) for m in u.near_misses]
    assert misses == [
        ("UNREG", ["unregistered: takes no EHCP or looked-after pupil full time"]),
        ("LOWQ", ["quality 1 below the floor of 2"]),
        ("MEADOW", ["17.6 km against a 10 km limit"]),
    ]
    assert all(m.lot == INTERIM for m in u.near_misses)
    assert u.record.startswith("No Full-time provision from day 6 of an exclusion (interim)")
    assert "within 10 km" in u.record


def test_fewest_failures_when_none_fails_only_one() -> None:
    """The only interim provider serves KS1-3 and not `asd`: it fails two rules, and is shown
    with both (need named)."""
    prov = provider("TWO", easting_m=1_000.0, lot=INTERIM, key_stages=[1, 2, 3])
    (u,) = run(instance([prov], [_pupil()])).unplaced
    assert [(m.provider, sorted(f.rule for f in m.failures)) for m in u.near_misses] == [
        ("TWO", ["key_stage", "needs"])
    ]
    texts = {f.text for f in u.near_misses[0].failures}
    assert texts == {"does not serve key stage 4 (serves 1, 2, 3)", "does not support need `asd`"}


def test_full_provider_is_a_near_miss_with_weeks_and_places() -> None:
    """A has 1 place, taken by R1 in weeks 1-10 (cheaper to place R1: both cost the same, so
    whichever is placed, the other's evidence names A full). The other referral's near miss
    is A, full in week 1 with 1 of 1 places used."""
    data = instance([provider("A", places=1)], [referral("R1"), referral("R2")])
    sol = run(data)
    (u,) = sol.unplaced
    assert u.reason == "all_full"
    (miss,) = u.near_misses
    assert miss.provider == "A"
    assert [f.rule for f in miss.failures] == ["capacity"]
    assert miss.failures[0].text == "full in week 1 with 1 of 1 places used"


def test_call_off_provider_without_an_offer_is_a_rule_failure() -> None:
    """Under policy.offers_only, A (1 km away, otherwise eligible) made no offer; B made one
    but is 30 km away against the pupil's 20 km limit. Nothing is eligible, so R is unplaced;
    A is a near miss failing the offer rule alone (never "eligible and has room") and B fails
    travel alone. The shortlist lists A as excluded for the missing offer."""
    offers = [{"reference": "R", "provider": "B", "lot": "therapeutic", "total_cost_gbp": 900.0}]
    data = instance(
        [provider("A", easting_m=1_000.0), provider("B", easting_m=30_000.0)],
        [referral("R")],
        offers_only=True,
        offers=offers,
    )
    sol = run(data)
    (u,) = sol.unplaced
    assert u.reason == "no_eligible_provider"
    assert [(m.provider, [(f.rule, f.text) for f in m.failures]) for m in u.near_misses] == [
        ("A", [("offer", "made no offer for this referral (call-off)")]),
        ("B", [("travel", "30.0 km against a 20 km limit")]),
    ]
    assert "eligible and has room" not in u.record
    assert "made no offer for this referral" in u.record
    listed = shortlist(parse_placements(data), "R", sol)
    assert [(e.provider, [f.rule for f in e.failures]) for e in listed.excluded] == [
        ("A", ["offer"]),
        ("B", ["travel"]),
    ]


def test_distance_in_the_rule_reads_as_the_listed_distance() -> None:
    """B is 17,849.9 m away: listed as 17.85 km, shown as 17.9 km, and its rule says 17.9 km
    against a 15 km limit (the same figure, not 17.8)."""
    data = instance([provider("B", easting_m=17_849.9)], [referral("R", max_travel_km=15.0)])
    sol = run(data)
    (miss,) = sol.unplaced[0].near_misses
    assert miss.distance_km == 17.85
    assert miss.failures[0].text == f"{miss.distance_km:.1f} km against a 15 km limit"
    listed = shortlist(parse_placements(data), "R", sol)
    (excluded,) = listed.excluded
    assert excluded.failures[0].text == f"{excluded.distance_km:.1f} km against a 15 km limit"
