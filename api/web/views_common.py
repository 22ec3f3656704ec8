"""Pages every person uses: home, sign-in, a plan's progress, spreadsheet templates."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from api.routes.jobs import cancel_job, status_of
from api.web import runs
from api.web.errors import PageError
from api.web.render import page
from api.web.session import Csrf, Owner, needs_sign_in, sign_in, sign_out
from optimiser import examples, parse_instance, write_instance_workbook

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, owner: Owner) -> HTMLResponse:
    """The home page: recent scenarios and where to start."""
    jobs, total = runs.store_of(request).page(owner, 5, 0)
    names = runs.store_of(request).scenarios(owner)
    recent = [(job, names.get(job.id, (None, None))[0] or job.kind) for job in jobs]
    return page(request, "home.html", title="Plan education services", recent=recent, total=total)


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request) -> Response:
    """The sign-in page (or home when nobody needs to sign in)."""
    if not needs_sign_in(runs.settings_of(request)):  # local-only: nobody signs in
        return RedirectResponse("/", status_code=303)
    return page(request, "sign_in.html", title="Sign in")


@router.post("/sign-in", response_class=HTMLResponse, dependencies=[Csrf])
def sign_in_submit(
    request: Request, api_key: Annotated[str, Form(max_length=500)] = ""
) -> Response:
    """Sign in with an API key, or show the form again with the error."""
    if api_key.strip() and sign_in(request, api_key.strip()):
        return RedirectResponse("/", status_code=303)
    message = "Enter your API key" if not api_key.strip() else "Enter a valid API key"
    errors = [{"field": "api-key", "text": message}]
    return page(request, "sign_in.html", status_code=401, title="Sign in", errors=errors)


@router.post("/sign-out", dependencies=[Csrf])
def sign_out_submit(request: Request) -> RedirectResponse:
    """Sign out and go to the sign-in page."""
    sign_out(request)
    return RedirectResponse("/sign-in", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, owner: Owner) -> Response:
    """A plan's progress; once it has ended, its result."""
    job = runs.mine(request, owner, job_id)
    if job.terminal:
        return RedirectResponse(f"/scenarios/{job.id}", status_code=303)
    name = runs.store_of(request).scenarios(owner).get(job.id, (None, None))[0] or job.kind
    return page(request, "job.html", title="Planning", job=job, name=name)


@router.post("/jobs/{job_id}/cancel", dependencies=[Csrf])
def job_cancel(request: Request, job_id: str, owner: Owner) -> RedirectResponse:
    """Cancel a queued or running plan, as DELETE /v1/jobs/{id} does."""
    job = runs.mine(request, owner, job_id)
    if not job.terminal:
        with contextlib.suppress(HTTPException):  # it ended meanwhile: show what it became
            cancel_job(job.id, owner, runs.store_of(request), request.app.state.runner)
    return RedirectResponse(f"/scenarios/{job.id}", status_code=303)


@router.get("/jobs/{job_id}/status")
def job_status(request: Request, job_id: str, owner: Owner) -> JSONResponse:
    """The job's status as GET /v1/jobs/{id} gives it, for the page's live progress."""
    status = status_of(runs.mine(request, owner, job_id))
    body: dict[str, Any] = status.model_dump(mode="json")
    body["terminal"] = runs.mine(request, owner, job_id).terminal
    return JSONResponse(body)


@router.get("/templates/{kind}.xlsx")
def template_workbook(kind: str, owner: Owner) -> Response:
    """A blank workbook: one sheet per table with headers, an example row and notes."""
    if kind not in ("staffing", "placements"):
        raise PageError(404, "Page not found", "There is no template of that kind.")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{kind}.xlsx"
        example = examples.STAFFING if kind == "staffing" else examples.PLACEMENTS
        write_instance_workbook(parse_instance(example), path)
        data = path.read_bytes()
    return Response(data, media_type=XLSX, headers=_attachment(f"{kind}-template.xlsx"))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}
