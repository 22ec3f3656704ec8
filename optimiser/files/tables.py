"""Instances as flat tables (one per sheet or CSV file) and back, driven by the schema.

Nested objects become dotted columns (`traded.price_per_school_gbp`), lists of values a
comma-separated cell (`skills`: `advice, data`), and a provider's lots a sheet of their own
(`provider_lots`, keyed by `provider`). Scalar settings are a two-column `settings` sheet.
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from pydantic import BaseModel

from optimiser.placements.policy import Level, Policy
from optimiser.placements.schema import PlacementInstance, Provider, ProviderLot
from optimiser.staffing.schema import FundingSource, StaffingInstance
from optimiser.staffing.schema_years import (
    DriverValue,
    FteCap,
    FunctionYear,
    FundingAmount,
    ShareTier,
    Year,
    YearBand,
)


@dataclass(frozen=True)
class Table:
    """One sheet of an instance workbook: the instance field and model it holds."""

    sheet: str
    field: str  # the instance's list field ("" for settings, "policy" for the policy object)
    model: type[BaseModel]
    child_of: str | None = None  # provider_lots: the parent's list field
    key: str = "provider"  # a child sheet's column naming its parent (provider, year, source)


STAFFING_TABLES = (
    Table("settings", "", StaffingInstance),
    Table(
        "staff_groups",
        "staff_groups",
        typing.get_args(StaffingInstance.model_fields["staff_groups"].annotation)[0],
    ),
    Table(
        "functions",
        "functions",
        typing.get_args(StaffingInstance.model_fields["functions"].annotation)[0],
    ),
    Table("bands", "bands", typing.get_args(StaffingInstance.model_fields["bands"].annotation)[0]),
    Table("funding_sources", "funding_sources", FundingSource),
    Table("grant_caps", "fte_caps", FteCap, child_of="funding_sources", key="source"),
    Table("surplus_share", "traded_surplus_share", ShareTier),
    # a plan over years: one row per year, and each year's changes with a `year` column
    Table("years", "years", Year),
    Table("year_drivers", "drivers", DriverValue, child_of="years", key="year"),
    Table("year_funding", "funding", FundingAmount, child_of="years", key="year"),
    Table("year_functions", "functions", FunctionYear, child_of="years", key="year"),
    Table("year_bands", "bands", YearBand, child_of="years", key="year"),
)
PLACEMENT_TABLES = (
    Table("settings", "", PlacementInstance),
    Table("policy", "policy", Policy),
    Table("lots", "lots", typing.get_args(PlacementInstance.model_fields["lots"].annotation)[0]),
    Table("providers", "providers", Provider),
    Table("provider_lots", "lots", ProviderLot, child_of="providers"),
    Table(
        "referrals",
        "referrals",
        typing.get_args(PlacementInstance.model_fields["referrals"].annotation)[0],
    ),
    Table(
        "offers", "offers", typing.get_args(PlacementInstance.model_fields["offers"].annotation)[0]
    ),
    Table("objective", "policy.objective", Level),  # a list inside the policy
)
TABLES = {"staffing": STAFFING_TABLES, "placements": PLACEMENT_TABLES}


def strip_optional(annotation: Any) -> Any:
    """A type annotation without its `| None`."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return strip_optional(args[0]) if len(args) == 1 else annotation
    if typing.get_origin(annotation) is typing.Annotated:
        return strip_optional(typing.get_args(annotation)[0])
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _list_item(annotation: Any) -> Any | None:
    if typing.get_origin(annotation) is list:
        return strip_optional(typing.get_args(annotation)[0])
    return None


def columns(model: type[BaseModel], prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted column, scalar type) for every field a sheet carries; lists of models are not
    columns (they get their own sheet)."""
    out: list[tuple[str, Any]] = []
    for name, info in model.model_fields.items():
        if name == "kind":
            continue
        annotation = strip_optional(info.annotation)
        item = _list_item(annotation)
        if _is_model(annotation):
            out += columns(annotation, f"{prefix}{name}.")
        elif item is not None and _is_model(item):
            continue
        else:
            out.append((f"{prefix}{name}", annotation))
    return out


def settings_fields(model: type[BaseModel]) -> list[tuple[str, Any]]:
    """The scalar fields of an instance (or policy) for a two-column settings sheet."""
    return [(c, t) for c, t in columns(model) if "." not in c]


def _is_listy(annotation: Any) -> bool:
    return _list_item(annotation) is not None


def flatten(row: dict[str, Any], cols: list[tuple[str, Any]]) -> dict[str, Any]:
    """A (JSON-mode) row as cells: dotted paths looked up, lists joined with ', '."""
    out: dict[str, Any] = {}
    for column, annotation in cols:
        value: Any = row
        for part in column.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if _is_listy(annotation) and isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        out[column] = value
    return out


class CellError(ValueError):
    """A cell that cannot be read as its column's type."""


class DateCellError(CellError):
    """A date where a number is expected (the message depends on the column)."""


def cell_value(raw: Any, annotation: Any) -> Any:
    """A spreadsheet or CSV cell as the schema's type; None for an empty cell."""
    if (
        raw is None
        or (isinstance(raw, str) and raw.strip() == "")
        or (isinstance(raw, float) and math.isnan(raw))
    ):
        return None
    item = _list_item(annotation)
    if item is not None:
        parts = [p.strip() for p in str(raw).split(",") if p.strip()]
        return [cell_value(p, item) for p in parts]
    if annotation in (int, float) and isinstance(raw, date | datetime | time):
        raise DateCellError("a date where a number is expected")
    if annotation is bool:
        return _boolean(raw)
    if annotation is int:
        return _integer(raw)
    if annotation is float:
        return _number(raw)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return str(raw).strip()
    if typing.get_origin(annotation) is typing.Literal:
        return str(raw).strip()
    return str(raw) if not isinstance(raw, str) else raw.strip()


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise CellError("expected true or false")


def _number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise CellError("expected a number")
    try:
        return (
            float(str(raw).replace(",", "").replace("£", ""))
            if isinstance(raw, str)
            else float(raw)
        )
    except ValueError:
        raise CellError("expected a number") from None


def _integer(raw: Any) -> int:
    value = _number(raw)
    if value != int(value):
        raise CellError("expected a whole number")
    return int(value)


def unflatten(cells: dict[str, Any]) -> dict[str, Any]:
    """Dotted cells back to nested data; empty cells are left out (the schema's default)."""
    out: dict[str, Any] = {}
    for column, value in cells.items():
        if value is None:
            continue
        node = out
        parts = column.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out
