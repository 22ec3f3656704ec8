"""Scenarios: every run kept with a name; the list, one result, downloads, and two runs of
the same kind side by side."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.web import runs, views_commissioning, views_placements, views_staffing
from api.web.render import page
from api.web.session import Owner
from optimiser import (
    CATEGORY_LABEL,
    PlacementInstance,
    PlacementSolution,
    Report,
    StaffingInstance,
    StaffingSolution,
    write_solution_workbook,
)

router = APIRouter(include_in_schema=False)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_ROWS = 200


def _listing(request: Request, owner: str) -> list[tuple[Any, str]]:
    jobs, _ = runs.store_of(request).page(owner, LIST_ROWS, 0)
    names = runs.store_of(request).scenarios(owner)
    return [(job, names.get(job.id, (None, None))[0] or job.kind) for job in jobs]


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios(request: Request, owner: Owner) -> HTMLResponse:
    """The scenarios page: the owner's latest runs, by name."""
    return page(request, "scenarios.html", title="Scenarios", listing=_listing(request, owner))


@router.get("/scenarios/compare", response_class=HTMLResponse)
def compare(request: Request, owner: Owner, a: str = "", b: str = "") -> Response:
    """Two runs of the same kind side by side: headline figures, then per category (staffing)
    or per provider (placements)."""
    errors = []
    if not a:
        errors.append({"field": "compare-a", "text": "Select the first scenario"})
    if not b:
        errors.append({"field": "compare-b", "text": "Select the second scenario"})
    if not errors and a == b:
        errors.append({"field": "compare-b", "text": "Select two different scenarios"})
    if not errors:
        first, second = runs.load(request, owner, a), runs.load(request, owner, b)
        if first.job.kind != second.job.kind:
            errors.append({"field": "compare-b", "text": "Select two scenarios of the same kind"})
        elif first.solution is None or second.solution is None:
            errors.append({"field": "compare-b", "text": "Select two scenarios that have a plan"})
        else:
            rows = (
                _staffing_rows(first, second)
                if first.job.kind == "staffing"
                else _placement_rows(first, second)
            )
            instance = second.instance
            return page(
                request,
                "compare.html",
                title="Compare scenarios",
                first=first,
                second=second,
                rows=rows,
                plan_diff=views_commissioning.diff_context(
                    first, second, instance if isinstance(instance, PlacementInstance) else None
                ),
            )
    return page(
        request,
        "scenarios.html",
        status_code=422,
        title="Scenarios",
        listing=_listing(request, owner),
        errors=errors,
        a=a,
        b=b,
    )


Row = tuple[str, float | None, float | None, str]  # label, first, second, format


def _staffing_rows(first: runs.Scenario, second: runs.Scenario) -> dict[str, list[Row]]:
    x, y = first.solution, second.solution
    assert isinstance(x, StaffingSolution)
    assert isinstance(y, StaffingSolution)

    def council(s: StaffingSolution, field: str) -> float | None:
        return getattr(s.council, field) if s.council else None

    headline: list[Row] = [
        ("Council net cost (£ a year)", x.net_cost_gbp, y.net_cost_gbp, "gbp"),
        ("Council's cap (£ a year)", council(x, "cap_gbp"), council(y, "cap_gbp"), "gbp"),
        (
            "Headroom under the cap (£ a year)",
            council(x, "headroom_gbp"),
            council(y, "headroom_gbp"),
            "gbp",
        ),
        ("Binding rules", float(len(x.binding_rules)), float(len(y.binding_rules)), "count"),
    ]
    cats: list[Row] = []
    second_cats = {c.category: c for c in y.categories}
    for c in x.categories:
        other = second_cats.get(c.category)
        label = CATEGORY_LABEL[c.category]
        cats.append((f"{label}: share", c.share, other.share if other else None, "pct"))
        cats.append(
            (
                f"{label}: specialist FTE",
                c.specialist_fte,
                other.specialist_fte if other else None,
                "fte",
            )
        )
        cats.append((f"{label}: net cost (£)", c.net_gbp, other.net_gbp if other else None, "gbp"))
    return {
        "Headline": headline,
        "By category": cats,
        "Functions whose staffing differs": _function_rows(first, second, x, y),
    }


