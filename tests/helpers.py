"""Shared test helpers: bundled instances as plain data, and variants of them."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCES = ROOT / "instances"


def raw(name: str) -> dict[str, Any]:
    """A bundled instance as plain data (a fresh copy each call)."""
    data: dict[str, Any] = json.loads((INSTANCES / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def function(data: dict[str, Any], function_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(f for f in data["functions"] if f["id"] == function_id)
    return found


def band(data: dict[str, Any], category: str) -> dict[str, Any]:
    found: dict[str, Any] = next(b for b in data["bands"] if b["category"] == category)
    return found
