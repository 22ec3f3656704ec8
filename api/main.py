"""create_app(): routers, middleware and error handlers. Thin: every rule lives in optimiser/."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from api import problems
from api.cors import ProblemCORS
from api.limits import BodyLimit
from api.routes import commissioning, health, instances, jobs, solve
from api.runner import Runner
from api.settings import Settings
from api.store import JobStore
from api.web.setup import install as install_planner

log = logging.getLogger("api")


def create_app(settings: Settings | None = None, *, run_jobs: bool = True) -> FastAPI:
    """A fresh application; the job store and runner live on app.state for its lifetime."""
    settings = settings or Settings()
    store = JobStore(settings.db_path)
    runner = Runner(settings, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if run_jobs:
            runner.start()
        log.info("ready: %d workers, data in %s", settings.workers, settings.data_dir)
        yield
        if run_jobs:
            runner.stop()

    app = FastAPI(
        title="optimiser",
        version="0.1.0",
        description="Staffing mix and Alternative Provision placements for local authorities.",
        lifespan=lifespan,
        docs_url=None,  # served by the planner from local copies of Swagger UI and ReDoc
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.runner = runner
    problems.install(app)
    for router in (
        health.router,
        solve.router,
        commissioning.router,
        jobs.router,
        instances.router,
    ):
        app.include_router(router)
    install_planner(app, settings, store)
    app.middleware("http")(_log_requests)
    if settings.cors_origins:
        app.add_middleware(
            ProblemCORS,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["X-API-Key", "Content-Type", "Idempotency-Key"],
        )
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        sync_max_bytes=settings.sync_max_body_bytes,
    )
    return app


async def _log_requests(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Method, route template, status and time: never bodies, queries, headers or ids."""
    started = time.perf_counter()
    response = await call_next(request)
    route = request.scope.get("route")
    log.info(
        "%s %s %d %.1fms",
        request.method,
        getattr(route, "path", "(no route)"),
        response.status_code,
        (time.perf_counter() - started) * 1000,
    )
    return response
