"""What every workspace shares: read an upload with the engine's loader, read the Advanced
options (solver, time limit, solver reports), queue the plan as a job, and show a start page
again with its errors in the GOV.UK pattern."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.routes.jobs import JobOptions
from api.web import runs
from api.web.levers import FieldError
from api.web.render import page
from optimiser import PLACEMENT_SOLVERS, STAFFING_SOLVERS, InstanceError, Solver

QUEUE_FULL = "The planner is busy: try again in a minute"
SOLVER_LABEL = {
    Solver.HIGHS: "HiGHS",
    Solver.CBC: "CBC",
    Solver.FLOW: "Min-cost flow (exact when no budget, share or quality rule applies)",
    Solver.LAGRANGE: "Lagrangian (large instances with a budget, share or quality rule)",
    Solver.CPSAT: "CP-SAT",
}
TIME_LIMIT = "time-limit"  # the form fields' ids and names
SOLVER = "solver"
REPORTS = "reports"
UPLOAD = "upload-"  # the upload form's prefix (a page may have a second form with options)


@dataclass(frozen=True)
class Advanced:
    """The Advanced section as typed: a solver's name, a time limit in seconds, and whether
    to keep what the Answer, Sensitivity and Limits sheets need (staffing)."""

    solver: str = ""
    time_limit: str = ""
    reports: bool = False

    @property
    def changed(self) -> bool:
        """True when anything differs from the engine's defaults (the section opens)."""
        return bool(self.solver or self.time_limit or self.reports)


def solvers(kind: str) -> list[tuple[str, str]]:
    """The solvers a plan of this kind may use, as (value, label)."""
    which = STAFFING_SOLVERS if kind == "staffing" else PLACEMENT_SOLVERS
    return [(s.value, SOLVER_LABEL[s]) for s in which]


def time_cap(request: Request) -> float:
    """The server's cap on a job's time limit, in seconds."""
    return runs.settings_of(request).job_time_limit_seconds


def read_advanced(
    form: Mapping[str, Any], kind: str, cap: float, prefix: str = ""
) -> tuple[Advanced, JobOptions | None, list[FieldError]]:
    """The Advanced fields as typed, the job options they give (None when one is wrong), and
    an error for each wrong field. `prefix` tells apart two forms on one page."""
    typed = Advanced(
        solver=str(form.get(prefix + SOLVER, "")).strip(),
        time_limit=str(form.get(prefix + TIME_LIMIT, "")).strip(),
        reports=kind == "staffing" and form.get(prefix + REPORTS) == "yes",
    )
    errors: list[FieldError] = []
    if typed.solver and typed.solver not in {value for value, _ in solvers(kind)}:
        errors.append(FieldError(prefix + SOLVER, "Select a solver from the list"))
    limit = _seconds(typed.time_limit, cap, errors, prefix + TIME_LIMIT)
    if errors:
        return typed, None, errors
    options = JobOptions(
        solver=Solver(typed.solver) if typed.solver else None,
        time_limit_seconds=limit,
        sensitivity=typed.reports,
    )
    return typed, options, []


def _seconds(text: str, cap: float, errors: list[FieldError], field: str) -> float | None:
    """A time limit typed as seconds ("90", "1,200"); blank is the server's cap."""
    cleaned = text.replace(",", "").removesuffix("seconds").removesuffix("s").strip()
    if not cleaned:
        return None
    try:
        seconds = float(cleaned)
    except ValueError:
        errors.append(FieldError(field, "Enter the time limit in seconds, for example 60"))
        return None
    if not seconds > 0:
        errors.append(FieldError(field, "Enter a time limit of more than 0 seconds"))
    elif seconds > cap:
        errors.append(FieldError(field, f"Enter a time limit of {cap:,g} seconds or less"))
    return seconds


def advanced_of(options: JobOptions, cap: float) -> Advanced:
    """The Advanced fields that give these options (a re-plan starts from its source's)."""
    limit = options.time_limit_seconds
    return Advanced(
        solver=options.solver.value if options.solver else "",
        time_limit=f"{limit:g}" if limit is not None and limit < cap else "",
        reports=options.sensitivity,
    )


def advanced_context(request: Request, kind: str, typed: Advanced | None = None) -> dict[str, Any]:
    """What a form's Advanced section shows."""
    return {
        "advanced": typed or Advanced(),
        "solvers": solvers(kind),
        "time_cap": time_cap(request),
        "kind": kind,
    }


def planned(
    request: Request,
    owner: str,
    instance: runs.Instance,
    name: str,
    parent: str | None,
    *,
    options: JobOptions | None = None,
) -> RedirectResponse:
    """Queue the plan and go to its progress page."""
    job_id = runs.plan(request, owner, instance, name, parent, options=options)
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


def start_page(
    request: Request,
    template: str,
    kind: str,
    *,
    errors: list[FieldError],
    typed: Advanced | None = None,
    status_code: int = 422,
    title: str = "There is a problem with the file",
    **context: Any,
) -> HTMLResponse:
    """A workspace's start page, shown again with its errors."""
    return page(
        request,
        template,
        status_code=status_code,
        title=title,
        bundled=runs.bundled(request, kind),
        errors=errors,
        **advanced_context(request, kind, typed),
        **context,
    )


async def upload_and_plan(
    request: Request, owner: str, file: UploadFile, *, name: str, kind: str, template: str
) -> Response:
    """Read an uploaded workbook or JSON file with the engine's loader, then plan it with the
    form's Advanced options; every problem with the file or the options is listed at once."""
    form = await request.form()
    typed, options, errors = read_advanced(form, kind, time_cap(request), UPLOAD)
    suffix = runs.upload_suffix(file)
    if suffix is None:
        errors.insert(0, FieldError("file", "Select a workbook (.xlsx) or a JSON file"))
        return start_page(request, template, kind, errors=errors, typed=typed)
    try:
        instance = await runs.read_upload(file, suffix)
    except InstanceError as exc:
        errors[:0] = [FieldError("file", str(p)) for p in exc.problems]
        return start_page(request, template, kind, errors=errors, typed=typed)
    if instance.kind != kind:
        errors.insert(0, FieldError("file", f"The file is not a {kind} plan"))
    if errors:
        return start_page(request, template, kind, errors=errors, typed=typed)
    try:
        return planned(request, owner, instance, name, None, options=options)
    except InstanceError as exc:
        errors = [FieldError("file", str(p)) for p in exc.problems]
    except runs.QueueFullError:
        errors = [FieldError("file", QUEUE_FULL)]
    return start_page(request, template, kind, errors=errors, typed=typed)
