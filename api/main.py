"""create_app(): routers and error handlers."""

from __future__ import annotations

from fastapi import FastAPI

from optimiser import __name__ as engine_name


def create_app() -> FastAPI:
    """The application; each call builds a fresh one (no module-level state)."""
    app = FastAPI(
        title="optimiser", version="0.1.0", description=f"HTTP API over the {engine_name} engine."
    )

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    return app
