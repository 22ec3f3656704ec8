"""The verifier catches tampered plans, and a solve never returns a plan that fails it."""

from __future__ import annotations

import pytest

from optimiser import VerificationError, parse_staffing, solve
from optimiser.staffing import extract as staffing_extract
from optimiser.staffing.model import StaffingLp
from optimiser.staffing.schema import StaffingInstance
from optimiser.staffing.solution import Deployment, LedgerEntry, StaffingSolution
from optimiser.staffing.verify import verify_staffing
from tests.helpers import raw


def _plan() -> tuple[StaffingInstance, StaffingSolution]:
    instance = parse_staffing(raw("staffing_small"))
    return instance, solve(instance)


def test_the_solved_plan_passes() -> None:
    instance, plan = _plan()
    verdict = verify_staffing(instance, plan)
    assert verdict.passed
    assert verdict.checks > 40


def _tampered(plan: StaffingSolution, **update: object) -> StaffingSolution:
    return plan.model_copy(update=update)


def test_over_deployment_is_caught() -> None:
    instance, plan = _plan()
    extra = [*plan.deployments, Deployment(group="advisers", function="strategic", fte=1.0)]
    verdict = verify_staffing(instance, _tampered(plan, deployments=extra))
    assert not verdict.passed
    assert any("advisers deploys more than it retains" in v for v in verdict.violations)


def test_band_breach_and_wrong_net_are_caught() -> None:
    instance, plan = _plan()
    moved = [
        Deployment(
            group=d.group, function="traded" if d.function == "statutory" else d.function, fte=d.fte
        )
        for d in plan.deployments
    ]
    verdict = verify_staffing(instance, _tampered(plan, deployments=moved))
    text = "\n".join(verdict.violations)
    assert "traded above its band" in text
    assert "statutory below its minimum FTE" in text
    verdict = verify_staffing(instance, _tampered(plan, net_cost_gbp=1.0))
    assert any("reported net cost differs" in v for v in verdict.violations)


def test_ineligible_funding_is_caught() -> None:
    instance, plan = _plan()
    ledger = [*plan.ledger, LedgerEntry(source="dsg", centre="traded", amount_gbp=10.0)]
    verdict = verify_staffing(instance, _tampered(plan, ledger=ledger))
    text = "\n".join(verdict.violations)
    assert "dsg may not pay for traded" in text
    assert "traded's cost is not met exactly" in text


def test_a_plan_failing_verification_is_an_error_not_a_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Corrupt what the solver hands back: the solve must raise, not return the plan."""
    real = staffing_extract.deployments

    def corrupt(lp: StaffingLp) -> list[Deployment]:
        return [Deployment(group=d.group, function=d.function, fte=d.fte * 2) for d in real(lp)]

    monkeypatch.setattr(staffing_extract, "deployments", corrupt)
    with pytest.raises(VerificationError, match="failed independent verification"):
        solve(parse_staffing(raw("staffing_small")))
