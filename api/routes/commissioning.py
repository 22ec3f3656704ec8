"""Commissioning week by week over HTTP: a shortlist for one referral, a re-plan with last
week's placements locked, and the difference between two plans. Thin: the public surface
does the work."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from api.problems import responses
from api.security import SettingsDep, caller
from optimiser import (
    PlacementInstance,
    PlacementSolution,
    PlanDiff,
    Shortlist,
    SolveOptions,
    diff,
    replan,
    shortlist,
)

router = APIRouter(prefix="/v1/placements", tags=["commissioning"], dependencies=[Depends(caller)])
ERRORS = responses(400, 401, 413, 422, 500)


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


def _options(time_limit: float | None, settings: SettingsDep) -> SolveOptions:
    return settings.capped(SolveOptions(time_limit_seconds=time_limit), sync=True)


@router.post("/shortlist", response_model=Shortlist, responses=ERRORS)
def shortlist_route(
    body: ShortlistRequest,
    settings: SettingsDep,
    time_limit_seconds: Annotated[float | None, Query(gt=0, le=86_400)] = None,
) -> Shortlist:
    """The best eligible providers for one referral, with the extra cost of each to the plan,
    and every other provider of its lots with the rules that exclude it."""
    options = _options(time_limit_seconds, settings)
    return shortlist(body.instance, body.reference, body.solution, k=body.k, options=options)


@router.post("/replan", response_model=PlacementSolution, responses=ERRORS)
def replan_route(
    body: ReplanRequest,
    settings: SettingsDep,
    time_limit_seconds: Annotated[float | None, Query(gt=0, le=86_400)] = None,
) -> PlacementSolution:
    """This week's plan: last week's placements locked (or moved at the move penalty)."""
    options = _options(time_limit_seconds, settings)
    return replan(body.instance, body.previous, lock=body.lock, options=options)[1]


@router.post("/diff", response_model=PlanDiff, responses=responses(400, 401, 413, 422))
def diff_route(body: DiffRequest) -> PlanDiff:
    """What changed from plan a to plan b."""
    return diff(body.a, body.b)
