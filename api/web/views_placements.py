"""The commissioning workspace: start, plan, result (placements, unplaced referrals and their
reasons, use of places by week, the plan on the map) and a page per referral."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from api.web import charts, planning, runs
from api.web.errors import PageError
from api.web.levers import FieldError
from api.web.render import page
from api.web.session import Csrf, Owner
from api.web.views_commissioning import shortlist_of
from optimiser import PlacementInstance, PlacementSolution

router = APIRouter(include_in_schema=False)
KIND = "placements"
TITLE = "Alternative Provision placements"
PAGE_ROWS = 100
UNPLACED_ROWS = 100  # then "show all"
MAP_PUPILS = 3000  # beyond it, an even sample (the page says so)
HEAT_ROWS = 80  # providers in the heat map: beyond it, the fullest (the page says so)
REASONS = {
    "no_eligible_provider": "No eligible provider",
    "all_full": "Every eligible provider is full",
    "budget_cap": "Over the budget cap",
    "provider_share_cap": "Provider share cap",
    "minimum_average_quality": "Minimum average quality",
    "cheaper_unplaced": "Cheaper to buy a spot place",
    "displaced": "Displaced by another pupil",
}
SORTS = {
    "provider": lambda p: (p.provider, p.start_week),
    "lot": lambda p: (p.lot, p.provider),
    "week": lambda p: (p.start_week, p.provider),
    "cost": lambda p: -p.total_cost_gbp,
    "travel": lambda p: -p.travel_km,
}


@router.get("/placements", response_class=HTMLResponse)
def start(request: Request, owner: Owner) -> HTMLResponse:
    """The placements start page: upload a workbook or choose a bundled instance."""
    return page(
        request,
        "placements_start.html",
        title=TITLE,
        bundled=runs.bundled(request, KIND),
        **planning.advanced_context(request, KIND),
    )


@router.post("/placements/upload", response_class=HTMLResponse, dependencies=[Csrf])
async def upload(
    request: Request,
    owner: Owner,
    file: Annotated[UploadFile, File()],
    name: Annotated[str, Form(alias="upload-name", max_length=120)] = "",
) -> Response:
    """Plan an uploaded placements workbook."""
    return await planning.upload_and_plan(
        request, owner, file, name=name, kind=KIND, template="placements_start.html"
    )


@router.post("/placements/plan", response_class=HTMLResponse, dependencies=[Csrf])
async def plan_bundled(
    request: Request,
    owner: Owner,
    bundled: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    """Plan a bundled placements instance with the form's Advanced options."""
    typed, options, errors = planning.read_advanced(
        await request.form(), KIND, planning.time_cap(request)
    )
    if not bundled:
        errors.insert(0, FieldError("bundled", "Select an instance to plan"))
    if errors or options is None:
        return planning.start_page(
            request, "placements_start.html", KIND, errors=errors, typed=typed, title=TITLE
        )
    instance = runs.load_bundled(request, bundled, KIND)
    try:
        return planning.planned(request, owner, instance, name, None, options=options)
    except runs.QueueFullError:
        errors = [FieldError("bundled", planning.QUEUE_FULL)]
    return planning.start_page(
        request,
        "placements_start.html",
        KIND,
        errors=errors,
        typed=typed,
        title=TITLE,
        status_code=503,
    )


@dataclass(frozen=True)
class Filters:
    """The filters of the placements result page, from its query string."""

    lot: str = ""
    provider: str = ""
    week: int | None = None
    sort: str = "provider"
    page: int = 1


def filters_of(request: Request) -> Filters:
    """The result page's filters from the query string."""
    q = request.query_params
    week = q.get("week", "").strip()
    page_no = q.get("page", "1")
    return Filters(
        lot=q.get("lot", ""),
        provider=q.get("provider", ""),
        week=int(week) if week.isdigit() else None,
        sort=q.get("sort", "provider") if q.get("sort") in SORTS else "provider",
        page=max(1, int(page_no)) if page_no.isdigit() else 1,
    )