def _function_rows(
    first: runs.Scenario, second: runs.Scenario, x: StaffingSolution, y: StaffingSolution
) -> list[Row]:
    """Specialist FTE of each function that differs between the two plans, by name."""
    names: dict[str, str] = {}
    for scenario in (first, second):
        if isinstance(scenario.instance, StaffingInstance):
            names.update({f.id: f.name for f in scenario.instance.functions})
    theirs = {f.function: f.specialist_fte for f in y.functions}
    functions: list[Row] = [
        (
            f"{names.get(f.function, f.function)}: specialist FTE",
            f.specialist_fte,
            theirs.get(f.function),
            "fte",
        )
        for f in x.functions
        if abs(f.specialist_fte - theirs.get(f.function, 0.0)) > 5e-3
    ]
    return functions


def _placement_rows(first: runs.Scenario, second: runs.Scenario) -> dict[str, list[Row]]:
    x, y = first.solution, second.solution
    assert isinstance(x, PlacementSolution)
    assert isinstance(y, PlacementSolution)
    tx, ty = x.totals, y.totals
    fields = [
        ("Referrals placed", "placed", "count"),
        ("Referrals unplaced", "unplaced", "count"),
        ("Provider charges (£)", "charge_gbp", "gbp"),
        ("Travel (£)", "travel_gbp", "gbp"),
        ("Spot purchases for unplaced referrals (£)", "unplaced_penalties_gbp", "gbp"),
        ("Total cost, the objective (£)", "objective_gbp", "gbp"),
    ]
    headline: list[Row] = [
        (label, getattr(tx, f) if tx else None, getattr(ty, f) if ty else None, fmt)
        for label, f, fmt in fields
    ]
    names = {}
    for scenario in (first, second):
        if scenario.instance is not None and hasattr(scenario.instance, "providers"):
            names.update({p.id: p.name for p in scenario.instance.providers})
    counts: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for side, solution in enumerate((x, y)):
        for p in solution.placements:
            counts[p.provider][side] += 1
    providers: list[Row] = [
        (f"{names.get(pid, pid)}: placements", a, b, "count")
        for pid, (a, b) in sorted(counts.items(), key=lambda kv: names.get(kv[0], kv[0]))
        if a != b
    ]
    return {"Headline": headline, "Providers whose placements differ": providers}


@router.get("/scenarios/{job_id}", response_class=HTMLResponse)
def result(request: Request, job_id: str, owner: Owner) -> Response:
    """A scenario's result page (the progress page while it runs)."""
    scenario = runs.load(request, owner, job_id)
    if not scenario.job.terminal:
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)
    title = scenario.name
    if scenario.solution is None:
        return page(request, "ended.html", title=title, scenario=scenario)
    if scenario.job.kind == "staffing":
        context = views_staffing.result_context(request, owner, scenario)
        return page(request, "staffing_result.html", title=title, scenario=scenario, **context)
    context = views_placements.result_context(request, scenario)
    context["plan_diff"] = views_commissioning.parent_diff(request, owner, scenario)
    return page(request, "placements_result.html", title=title, scenario=scenario, **context)


@router.get("/scenarios/{job_id}/result.xlsx")
def result_workbook(request: Request, job_id: str, owner: Owner) -> Response:
    """The result workbook, as `optimiser solve FILE --xlsx` writes it, with the solver reports
    asked for (`?report=answer&report=sensitivity&report=limits`; `solve --report`'s sheets)
    when the plan kept what they need."""
    scenario = runs.load(request, owner, job_id)
    if scenario.solution is None or scenario.instance is None:
        return RedirectResponse(f"/scenarios/{job_id}", status_code=303)
    asked = set(request.query_params.getlist("report"))
    reports = [r for r in Report if r.value in asked]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "result.xlsx"
        write_solution_workbook(scenario.solution, path, scenario.instance, reports=reports)
        data = path.read_bytes()
    filename = f"{scenario.solution.instance}-result.xlsx"
    return Response(
        data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
