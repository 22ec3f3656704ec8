"""Commissioning week by week over HTTP: a shortlist for one referral, a re-plan with last
week's placements locked, and the difference between two plans. Thin: the public surface
does the work. A shortlist (which may solve) and a re-plan (which solves) run in the
synchronous worker pool, like a synchronous solve: the same caps, size limit and
cancellation; api/operations.py names what the worker runs for each."""

from __future__ import annotations

import json
from typing import Annotated

import anyio.from_thread
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from api.operations import DiffRequest, ReplanRequest, ShortlistRequest
from api.problems import responses
from api.security import Caller, caller
from api.sync import solve_now
from optimiser import PlacementSolution, PlanDiff, Shortlist, SolveOptions, diff

router = APIRouter(prefix="/v1/placements", tags=["commissioning"], dependencies=[Depends(caller)])
ERRORS = responses(400, 401, 413, 422, 429, 500, 503)
LimitQuery = Annotated[float | None, Query(gt=0, le=86_400)]
PLANNER = "planner"  # the owner of the planner's synchronous operations (never listed)


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
