"""Bundled placement instances: golden objectives, the three backends agree, reasons given."""

from __future__ import annotations

import json

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from optimiser import PlacementInstance, SolveOptions, SolveStatus, parse_placements, solve
from tests.helpers import INSTANCES

BUNDLED = sorted(
    p.stem for p in INSTANCES.glob("*.json") if json.loads(p.read_text())["kind"] == "placements"
)


def _load(name: str) -> PlacementInstance:
    return parse_placements(json.loads((INSTANCES / f"{name}.json").read_text()))


@pytest.mark.parametrize("name", BUNDLED)
def test_golden(name: str, snapshot: SnapshotAssertion) -> None:
    """Backend, placement cost (to the pound) and placed count against the golden file in
    tests/__snapshots__; after a deliberate change:
    pytest tests/test_placements_bundled.py --snapshot-update."""
    sol = solve(_load(name))
    assert sol.status is SolveStatus.OPTIMAL
    assert sol.totals is not None
    found = {
        "backend": sol.backend,
        "objective_gbp": round(sol.totals.objective_gbp),
        "placed": sol.totals.placed,
    }
    assert found == snapshot.use_extension(JSONSnapshotExtension)
    assert sol.verification is not None
    assert sol.verification.passed
    assert all(u.reason and u.explanation for u in sol.unplaced)


@pytest.mark.parametrize("name", ["dps_small", "county_600x80"])
def test_every_backend_agrees(name: str) -> None:
    instance = _load(name)
    values = {}
    for solver in ("flow", "lagrange", "highs", "cpsat"):
        sol = solve(instance, SolveOptions(solver=solver, mip_gap=0.0))
        assert sol.status is SolveStatus.OPTIMAL
        assert sol.totals is not None
        values[solver] = sol.totals.objective_gbp
    assert values["highs"] == pytest.approx(values["flow"], abs=0.05)
    assert values["cpsat"] == pytest.approx(values["flow"], abs=0.05)
    assert values["lagrange"] == pytest.approx(values["flow"], abs=0.05)


def test_outreach_highs_and_cpsat_agree_and_choose_days() -> None:
    instance = _load("outreach_primary")
    highs = solve(instance, SolveOptions(solver="highs", mip_gap=0.0))
    cpsat = solve(instance, SolveOptions(solver="cpsat", mip_gap=0.0))
    assert highs.totals is not None
    assert cpsat.totals is not None
    assert highs.totals.objective_gbp == pytest.approx(cpsat.totals.objective_gbp, abs=0.05)
    outreach = [p for p in highs.placements if p.provider == "inclusion_outreach"]
    assert outreach
    assert all(p.weekdays_chosen for p in outreach)
    peak = max(
        u.peak for u in highs.utilisation if u.provider == "inclusion_outreach" and u.weekday
    )
    assert peak <= 16
    assert {u.reason for u in highs.unplaced} == {"all_full"}


def test_small_dps_has_exactly_one_unplaced_referral_and_says_why() -> None:
    sol = solve(_load("dps_small"))
    assert [u.reference for u in sol.unplaced] == ["DPS-020"]
    u = sol.unplaced[0]
    assert u.reason == "no_eligible_provider"
    assert len(u.excluded) >= 3
    assert all(e.rules for e in u.excluded)
    assert {p.lot for p in sol.placements} >= {
        "interim_full_time",
        "online_tuition",
        "therapeutic",
        "early_intervention",
        "complex_bespoke",
    }
