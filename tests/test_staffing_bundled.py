"""Bundled staffing instances: both solvers agree, golden objectives hold, every plan verifies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from optimiser import SolveOptions, SolveStatus, parse_staffing, solve
from optimiser.staffing.schema import Category, StaffingInstance
from tests.helpers import INSTANCES

STAFFING = sorted(
    p for p in INSTANCES.glob("*.json") if json.loads(p.read_text())["kind"] == "staffing"
)


def _load(path: object) -> StaffingInstance:
    return parse_staffing(json.loads(Path(str(path)).read_text()))


@pytest.mark.parametrize("path", STAFFING, ids=lambda p: p.stem)
def test_highs_and_cbc_agree(path: object) -> None:
    instance = _load(path)
    highs = solve(instance, SolveOptions(solver="highs"))
    cbc = solve(instance, SolveOptions(solver="cbc"))
    assert highs.status is SolveStatus.OPTIMAL
    assert cbc.status is SolveStatus.OPTIMAL
    assert highs.net_cost_gbp == pytest.approx(cbc.net_cost_gbp, abs=1.0)


@pytest.mark.parametrize("path", STAFFING, ids=lambda p: p.stem)
def test_golden_objective_and_verifier(path: object, snapshot: SnapshotAssertion) -> None:
    """Status and net cost (to the pound) against the golden file in tests/__snapshots__;
    after a deliberate change: pytest tests/test_staffing_bundled.py --snapshot-update."""
    instance = _load(path)
    sol = solve(instance)
    assert sol.net_cost_gbp is not None
    found = {"status": sol.status.value, "net_cost_gbp": round(sol.net_cost_gbp)}
    assert found == snapshot.use_extension(JSONSnapshotExtension)
    assert sol.verification is not None
    assert sol.verification.passed
    assert sol.verification.checks >= 50


def test_oxfordshire_plan_respects_the_paragraph_23_bands() -> None:
    sol = solve(_load(INSTANCES / "oxfordshire_2015_16.json"))
    shares = {c.category: c.share for c in sol.categories}
    assert 0.25 - 1e-6 <= shares[Category.CORE] <= 0.40 + 1e-6
    assert 0.35 - 1e-6 <= shares[Category.CORE_PLUS] <= 0.40 + 1e-6
    assert 0.20 - 1e-6 <= shares[Category.TRADED] <= 0.30 + 1e-6
    assert sol.council is not None
    assert sol.council.cap_gbp == 1_814_000
    assert sol.council.net_gbp <= 1_814_000
    assert all(b.sentence.endswith(".") for b in sol.binding_rules)


def test_oakfield_viability_is_about_63_percent_take_up() -> None:
    """The minutes: viable at about 63% take-up of 200 schools at £4,000-£5,000 (here £4,500)."""
    base = json.loads((INSTANCES / "oakfield_traded_offer.json").read_text())
    statuses = {}
    for take_up in (0.62, 0.64):
        base["functions"][2]["traded"]["take_up_share"] = take_up
        statuses[take_up] = solve(parse_staffing(base)).status
    assert statuses[0.62] is SolveStatus.INFEASIBLE
    assert statuses[0.64] is SolveStatus.OPTIMAL
