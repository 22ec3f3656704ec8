"""On random instances, every backend that applies finds the same optimum, every plan passes
the verifier (a failing plan raises), and every unplaced referral carries a reason."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimiser import SolveStatus, parse_placements
from optimiser.placements.model import build, flow_blockers
from optimiser.placements.side import SideRule
from tests.placements_helpers import run

LOTS = ["therapeutic", "early_intervention", "online_tuition"]
REASONS = {
    "no_eligible_provider",
    "all_full",
    "budget_cap",
    "provider_share_cap",
    "minimum_average_quality",
    "cheaper_unplaced",
    "displaced",
}


@st.composite
def placement_instances(draw: st.DrawFn) -> dict[str, Any]:
    providers = []
    for i in range(draw(st.integers(1, 3))):
        lots = draw(st.lists(st.sampled_from(LOTS), min_size=1, max_size=2, unique=True))
        providers.append(
            {
                "id": f"P{i}",
                "name": f"P{i}",
                "quality_rating": draw(st.integers(1, 5)),
                "registered_school": draw(st.booleans()),
                "lots": [
                    {
                        "lot": lot,
                        "price_gbp": draw(st.integers(60, 320)),
                        **({"places": draw(st.integers(0, 3))} if draw(st.booleans()) else {}),
                    }
                    for lot in lots
                ],
                "places": draw(st.one_of(st.none(), st.integers(0, 4))),
                "places_per_weekday": draw(st.one_of(st.none(), st.none(), st.integers(1, 3))),
                "easting_m": float(draw(st.integers(0, 20_000))),
            }
        )
    spread = draw(st.booleans())
    referrals = []
    for j in range(draw(st.integers(1, 7))):
        start = draw(st.integers(1, 8)) if spread else 1
        referrals.append(
            {
                "reference": f"R{j}",
                "lots": draw(st.lists(st.sampled_from(LOTS), min_size=1, max_size=2, unique=True)),
                "key_stage": 3,
                "days_per_week": draw(st.integers(1, 5)),
                "start_week": start,
                "end_week": start + draw(st.integers(0, 8)),
                "max_travel_km": 15.0,
                "ehcp": draw(st.booleans()),
                "priority": draw(st.integers(1, 2)),
            }
        )
    policy: dict[str, Any] = {"min_quality_rating": 2, "travel_cost_per_km_gbp": 0.45}
    if draw(st.booleans()):
        policy["budget_cap_gbp"] = float(draw(st.integers(0, 20_000)))
    if draw(st.booleans()):
        policy["max_provider_share"] = draw(st.sampled_from([0.5, 0.75]))
    if draw(st.booleans()):
        policy["min_average_quality"] = draw(st.sampled_from([2.5, 3.5]))
    return {
        "kind": "placements",
        "name": "random",
        "providers": providers,
        "referrals": referrals,
        "policy": policy,
    }


def _check(data: dict[str, Any], solver: str) -> float:
    sol = run(data, solver)
    assert sol.status is SolveStatus.OPTIMAL
    assert sol.verification is not None
    assert sol.verification.passed
    assert {u.reason for u in sol.unplaced} <= REASONS
    assert all(u.explanation for u in sol.unplaced)
    assert sol.totals is not None
    return sol.totals.objective_gbp


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(placement_instances())
def test_backends_agree(data: dict[str, Any]) -> None:
    solvers = ["highs", "cpsat"]
    blockers = flow_blockers(build(parse_placements(data)))
    if not blockers:
        solvers.append("flow")
    elif all(b in {SideRule.BUDGET_CAP, SideRule.MINIMUM_AVERAGE_QUALITY} for b in blockers):
        solvers.append("lagrange")
    objectives = {s: _check(data, s) for s in solvers}
    best = objectives["highs"]
    for solver, value in objectives.items():
        assert value == pytest.approx(best, abs=0.05), (solver, objectives)
