"""Synchronous solves and validation (small instances; time limit capped by configuration)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, ConfigDict

from api import examples
from api.problems import responses
from api.security import SettingsDep, caller
from optimiser import (
    PlacementInstance,
    PlacementSolution,
    SolveOptions,
    StaffingInstance,
    StaffingSolution,
    check_instance,
    solve,
)

router = APIRouter(prefix="/v1", tags=["solve"], dependencies=[Depends(caller)])
LpSolverName = Literal["highs", "cbc"]
PlacementSolverName = Literal["flow", "lagrange", "highs", "cpsat"]
ERRORS = responses(400, 401, 413, 422, 500)

StaffingBody = Annotated[
    StaffingInstance, Body(openapi_examples=examples.examples(examples.STAFFING, "Two functions"))
]
PlacementBody = Annotated[
    PlacementInstance,
    Body(openapi_examples=examples.examples(examples.PLACEMENTS, "One place, two referrals")),
]


class Validity(BaseModel):
    model_config = ConfigDict(frozen=True)
    valid: bool
    kind: str
    counts: dict[str, int]


def _options(solver: str | None, time_limit: float | None, settings: SettingsDep) -> SolveOptions:
    return settings.capped(SolveOptions(solver=solver, time_limit_seconds=time_limit), sync=True)


@router.post("/staffing/solve", response_model=StaffingSolution, responses=ERRORS)
def solve_staffing_route(
    instance: StaffingBody,
    settings: SettingsDep,
    solver: Annotated[LpSolverName | None, Query()] = None,
    time_limit_seconds: Annotated[float | None, Query(gt=0, le=86_400)] = None,
) -> StaffingSolution:
    """Plan the staffing mix now; plain `def`, so the solve never blocks the event loop."""
    check_instance(instance)
    return solve(instance, _options(solver, time_limit_seconds, settings))


@router.post("/placements/solve", response_model=PlacementSolution, responses=ERRORS)
def solve_placements_route(
    instance: PlacementBody,
    settings: SettingsDep,
    solver: Annotated[PlacementSolverName | None, Query()] = None,
    time_limit_seconds: Annotated[float | None, Query(gt=0, le=86_400)] = None,
) -> PlacementSolution:
    """Place the referrals now; every unplaced referral comes with its reason."""
    check_instance(instance)
    return solve(instance, _options(solver, time_limit_seconds, settings))


@router.post("/staffing/validate", response_model=Validity, responses=responses(400, 401, 413, 422))
def validate_staffing_route(instance: StaffingBody) -> Validity:
    """The same checks as a solve, without solving."""
    check_instance(instance)
    counts = {"staff_groups": len(instance.staff_groups), "functions": len(instance.functions)}
    return Validity(valid=True, kind="staffing", counts=counts)


@router.post(
    "/placements/validate", response_model=Validity, responses=responses(400, 401, 413, 422)
)
def validate_placements_route(instance: PlacementBody) -> Validity:
    """The same checks as a solve, without solving."""
    check_instance(instance)
    counts = {"providers": len(instance.providers), "referrals": len(instance.referrals)}
    return Validity(valid=True, kind="placements", counts=counts)
