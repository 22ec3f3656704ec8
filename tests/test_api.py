"""The API shell: an app factory and a health route."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.main import create_app


def test_healthz() -> None:
    client = TestClient(create_app())
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_each_app_is_fresh() -> None:
    assert create_app() is not create_app()
