"""Commissioning week by week: a referral's shortlist, a re-plan with new referrals (the
previous placements locked by default) run as a job, and the difference between two plans.
Each calls what the commissioning routes call."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from api.operations import ShortlistRequest
from api.routes.commissioning import shortlist_from_thread
from api.web import planning, runs
from api.web.errors import PageError
from api.web.levers import FieldError
from api.web.render import page
from api.web.session import Csrf, Owner
from optimiser import (
    InstanceError,
    OptimiserError,
    PlacementInstance,
    PlacementSolution,
    Shortlist,
    diff,
    replan_instance,
)

router = APIRouter(include_in_schema=False)
KIND = "placements"
CHANGES = {
    "moved": "Moved",
    "newly_placed": "Newly placed",
    "newly_unplaced": "Newly unplaced",
    "changed": "Days or cost changed",
}
SHORTLIST_LENGTH = 5
CHANGE_ROWS = 200  # referrals listed in a difference; the counts cover them all


def placement_plan(
    request: Request, owner: str, job_id: str
) -> tuple[runs.Scenario, PlacementInstance, PlacementSolution]:
    """A placement scenario with its instance and plan (404 for anything else)."""
    scenario = runs.load(request, owner, job_id)
    solution, instance = scenario.solution, scenario.instance
    if not isinstance(solution, PlacementSolution) or not isinstance(instance, PlacementInstance):
        raise PageError(404, "Not a placement plan", "Only a placement plan can be re-planned.")
    return scenario, instance, solution


def shortlist_of(
    request: Request,
    job_id: str,
    instance: PlacementInstance,
    reference: str,
    plan: PlacementSolution,
) -> Shortlist | str:
    """The referral's shortlist in a finished plan, as POST /v1/placements/shortlist gives it
    (kept for the last few asked), or in words why there is none."""
    key = f"{job_id}/{reference}"
    kept = _SHORTLISTS.get(key)
    if kept is not None:
        return kept
    body = ShortlistRequest(
        instance=instance, reference=reference, solution=plan, k=SHORTLIST_LENGTH
    )
    try:
        found = shortlist_from_thread(request, body)
    except HTTPException as exc:
        runs.log.info(
            "no shortlist for a referral of %d: %d", len(instance.referrals), exc.status_code
        )
        return NO_SHORTLIST.get(exc.status_code, NO_SHORTLIST[0])
    except OptimiserError:
        runs.log.info("no shortlist for a referral of %d", len(instance.referrals))
        return NO_SHORTLIST[0]
    _SHORTLISTS.put(key, found)
    return found


NO_SHORTLIST = {
    0: "The shortlist could not be worked out for this plan.",
    413: "This plan has too many referrals to work out a shortlist on this page.",
    429: "The planner is busy: reload the page in a minute to see the shortlist.",
    503: "The planner is busy: reload the page in a minute to see the shortlist.",
}
_SHORTLISTS: runs.Recent[Shortlist] = runs.Recent(64)


def _replan_page(
    request: Request,
    scenario: runs.Scenario,
    *,
    errors: list[FieldError] | None = None,
    typed: planning.Advanced | None = None,
    lock: bool = True,
    name: str = "",
) -> HTMLResponse:
    cap = planning.time_cap(request)
    typed = typed or planning.advanced_of(runs.options_of(request, scenario.job.id), cap)
    return page(
        request,
        "replan.html",
        status_code=422 if errors else 200,
        title="Re-plan with new referrals",
        scenario=scenario,
        errors=errors or [],
        lock=lock,
        name=name or f"{scenario.name}: re-planned",
        **planning.advanced_context(request, KIND, typed),
    )


@router.get("/scenarios/{job_id}/replan", response_class=HTMLResponse)
def replan_page(request: Request, job_id: str, owner: Owner) -> HTMLResponse:
    """Upload this week's referrals to re-plan a placement plan."""
    scenario, _, _ = placement_plan(request, owner, job_id)
    return _replan_page(request, scenario)


