"""Commissioning week by week over HTTP: a shortlist for one referral, a re-plan with last
week's placements locked, and the difference between two plans. Thin: the public surface
does the work. A shortlist (which may solve) and a re-plan (which solves) run in the
synchronous worker pool, like a synchronous solve: the same caps, size limit and
cancellation; `OPERATIONS` names what the worker runs for each."""

from __future__ import annotations

import json
from typing import Annotated, Any

import anyio.from_thread
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from api.problems import responses
from api.security import Caller, caller
from api.sync import Operation, solve_now
from optimiser import (
    PlacementInstance,
    PlacementSolution,
    PlanDiff,
    Shortlist,
    SolveOptions,
    diff,
    replan,
    replan_instance,
    shortlist,
)

router = APIRouter(prefix="/v1/placements", tags=["commissioning"], dependencies=[Depends(caller)])
ERRORS = responses(400, 401, 413, 422, 429, 500, 503)
LimitQuery = Annotated[float | None, Query(gt=0, le=86_400)]
PLANNER = "planner"  # the owner of the planner's synchronous operations (never listed)


def _strict_plan(value: Any) -> Any:
    """A plan read as strictly as an instance (no bool for an int, no number for a string);
    the message names the field, never the value."""
    if value is None or isinstance(value, PlacementSolution):
        return value
    try:
        return PlacementSolution.model_validate_json(json.dumps(value), strict=True)
    except (TypeError, ValidationError) as exc:
        errors = exc.errors() if isinstance(exc, ValidationError) else []
        where = ".".join(str(x) for x in errors[0]["loc"]) if errors else "(body)"
        reason = errors[0]["msg"] if errors else "not JSON"
        raise ValueError(f"not a placement plan at {where}: {reason}") from None


Plan = Annotated[PlacementSolution, BeforeValidator(_strict_plan)]


class ShortlistRequest(BaseModel):
    """A referral's shortlist: the instance, the reference, and the plan (solved when absent)."""

    model_config = ConfigDict(extra="forbid")
    instance: PlacementInstance
    reference: str = Field(max_length=64, description="The referral's reference.")
    solution: Plan | None = Field(default=None, description="The plan; solved first when absent.")
    k: int = Field(default=5, ge=1, le=100)


class ReplanRequest(BaseModel):
    """This week's instance and last week's plan, whose placements are locked by default."""

    model_config = ConfigDict(extra="forbid")
    instance: PlacementInstance = Field(description="This week's instance, new referrals too.")
    previous: Plan = Field(description="Last week's plan.")
    lock: bool = Field(default=True, description="Keep last week's placements as they are.")


class DiffRequest(BaseModel):
    """Two plans of one instance to compare (a before, b after)."""

    model_config = ConfigDict(extra="forbid")
    a: Plan
    b: Plan


def run_shortlist(body: ShortlistRequest, options: SolveOptions) -> Shortlist:
    """The shortlist, as a synchronous worker computes it."""
    return shortlist(body.instance, body.reference, body.solution, k=body.k, options=options)


def replan_of(body: ReplanRequest) -> PlacementInstance:
    """The instance a re-plan solves (last week's placements locked, or starting from them),
    for the worker to solve as a solve: the plan that always exists stored first, and every
    better plan as it arrives, so that a re-plan stopped at its cap still answers a plan."""
    return replan_instance(body.instance, body.previous, lock=body.lock)


def run_replan(body: ReplanRequest, options: SolveOptions) -> PlacementSolution:
    """This week's plan, as a synchronous worker solves it."""
    return replan(body.instance, body.previous, lock=body.lock, options=options)[1]


OPERATIONS: dict[str, Operation] = {
    "shortlist": Operation(ShortlistRequest, run_shortlist),
    "replan": Operation(ReplanRequest, run_replan, replan_of),
}


@router.post("/shortlist", response_model=Shortlist, responses=ERRORS)
async def shortlist_route(
    body: ShortlistRequest,
    request: Request,
    owner: Caller,
    time_limit_seconds: LimitQuery = None,
) -> Response:
    """The best eligible providers for one referral, with the extra cost of each to the plan,
    and every other provider of its lots with the rules that exclude it."""
    options = SolveOptions(time_limit_seconds=time_limit_seconds)
    return await solve_now(request, owner, body.instance, options, operation="shortlist", body=body)


def shortlist_from_thread(request: Request, body: ShortlistRequest) -> Shortlist:
    """The shortlist as POST /v1/placements/shortlist gives it (run by the synchronous pool),
    for code in a worker thread of the server (a planner page); HTTPException with the
    problem's status and code when there is none."""
    options = SolveOptions(time_limit_seconds=None)

    async def answer() -> Response:
        return await solve_now(
            request, PLANNER, body.instance, options, operation="shortlist", body=body
        )

    response = anyio.from_thread.run(answer)
    if response.status_code != 200:
        code = json.loads(bytes(response.body)).get("code", "failed")
        raise HTTPException(response.status_code, detail=code)
    return Shortlist.model_validate_json(bytes(response.body))


@router.post("/replan", response_model=PlacementSolution, responses=ERRORS)
async def replan_route(
    body: ReplanRequest,
    request: Request,
    owner: Caller,
    time_limit_seconds: LimitQuery = None,
) -> Response:
    """This week's plan: last week's placements locked (or moved at the move penalty)."""
    options = SolveOptions(time_limit_seconds=time_limit_seconds)
    return await solve_now(request, owner, body.instance, options, operation="replan", body=body)


@router.post("/diff", response_model=PlanDiff, responses=responses(400, 401, 413, 422))
def diff_route(body: DiffRequest) -> PlanDiff:
    """What changed from plan a to plan b."""
    return diff(body.a, body.b)
