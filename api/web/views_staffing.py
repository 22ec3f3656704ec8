"""The staffing workspace (a deputy director): start, levers, plan, result, relax a rule."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from api.web import charts, levers, planning, runs, years
from api.web.errors import PageError
from api.web.render import page
from api.web.session import Csrf, Owner
from optimiser import (
    CATEGORY_LABEL,
    UNALLOCATED,
    InstanceError,
    StaffingInstance,
    StaffingSolution,
    relax,
    relaxable,
)

router = APIRouter(include_in_schema=False)
KIND = "staffing"
UNALLOCATED_LABEL = "Unallocated (idle staff, release costs, overheads)"


@router.get("/staffing", response_class=HTMLResponse)
def start(request: Request, owner: Owner) -> HTMLResponse:
    """The staffing start page: upload a workbook or choose a bundled instance."""
    return page(
        request,
        "staffing_start.html",
        title="Staffing mix",
        bundled=runs.bundled(request, KIND),
        **planning.advanced_context(request, KIND),
    )


@router.post("/staffing/upload", response_class=HTMLResponse, dependencies=[Csrf])
async def upload(
    request: Request,
    owner: Owner,
    file: Annotated[UploadFile, File()],
    name: Annotated[str, Form(alias="upload-name", max_length=120)] = "",
) -> Response:
    """Plan an uploaded workbook or JSON file as it stands (change its levers afterwards)."""
    return await planning.upload_and_plan(
        request, owner, file, name=name, kind=KIND, template="staffing_start.html"
    )


def _base(request: Request, owner: str, bundled: str, source: str) -> StaffingInstance:
    """The instance the levers start from: a bundled one, or a scenario's."""
    if source:
        scenario = runs.load(request, owner, source)
        instance = scenario.instance
    else:
        instance = runs.load_bundled(request, bundled, KIND)
    if not isinstance(instance, StaffingInstance):
        raise PageError(404, "Not a staffing plan", "Start from a staffing instance.")
    return instance


@router.get("/staffing/levers", response_class=HTMLResponse)
def levers_page(request: Request, owner: Owner, bundled: str = "", source: str = "") -> Response:
    """The levers page of a bundled instance or an earlier scenario."""
    instance = _base(request, owner, bundled, source)
    cap = planning.time_cap(request)
    typed = planning.advanced_of(runs.options_of(request, source), cap) if source else None
    return page(
        request,
        "staffing_levers.html",
        title="Change the levers",
        instance=instance,
        groups=levers.levers(instance),
        bundled=bundled,
        source=source,
        name=f"{instance.name}: changed levers" if source else instance.name,
        **planning.advanced_context(request, KIND, typed),
    )


@router.post("/staffing/plan", response_class=HTMLResponse, dependencies=[Csrf])
async def plan(request: Request, owner: Owner) -> Response:
    """Plan a staffing scenario from the levers form."""
    form = await request.form()
    bundled, source = str(form.get("bundled", "")), str(form.get("source", ""))
    name = str(form.get("name", ""))[:120]
    instance = _base(request, owner, bundled, source)
    changed, groups, errors = levers.apply(instance, form)
    typed, options, wrong = planning.read_advanced(form, KIND, planning.time_cap(request))
    errors = [*errors, *wrong]
    if changed is not None and options is not None:
        try:
            return planning.planned(request, owner, changed, name, source or None, options=options)
        except InstanceError as exc:
            errors = levers.engine_errors(exc, groups)
        except runs.QueueFullError:
            errors = [levers.FieldError("name", planning.QUEUE_FULL)]
    return page(
        request,
        "staffing_levers.html",
        status_code=422,
        title="Change the levers",
        instance=instance,
        groups=groups,
        bundled=bundled,
        source=source,
        name=name,
        errors=errors,
        **planning.advanced_context(request, KIND, typed),
    )


@router.post("/scenarios/{job_id}/relax", dependencies=[Csrf])
def relax_rule(
    request: Request, job_id: str, owner: Owner, rule: Annotated[str, Form(max_length=200)]
) -> Response:
    """Re-plan with one binding rule relaxed by one step; the result shows what changed."""
    scenario = runs.load(request, owner, job_id)
    solution, instance = scenario.solution, scenario.instance
    if not isinstance(solution, StaffingSolution) or not isinstance(instance, StaffingInstance):
        raise PageError(404, "Not a staffing plan", "Only a staffing plan has rules to relax.")
    binding = next((b for b in solution.binding_rules if b.rule == rule), None)
    relaxed = relax(instance, binding) if binding is not None else None
    if binding is None or relaxed is None:
        raise PageError(404, "Rule not found", "That rule cannot be relaxed by one step here.")
    name = f"{scenario.name}; {relaxed.change}"
    options = runs.options_of(request, job_id)
    return planning.planned(request, owner, relaxed.instance, name, job_id, options=options)


def result_context(request: Request, owner: str, scenario: runs.Scenario) -> dict[str, Any]:
    """What the staffing result page shows, from the solution (figures) and the instance
    (names)."""
    solution = scenario.solution
    instance = scenario.instance
    assert isinstance(solution, StaffingSolution)
    assert isinstance(instance, StaffingInstance)
    names = {f.id: f.name for f in instance.functions}
    names[UNALLOCATED] = UNALLOCATED_LABEL
    sources = {k.id: k.name for k in instance.funding_sources}
    groups = {g.id: g.name for g in instance.staff_groups}
    by_category = years.by_category(solution.categories, solution.functions)
    parent = _parent(request, owner, scenario)
    return {
        "solution": solution,
        "instance": instance,
        "names": names,
        "sources": sources,
        "group_names": groups,
        "category_label": {c.value: label for c, label in CATEGORY_LABEL.items()},
        "by_category": by_category,
        "shares_svg": charts.shares(solution.categories, CATEGORY_LABEL),
        "relaxable": {b.rule for b in solution.binding_rules if relaxable(b)},
        "parent": parent,
        "changes": _changes(parent.solution, solution, names) if parent else None,
        "year_rows": years.year_rows(solution),
        "year_shares_svg": years.shares_chart(solution) if solution.years else None,
        "establishment": years.establishment(instance, solution) if solution.years else [],
        "funding": years.funding(instance, solution) if solution.years else [],
    }


def _parent(request: Request, owner: str, scenario: runs.Scenario) -> runs.Scenario | None:
    parent = runs.parent_of(request, owner, scenario)
    return parent if parent is not None and isinstance(parent.solution, StaffingSolution) else None


def _changes(before: Any, after: StaffingSolution, names: dict[str, str]) -> dict[str, Any]:
    """Net cost, category shares and function FTE that differ between two plans."""
    assert isinstance(before, StaffingSolution)
    net = None
    if before.net_cost_gbp is not None and after.net_cost_gbp is not None:
        net = after.net_cost_gbp - before.net_cost_gbp
    old = {f.function: f for f in before.functions}
    functions = [
        (names.get(f.function, f.function), old[f.function].specialist_fte, f.specialist_fte)
        for f in after.functions
        if f.function in old and abs(f.specialist_fte - old[f.function].specialist_fte) > 5e-3
    ]
    shares = {c.category: c.share for c in before.categories}
    categories = [
        (CATEGORY_LABEL[c.category], shares.get(c.category), c.share) for c in after.categories
    ]
    return {
        "net": net,
        "functions": functions,
        "categories": categories,
        "before": before,
        "years": years.changes(before, after),
    }
