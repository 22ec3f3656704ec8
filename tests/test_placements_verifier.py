"""The placement verifier catches tampered plans; solves never return a plan that fails it."""

from __future__ import annotations

import pytest

from optimiser import (
    PlacementInstance,
    PlacementSolution,
    VerificationError,
    parse_placements,
    solve,
)
from optimiser.placements import extract as placements_extract
from optimiser.placements.model import Assignment, PlacementModel
from optimiser.placements.schema import Weekday
from optimiser.placements.solution import Placement
from optimiser.placements.verify import verify_placements
from tests.placements_helpers import instance, provider, referral


def _solved() -> tuple[PlacementInstance, PlacementSolution]:
    data = instance(
        [provider("P", places=1, open_days=["mon", "tue", "wed"]), provider("Q", price=150)],
        [referral("R1", priority=2), referral("R2")],
    )
    inst = parse_placements(data)
    return inst, solve(inst)


def test_tampering_is_caught() -> None:
    inst, sol = _solved()
    assert verify_placements(inst, sol).passed
    moved = [p.model_copy(update={"provider": "P"}) for p in sol.placements]
    verdict = verify_placements(inst, sol.model_copy(update={"placements": moved}))
    assert any("over places in week 1" in v for v in verdict.violations)
    closed = [p.model_copy(update={"weekdays": [Weekday.THU, Weekday.FRI]}) for p in sol.placements]
    verdict = verify_placements(inst, sol.model_copy(update={"placements": closed}))
    assert any("closed" in v for v in verdict.violations)
    cheap = [p.model_copy(update={"charge_gbp": 1.0}) for p in sol.placements]
    verdict = verify_placements(inst, sol.model_copy(update={"placements": cheap}))
    assert any("charge" in v for v in verdict.violations)


def test_a_failing_plan_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    real = placements_extract.placements

    def everyone_at_p(model: PlacementModel, plan: Assignment) -> list[Placement]:
        return [p.model_copy(update={"provider": "P"}) for p in real(model, plan)]

    inst, _ = _solved()
    monkeypatch.setattr(placements_extract, "placements", everyone_at_p)
    with pytest.raises(VerificationError):
        solve(inst)
