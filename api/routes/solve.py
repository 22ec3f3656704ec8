"""Synchronous solves (run by the synchronous worker pool, capped in size and time) and
validation (the engine's checks, no solve)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from api import examples
from api.problems import responses
from api.security import Caller, caller
from api.sync import solve_now
from optimiser import (
    PlacementInstance,
    PlacementSolution,
    SolveOptions,
    Solver,
    StaffingInstance,
    StaffingSolution,
    check_instance,
)

router = APIRouter(prefix="/v1", tags=["solve"], dependencies=[Depends(caller)])
ERRORS = responses(400, 401, 413, 422, 429, 500, 503)

StaffingBody = Annotated[
    StaffingInstance, Body(openapi_examples=examples.examples(examples.STAFFING, "Two functions"))
]
PlacementBody = Annotated[
    PlacementInstance,
    Body(openapi_examples=examples.examples(examples.PLACEMENTS, "One place, two referrals")),
]
SolverQuery = Annotated[Solver | None, Query()]
LimitQuery = Annotated[float | None, Query(gt=0, le=86_400)]


class Validity(BaseModel):
    """Whether an instance is valid, with counts of what it holds."""

    model_config = ConfigDict(frozen=True)
    valid: bool
    kind: str
    counts: dict[str, int]


@router.post("/staffing/solve", response_model=StaffingSolution, responses=ERRORS)
async def solve_staffing_route(
    instance: StaffingBody,
    request: Request,
    owner: Caller,
    solver: SolverQuery = None,
    time_limit_seconds: LimitQuery = None,
) -> Response:
    """Plan the staffing mix now, in a supervised worker process."""
    options = SolveOptions(solver=solver, time_limit_seconds=time_limit_seconds)
    return await solve_now(request, owner, instance, options)


@router.post("/placements/solve", response_model=PlacementSolution, responses=ERRORS)
async def solve_placements_route(
    instance: PlacementBody,
    request: Request,
    owner: Caller,
    solver: SolverQuery = None,
    time_limit_seconds: LimitQuery = None,
) -> Response:
    """Place the referrals now; every unplaced referral comes with its reason."""
    options = SolveOptions(solver=solver, time_limit_seconds=time_limit_seconds)
    return await solve_now(request, owner, instance, options)


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
