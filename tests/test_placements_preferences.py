"""Hand-worked cases for the newer placement rules: lot preference, outreach providers, and
the per-lot places and online providers of the rule book."""

from __future__ import annotations

import pytest

from tests.placements_helpers import instance, provider, referral, run, where

BOTH = ["therapeutic", "online_tuition"]


@pytest.mark.parametrize(("rank_cost", "expected"), [(0.0, "ON"), (500.0, "ON"), (1_000.0, "TH")])
def test_lot_preference_overrides_a_cheaper_lot(rank_cost: float, expected: str) -> None:
    """R accepts therapeutic first, online tuition second; 2 days x 10 weeks. TH (therapeutic)
    costs 2 x 10 x £100 = £2,000; ON (online) 2 x 10 x £60 = £1,200 plus one rank step.
    Rank cost £0: ON £1,200. £500: ON £1,700 < £2,000. £1,000: ON £2,200 > £2,000, so TH, the
    first choice, although its lot is dearer. The objective includes the preference cost."""
    provs = [provider("TH", 100), provider("ON", 60, lot="online_tuition", online=True)]
    sol = run(instance(provs, [referral("R", lots=BOTH)], lot_rank_cost_gbp=rank_cost))
    assert where(sol) == {"R": expected}
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(min(2_000.0, 1_200.0 + rank_cost))
    assert sol.verification is not None
    assert sol.verification.passed


def test_outreach_ignores_pupil_travel() -> None:
    """R (5 km travel limit) is 12.5 km from both providers. SITE (£80/day) is a site the pupil
    would travel to: excluded. OUT (£90/day) comes to the pupil's school: no pupil travel and no
    travel cost, so R is placed there at 2 x 10 x £90 = £1,800 (travel £0.45/km ignored).
    With an outreach radius of 10 km, OUT no longer reaches R: unplaced (300 x 2 x 10 = £6,000)."""
    far = {"easting_m": 12_500.0}
    provs = [provider("SITE", 80, **far), provider("OUT", 90, outreach=True, **far)]
    data = instance(provs, [referral("R", max_travel_km=5.0)], travel_cost_per_km_gbp=0.45)
    sol = run(data)
    assert where(sol) == {"R": "OUT"}
    assert sol.placements[0].travel_gbp == 0.0
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(1_800)
    provs[1]["outreach_radius_km"] = 10.0
    limited = run(instance(provs, [referral("R", max_travel_km=5.0)]))
    assert where(limited) == {}
    assert limited.totals is not None
    assert limited.totals.objective_gbp == pytest.approx(6_000)
    texts = [f.text for m in limited.unplaced[0].near_misses for f in m.failures]
    assert "12.5 km beyond its outreach radius of 10 km" in texts


def test_per_lot_places() -> None:
    """P (registered, 3 places shared) offers therapeutic at £100/day with 1 place in that lot
    and early intervention at £120/day. Three referrals accept either lot (therapeutic first).
    Optimum: one therapeutic (£2,000), two early intervention (£2,400 each): £6,800. Without
    the per-lot limit all three would take therapeutic (£6,000)."""
    p = provider("P", 100, places=3)
    p["lots"] = [
        {"lot": "therapeutic", "price_gbp": 100.0, "places": 1},
        {"lot": "early_intervention", "price_gbp": 120.0},
    ]
    lots = ["therapeutic", "early_intervention"]
    refs = [referral(f"R{i}", lots=lots) for i in range(3)]
    for solver in (None, "highs", "cpsat"):
        sol = run(instance([p], refs), solver)
        assert sorted(pl.lot for pl in sol.placements) == [
            "early_intervention",
            "early_intervention",
            "therapeutic",
        ]
        assert sol.totals is not None
        assert sol.totals.objective_gbp == pytest.approx(6_800)


def test_online_provider_has_no_travel_and_no_distance_limit() -> None:
    """ON is online at £40/hour (3 hours a day: £120/day) and 200 km away; SITE is 30 km away
    (beyond the 20 km default limit) at £50/day. R (2 days x 10 weeks) can only go online:
    2 x 10 x £120 = £2,400, travel £0."""
    provs = [
        provider("SITE", 50, easting_m=30_000.0),
        provider("ON", easting_m=200_000.0, online=True, lot="therapeutic"),
    ]
    provs[1]["lots"] = [{"lot": "therapeutic", "price_gbp": 40.0, "per": "hour"}]
    sol = run(instance(provs, [referral("R")], hours_per_day=3.0, travel_cost_per_km_gbp=1.0))
    assert where(sol) == {"R": "ON"}
    assert sol.placements[0].travel_km == 0.0
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(2_400)