@router.post("/scenarios/{job_id}/replan", response_class=HTMLResponse, dependencies=[Csrf])
async def replan_submit(
    request: Request,
    job_id: str,
    owner: Owner,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Queue the re-plan as a job: this week's instance, in which each referral placed in the
    previous plan keeps its placement (locked) or starts from it at the move penalty."""
    scenario, _, previous = placement_plan(request, owner, job_id)
    form = await request.form()
    typed, options, errors = planning.read_advanced(form, KIND, planning.time_cap(request))
    lock = form.get("keep") != "move"
    name = str(form.get("name", ""))[:120]
    try:
        week = await _week(file, previous, lock=lock)
        if isinstance(week, FieldError):
            errors.insert(0, week)
        elif options is not None:
            return planning.planned(request, owner, week, name, job_id, options=options)
    except InstanceError as exc:
        errors[:0] = [FieldError("file", str(p)) for p in exc.problems]
    except runs.QueueFullError:
        errors.insert(0, FieldError("file", planning.QUEUE_FULL))
    return _replan_page(request, scenario, errors=errors, typed=typed, lock=lock, name=name)


async def _week(
    file: UploadFile, previous: PlacementSolution, *, lock: bool
) -> PlacementInstance | FieldError:
    """This week's instance from the uploaded register (InstanceError names each problem)."""
    suffix = runs.upload_suffix(file)
    if suffix is None:
        return FieldError("file", "Select a workbook (.xlsx) or a JSON file")
    register = await runs.read_upload(file, suffix)
    if not isinstance(register, PlacementInstance):
        return FieldError("file", "The file is not a placements plan")
    return replan_instance(register, previous, lock=lock)


def diff_context(
    before: runs.Scenario, after: runs.Scenario, instance: PlacementInstance | None
) -> dict[str, Any] | None:
    """What changed from one placement plan to another, as the diff route gives it, with names
    for ids (`instance`: the later plan's, whose referrals the links address)."""
    a, b = before.solution, after.solution
    if not isinstance(a, PlacementSolution) or not isinstance(b, PlacementSolution):
        return None
    names: dict[str, str] = {}
    lots: dict[str, str] = {}
    for scenario in (before, after):
        if isinstance(scenario.instance, PlacementInstance):
            names.update({p.id: p.name for p in scenario.instance.providers})
            lots.update({lot.id: lot.name for lot in scenario.instance.lots})
    changes = diff(a, b)
    counts = dict.fromkeys(CHANGES, 0)
    for c in changes.referrals:
        counts[c.change] = counts.get(c.change, 0) + 1
    index = {r.reference: i for i, r in enumerate(instance.referrals)} if instance else {}
    earlier = before.instance
    return {
        "known_before": {r.reference for r in earlier.referrals}
        if isinstance(earlier, PlacementInstance)
        else set(),
        "diff": changes,
        "counts": counts,
        "change_label": CHANGES,
        "shown": changes.referrals[:CHANGE_ROWS],
        "provider_names": names,
        "lot_names": lots,
        "where": lambda at: _where(at, names, lots),
        "index": index,
        "before": before,
        "after": after,
    }


def _where(at: str | None, names: dict[str, str], lots: dict[str, str]) -> str:
    """'P0004/complex_bespoke' as 'Provider 4, Complex and bespoke'; None as unplaced."""
    if at is None:
        return "Unplaced"
    provider, _, lot = at.partition("/")
    return f"{names.get(provider, provider)}, {lots.get(lot, lot)}"


def parent_diff(request: Request, owner: str, scenario: runs.Scenario) -> dict[str, Any] | None:
    """A re-plan's difference from the plan it was re-planned from."""
    parent = runs.parent_of(request, owner, scenario)
    instance = scenario.instance if isinstance(scenario.instance, PlacementInstance) else None
    return diff_context(parent, scenario, instance) if parent is not None else None
