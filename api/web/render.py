"""Jinja2 templates and the filters that format engine figures for people."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.web.session import csrf_token, needs_sign_in

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")


def gbp(value: float | None) -> str:
    """£1,234,567 (negative as −£1,234); an em dash when there is no figure."""
    if value is None:
        return "—"
    sign = "−" if value < -0.5 else ""
    return f"{sign}£{abs(value):,.0f}"


def signed_gbp(value: float | None) -> str:
    """A change: +£1,234 or −£1,234 (£0 when nothing changed)."""
    if value is None:
        return "—"
    if abs(value) < 0.5:
        return "£0"
    return f"+{gbp(value)}" if value > 0 else gbp(value)


def fte(value: float | None) -> str:
    """FTE to two places, or a dash."""
    return "—" if value is None else f"{value:,.2f}"


def pct(value: float | None, places: int = 1) -> str:
    """A share as a percentage, or a dash."""
    return "—" if value is None else f"{value * 100:.{places}f}%"


def when(timestamp: float | None) -> str:
    """A Unix timestamp as a UTC date and time, or a dash."""
    if timestamp is None:
        return "—"
    moment = dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
    return moment.strftime("%d %b %Y %H:%M UTC")


STATUS_TAG = {
    "optimal": ("Optimal plan", "govuk-tag--green"),
    "feasible": ("Plan (not proved optimal)", "govuk-tag--yellow"),
    "infeasible": ("Infeasible", "govuk-tag--red"),
    "unbounded": ("Unbounded", "govuk-tag--red"),
    "no_solution": ("No plan in the time allowed", "govuk-tag--orange"),
    "queued": ("Queued", "govuk-tag--grey"),
    "running": ("Planning", "govuk-tag--blue"),
    "cancelled": ("Cancelled", "govuk-tag--grey"),
    "failed": ("Failed", "govuk-tag--red"),
}


def status_label(status: str) -> str:
    """The words of a job status's tag."""
    return STATUS_TAG.get(status, (status, ""))[0]


def status_class(status: str) -> str:
    """The CSS class of a job status's tag."""
    return STATUS_TAG.get(status, ("", "govuk-tag--grey"))[1]


for name, function in {
    "gbp": gbp,
    "signed_gbp": signed_gbp,
    "fte": fte,
    "pct": pct,
    "when": when,
    "status_label": status_label,
    "status_class": status_class,
}.items():
    templates.env.filters[name] = function


def page(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with what every page needs: the CSRF token and whether sign-in is on."""
    settings = request.app.state.settings
    context.setdefault("errors", [])
    response: HTMLResponse = templates.TemplateResponse(
        request,
        template,
        {
            "csrf_token": csrf_token(request),
            "sign_in_on": needs_sign_in(settings),
            "signed_in": "owner" in request.session,
            **context,
        },
        status_code=status_code,
    )
    return response
