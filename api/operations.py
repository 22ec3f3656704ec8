"""The synchronous operations besides a solve, as a worker runs them: their request bodies
(a plan read as strictly as an instance) and what each runs. Shared by the routes, which
accept them, and the worker process, which runs them; no HTTP here."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from optimiser import (
    PlacementInstance,
    PlacementSolution,
    Shortlist,
    SolveOptions,
    replan_instance,
    shortlist,
)


class Operation(NamedTuple):
    """A synchronous operation other than a solve: the model its body is read back with in
    the worker, and either what the worker runs (`run`: options capped, time limit what is
    left) or, for a solve of an instance made from the body (a re-plan), how to make that
    instance (`instance`): the worker then solves it as a solve, its plans kept as they
    arrive."""

    body: type[BaseModel]
    run: Callable[[Any, SolveOptions], BaseModel] | None = None
    instance: Callable[[Any], PlacementInstance] | None = None


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


OPERATIONS: dict[str, Operation] = {
    "shortlist": Operation(ShortlistRequest, run_shortlist),
    "replan": Operation(ReplanRequest, instance=replan_of),
}
