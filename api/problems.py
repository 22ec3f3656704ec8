"""RFC 9457 problem details: every error is application/problem+json with a stable code.

Validation errors list each field path and message and never echo a submitted value.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from optimiser import BackendError, InstanceError, OptimiserError, OptionError, format_path

log = logging.getLogger("api")

MEDIA = "application/problem+json"
MIN_ECHO = 3  # a sent string this long found in a message means the message would repeat it

TITLES = {
    400: "Bad request",
    401: "Unauthorised",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Payload too large",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class FieldError(BaseModel):
    """One problem with a submitted field: its path, the words, and the ids it names."""

    path: str
    message: str
    ids: list[str] = Field(default_factory=list)


class Problem(BaseModel):
    """An RFC 9457 problem+json body."""

    type: str = "about:blank"
    title: str
    status: int
    code: str = Field(description="Stable machine-readable code.")
    detail: str = ""
    errors: list[FieldError] = Field(default_factory=list)


def problem(
    status: int,
    code: str,
    detail: str = "",
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A problem+json response with this status, code and detail."""
    body = Problem(
        title=TITLES.get(status, "Error"),
        status=status,
        code=code,
        detail=detail,
        errors=errors or [],
    )
    return JSONResponse(body.model_dump(), status_code=status, media_type=MEDIA, headers=headers)


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem responses a route can give."""
    return {
        c: {
            "model": Problem,
            "description": TITLES.get(c, "Error"),
            "content": {MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for c in codes
    }


def install(app: FastAPI) -> None:
    """Install the handlers that turn every error into a problem+json response."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            FieldError(path=format_path(_strip(e)), message=_message(e)) for e in exc.errors()
        ]
        return problem(422, "invalid_request", f"{len(errors)} problem(s) in the request", errors)

    @app.exception_handler(InstanceError)
    async def _instance(request: Request, exc: InstanceError) -> JSONResponse:
        errors = [FieldError(path=p.path, message=p.message, ids=list(p.ids)) for p in exc.problems]
        return problem(422, exc.code, f"{len(errors)} problem(s) in the instance", errors)

    @app.exception_handler(OptionError)
    async def _option(request: Request, exc: OptionError) -> JSONResponse:
        return problem(422, exc.code, str(exc))

    @app.exception_handler(BackendError)
    async def _backend(request: Request, exc: BackendError) -> JSONResponse:
        log.error("solver failure: %s", exc.code)
        return problem(500, exc.code, "the solver failed; the request was valid")

    @app.exception_handler(OptimiserError)
    async def _engine(request: Request, exc: OptimiserError) -> JSONResponse:
        return problem(422, exc.code, str(exc))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else ""
        code = detail if detail.isidentifier() else "http_error"
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:  # every method of every route on this path
            headers["Allow"] = ", ".join(_allowed(request))
        return problem(exc.status_code, code, "", headers=headers)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return problem(500, "internal_error", "an internal error; nothing about it is shown")


def _allowed(request: Request) -> list[str]:
    methods: set[str] = set()
    for route in request.app.routes:
        if isinstance(route, APIRoute) and route.path_regex.match(request.url.path):
            methods |= route.methods or set()
    return sorted(methods)


def _strip(error: Any) -> tuple[int | str, ...]:
    """The location without FastAPI's 'body' prefix, pydantic's union tags, or the name of an
    unknown key (submitted content, never repeated)."""
    loc = tuple(error["loc"])
    tags = ("staffing", "placements")
    out = [p for p in loc[1:] if p not in tags] if loc[:1] == ("body",) else list(loc)
    if error.get("type") == "extra_forbidden":
        out = out[:-1]
    return tuple(out)


def _message(error: Any) -> str:
    """pydantic's message, unless it could repeat what was sent (a discriminator's tag, or any
    message that contains the submitted string)."""
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "has an unknown field (its name is not repeated)"
    if kind == "missing":
        return "required field is missing"
    if kind == "json_invalid":
        return "the body is not valid JSON"
    if kind in {"union_tag_invalid", "union_tag_not_found"}:
        expected = error.get("ctx", {}).get("expected_tags", "")
        return f"`kind` must be one of {expected} (the value sent is not repeated)"
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    sent = error.get("input")
    if isinstance(sent, str) and len(sent) >= MIN_ECHO and sent in message:
        return f"is not valid ({kind}; the value sent is not repeated)"
    return message
