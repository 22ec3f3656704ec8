"""Example bodies for the OpenAPI document, from the engine's own examples."""

from __future__ import annotations

from typing import Any

from optimiser import examples as engine_examples

PLACEMENTS = engine_examples.PLACEMENTS
STAFFING = engine_examples.STAFFING

__all__ = ["PLACEMENTS", "STAFFING", "examples"]


def examples(body: dict[str, Any], summary: str) -> dict[str, dict[str, Any]]:
    """One named OpenAPI example of a request body."""
    return {"example": {"summary": summary, "value": body}}
