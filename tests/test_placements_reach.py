"""The k-d tree search for referrals within a provider's reach only shrinks the work of
building pairs: the pairs are exactly those of judging every referral against every provider."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from optimiser import load_instance
from optimiser.placements import pairs, reach
from optimiser.placements.generate import generate_placements
from optimiser.placements.pairs import grid_km
from optimiser.placements.reach import Ints
from optimiser.placements.schema import PlacementInstance, separation_km

ROOT = Path(__file__).resolve().parents[1]


def _every_referral(inst: PlacementInstance, *_: object) -> list[None]:
    return [None] * len(inst.providers)


def _reached(inst: PlacementInstance) -> list[Ints | None]:
    ra = pairs.ReferralArrays.of(inst)
    return reach.within_reach(inst, (ra.easting, ra.northing), ra.max_travel_km)


def _same(inst: PlacementInstance, monkeypatch: pytest.MonkeyPatch) -> int:
    """Pairs with the search as configured, then with every referral judged everywhere."""
    searched = pairs.build_pairs(inst)
    with monkeypatch.context() as m:
        m.setattr(pairs, "within_reach", _every_referral)
        everyone = pairs.build_pairs(inst)
    for name in pairs.Pairs.__dataclass_fields__:
        assert np.array_equal(getattr(searched, name), getattr(everyone, name)), name
    return len(everyone)


@pytest.mark.parametrize("kind", ["plain", "offers", "weekday", "range"])
def test_national_spread_pairs_match(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Schools spread over 450 km, journeys of 10-25 km: each provider reaches about 1% of
    the referrals, so the search is used (checked), and the pairs are the same."""
    options = {
        "plain": {},
        "offers": {"offers": True},
        "weekday": {"weekday_places": True, "days": (2, 3)},
        "range": {"days": (2, 5)},
    }[kind]
    inst = generate_placements(1_500, 200, seed=3, side_km=450.0, **options)  # type: ignore[arg-type]
    searched = [rows for rows in _reached(inst) if rows is not None]
    assert len(searched) > 150
    assert max(len(rows) for rows in searched) < len(inst.referrals) // 4
    assert _same(inst, monkeypatch) > 1_000


def test_call_off_pairs_match(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a call-off only offers make pairs; an offer from beyond the reach is no pair."""
    inst = generate_placements(1_500, 200, seed=5, side_km=450.0, offers=True)
    inst = inst.model_copy(update={"policy": inst.policy.model_copy(update={"offers_only": True})})
    assert _same(inst, monkeypatch) > 0


@pytest.mark.parametrize("name", ["county_600x80", "county_week2", "outreach_primary", "dps_small"])
def test_bundled_pairs_match_with_the_search_forced(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundled instances (outreach radii, online providers, locks, offers) with the
    search used whatever the share of the area a provider reaches."""
    inst = load_instance(ROOT / "instances" / f"{name}.json")
    assert isinstance(inst, PlacementInstance)
    monkeypatch.setattr(reach, "REACH_SHARE", float("inf"))
    assert any(rows is not None for rows in _reached(inst))
    assert _same(inst, monkeypatch) > 0


def test_array_distances_are_the_schemas_to_the_bit() -> None:
    """The pairs' and the evidence's distances (pairs.grid_km) are the verifier's
    (schema.separation_km) bit for bit, on random and on whole-metre grid references."""
    rng = np.random.default_rng(7)
    for east, north in (
        (rng.uniform(-5e5, 7e5, 20_000), rng.uniform(-5e5, 1.2e6, 20_000)),
        (rng.integers(0, 700_000, 20_000).astype(float), rng.integers(0, 1_200_000, 20_000)),
    ):
        de, dn = east - 431_234.5, np.asarray(north, dtype=float) - 206_789.0
        scalar = [
            separation_km(
                SimpleNamespace(easting_m=e, northing_m=n),  # type: ignore[arg-type]
                SimpleNamespace(easting_m=431_234.5, northing_m=206_789.0),  # type: ignore[arg-type]
            )
            for e, n in zip(east.tolist(), np.asarray(north, dtype=float).tolist(), strict=True)
        ]
        assert grid_km(de, dn).tolist() == scalar