def result_context(request: Request, scenario: runs.Scenario) -> dict[str, Any]:
    """The template context of a placements result page."""
    solution, instance = scenario.solution, scenario.instance
    assert isinstance(solution, PlacementSolution)
    assert isinstance(instance, PlacementInstance)
    f = filters_of(request)
    rows = [
        p
        for p in solution.placements
        if (not f.lot or p.lot == f.lot)
        and (not f.provider or p.provider == f.provider)
        and (f.week is None or p.start_week <= f.week <= p.end_week)
    ]
    rows.sort(key=SORTS[f.sort])
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    shown = rows[(f.page - 1) * PAGE_ROWS : f.page * PAGE_ROWS]
    index = {r.reference: i for i, r in enumerate(instance.referrals)}
    return {
        "solution": solution,
        "instance": instance,
        "filters": f,
        "rows": shown,
        "matching": len(rows),
        "pages": pages,
        "index": index,
        "provider_names": {p.id: p.name for p in instance.providers},
        "lot_names": {lot.id: lot.name for lot in instance.lots},
        "reasons": REASONS,
        "unplaced_rows": solution.unplaced
        if request.query_params.get("unplaced") == "all"
        else solution.unplaced[:UNPLACED_ROWS],
        "peaks": [u for u in solution.utilisation if u.lot is None and u.weekday is None],
        "utilisation_svg": _utilisation(solution, instance),
        "map_svg": _map(solution, instance),
        "heat_rows": HEAT_ROWS,
        "map_pupils": MAP_PUPILS,
    }


def _utilisation(solution: PlacementSolution, instance: PlacementInstance) -> Any:
    """Places in use by week at each provider with a placement, summed from the plan's
    placements (each counts its places in every week from its start to its end)."""
    used: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for p in solution.placements:
        for week in range(p.start_week, p.end_week + 1):
            used[p.provider][week] += p.places_used
    if not used:
        return ""
    weeks = range(min(min(w) for w in used.values()), max(max(w) for w in used.values()) + 1)
    providers = {p.id: p for p in instance.providers}

    def fullness(pid: str) -> float:
        places = providers[pid].places
        return max(used[pid].values()) / places if places else 0.0

    shown = sorted(used, key=fullness, reverse=True)[:HEAT_ROWS]
    loads = [
        charts.Load(providers[pid].name, providers[pid].places, used[pid])
        for pid in sorted(shown, key=lambda pid: _natural(providers[pid].name))
    ]
    return charts.utilisation(loads, list(weeks))


def _natural(name: str) -> list[str | int]:
    """'Provider 9' before 'Provider 10'."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def _map(solution: PlacementSolution, instance: PlacementInstance) -> Any:
    providers = {
        p.id: charts.Point(p.easting_m, p.northing_m, p.name)
        for p in instance.providers
        if not p.online
    }
    referrals = {r.reference: r for r in instance.referrals}

    def point(reference: str) -> charts.Point:
        r = referrals[reference]
        return charts.Point(r.easting_m, r.northing_m, "")

    placed = [
        (point(p.reference), providers[p.provider])
        for p in solution.placements
        if p.provider in providers
    ]
    unplaced = [point(u.reference) for u in solution.unplaced]
    step = max(1, -(-(len(placed) + len(unplaced)) // MAP_PUPILS))  # an even sample beyond it
    return charts.plan_map(list(providers.values()), placed[::step], unplaced[::step])


@router.get("/scenarios/{job_id}/referrals/{position}", response_class=HTMLResponse)
def referral_page(request: Request, job_id: str, position: int, owner: Owner) -> HTMLResponse:
    """One referral: its needs, its placement or the reasons it has none. Addressed by its
    position in the instance: a pupil's reference never goes in an address or a log."""
    scenario = runs.load(request, owner, job_id)
    solution, instance = scenario.solution, scenario.instance
    if not isinstance(solution, PlacementSolution) or not isinstance(instance, PlacementInstance):
        raise PageError(404, "Not a placement plan", "Only a placement plan has referrals.")
    if not 0 <= position < len(instance.referrals):
        raise PageError(404, "Referral not found", "There is no referral at that address.")
    referral = instance.referrals[position]
    placement = next((p for p in solution.placements if p.reference == referral.reference), None)
    unplaced = next((u for u in solution.unplaced if u.reference == referral.reference), None)
    return page(
        request,
        "referral.html",
        title="Referral",
        scenario=scenario,
        referral=referral,
        position=position,
        placement=placement,
        unplaced=unplaced,
        provider_names={p.id: p.name for p in instance.providers},
        lot_names={lot.id: lot.name for lot in instance.lots},
        reasons=REASONS,
        shortlist=shortlist_of(request, job_id, instance, referral.reference, solution),
    )
