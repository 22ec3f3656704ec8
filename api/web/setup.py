"""Mount the planner on the API's app: pages, static files, session, headers, offline docs.

No request leaves the machine: every asset is served from /static, and each response carries
a Content-Security-Policy of 'self' (the two API documentation pages also allow what their
vendored bundles need: Swagger UI's one inline start-up script by its hash, and ReDoc's
inline styles and blob workers).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from api.settings import Settings
from api.store import JobStore
from api.web import (
    views_commissioning,
    views_common,
    views_placements,
    views_scenarios,
    views_staffing,
)
from api.web.errors import PageError
from api.web.render import HERE, page
from api.web.session import SESSION_COOKIE, SESSION_SECONDS, SignInNeededError, session_secret

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
SWAGGER_JS = "/static/swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS = "/static/swagger-ui/swagger-ui.css"
REDOC_JS = "/static/redoc/redoc.standalone.js"
FAVICON = "/static/govuk/assets/images/favicon.svg"


def install(app: FastAPI, settings: Settings, store: JobStore) -> None:
    """Add the planner's routes and middleware to the API's app."""
    store.migrate_scenarios()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (
        views_common,
        views_staffing,
        views_placements,
        views_commissioning,
        views_scenarios,
    ):
        app.include_router(module.router)
    _install_docs(app)
    app.add_exception_handler(SignInNeededError, _to_sign_in)  # type: ignore[arg-type]
    app.add_exception_handler(PageError, _page_error)  # type: ignore[arg-type]
    app.middleware("http")(_security_headers)
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_SECONDS,
        same_site="strict",
        https_only=False,  # a council may serve it on plain http inside its network
    )


def _inline_script_hashes(html: str) -> str:
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    digests = (base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts)
    return " ".join(f"'sha256-{d}'" for d in digests)


def _install_docs(app: FastAPI) -> None:
    title = f"{app.title}: API"

    def swagger() -> HTMLResponse:
        html = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=title,
            swagger_js_url=SWAGGER_JS,
            swagger_css_url=SWAGGER_CSS,
            swagger_favicon_url=FAVICON,
        )
        body = bytes(html.body).decode()
        csp = CSP.replace("script-src 'self'", f"script-src 'self' {_inline_script_hashes(body)}")
        html.headers["Content-Security-Policy"] = csp.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return html

    def redoc() -> HTMLResponse:
        html = get_redoc_html(
            openapi_url="/openapi.json",
            title=title,
            redoc_js_url=REDOC_JS,
            redoc_favicon_url=FAVICON,
            with_google_fonts=False,
        )
        html.headers["Content-Security-Policy"] = (
            CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
            + "; worker-src 'self' blob:"
        )
        return html

    app.add_api_route("/docs", swagger, include_in_schema=False, response_class=HTMLResponse)
    app.add_api_route("/redoc", redoc, include_in_schema=False, response_class=HTMLResponse)


async def _security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.headers.get("content-type", "").startswith("text/html"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _to_sign_in(request: Request, exc: SignInNeededError) -> RedirectResponse:
    return RedirectResponse("/sign-in", status_code=303)


async def _page_error(request: Request, exc: PageError) -> HTMLResponse:
    return page(
        request,
        "error.html",
        status_code=exc.status_code,
        title=exc.title,
        message=exc.message,
    )
