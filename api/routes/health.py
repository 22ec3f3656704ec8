"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from api.problems import responses

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get("/readyz", responses=responses(503))
def readyz(request: Request) -> dict[str, str]:
    """The job store answers and the runner is alive."""
    if not (request.app.state.store.ping() and request.app.state.runner.alive):
        raise HTTPException(503, "not_ready")
    return {"status": "ready"}
