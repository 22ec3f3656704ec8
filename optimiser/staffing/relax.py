"""Relax one binding rule by one step: the instance a person would plan next.

A step is the one the rule book prices (optimiser's shadow prices are per step), so the
change in the council's net cost after re-planning can be set against the shadow price:
one FTE of a minimum, maximum or of staff available; one point (0.01) of a category band;
0.01 of the admin ratio; one more school buying a traded service; £1,000 of a funding
source or of the council's cap. Cost recovery is a yes/no policy, not a figure: it has no
step here (relax it by turning the policy off).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from optimiser.core.errors import InstanceError, problems_from_validation
from optimiser.staffing.relax_years import YEAR_STEPS, relax_year
from optimiser.staffing.schema import CATEGORY_LABEL, Category, StaffingInstance
from optimiser.staffing.solution import BindingRule

Data = dict[str, Any]


@dataclass(frozen=True)
class Relaxation:
    """An instance with one rule relaxed, and the change in words."""

    instance: StaffingInstance
    change: str  # "Core Offer Plus floor lowered from 35% to 34%"


def relaxable(rule: BindingRule) -> bool:
    """Whether the rule's family can be relaxed (in its year, for a plan over years)."""
    return rule.family in (YEAR_STEPS if rule.year else _STEPS)


def _validated(data: dict[str, Any]) -> StaffingInstance:
    """The relaxed instance, validated as any instance is (solve() runs the cross-entity
    checks); a figure the schema refuses is an InstanceError."""
    try:
        return StaffingInstance.model_validate(data)
    except ValidationError as exc:
        raise InstanceError(problems_from_validation(exc, data)) from None


def relax(instance: StaffingInstance, rule: BindingRule) -> Relaxation | None:
    """The instance with `rule` relaxed by one step, or None if it has no step. A rule of one
    year of a plan over years moves that year's figure only (optimiser.staffing.relax_years)."""
    if rule.year:
        ident = next((i for i in rule.ids if i != rule.year), "")
        moved = relax_year(instance, rule.family, rule.year, ident)
        if moved is None:
            return None
        return Relaxation(_validated(moved["data"]), moved["change"])
    step = _STEPS.get(rule.family)
    if step is None or not rule.ids:
        return None
    data = instance.model_dump(mode="json")
    change = step(data, rule.ids[0])
    if change is None:
        return None
    return Relaxation(_validated(data), change)


def _item(items: list[Data], key: str, ident: str) -> Data | None:
    return next((item for item in items if item.get(key) == ident), None)


def _staff(data: Data, ident: str) -> str | None:
    group = _item(data["staff_groups"], "id", ident)
    if group is None:
        return None
    before = group["fte_available"]
    group["fte_available"] = round(before + 1.0, 6)
    return f"{group['name']}: {before:g} to {group['fte_available']:g} FTE available"


def _min_deployed(data: Data, ident: str) -> str | None:
    group = _item(data["staff_groups"], "id", ident)
    if group is None:
        return None
    before = group["min_deployed_fte"]
    group["min_deployed_fte"] = max(0.0, round(before - 1.0, 6))
    return f"{group['name']}: at least {group['min_deployed_fte']:g} FTE deployed (was {before:g})"


def _function_min(data: Data, ident: str) -> str | None:
    """One FTE off the larger of the stated and the demand-driven minimum: both are held at
    or below the new need, so the rule's right-hand side falls by exactly one FTE."""
    f = _item(data["functions"], "id", ident)
    if f is None:
        return None
    demand = f.get("demand")
    need = max(f["min_fte"], demand["cases"] / demand["cases_per_fte"] if demand else 0.0)
    new = max(0.0, need - 1.0)
    f["min_fte"] = round(min(f["min_fte"], new), 6)
    if demand:
        demand["cases"] = round(min(demand["cases"], new * demand["cases_per_fte"]), 6)
    return f"{f['name']}: minimum {need:.2f} to {new:.2f} specialist FTE"


def _function_max(data: Data, ident: str) -> str | None:
    f = _item(data["functions"], "id", ident)
    if f is None or f.get("max_fte") is None:
        return None
    before = f["max_fte"]
    f["max_fte"] = round(before + 1.0, 6)
    return f"{f['name']}: at most {before:g} to {f['max_fte']:g} specialist FTE"


def _take_up(data: Data, ident: str) -> str | None:
    f = _item(data["functions"], "id", ident)
    traded = f.get("traded") if f else None
    if f is None or not traded or not traded.get("schools_in_scope"):
        return None
    schools = traded["schools_in_scope"]
    before = traded["take_up_share"]
    traded["take_up_share"] = min(1.0, round(before + 1.0 / schools, 9))
    if traded["take_up_share"] == before:
        return None
    return (
        f"{f['name']}: take-up {before * schools:g} to {traded['take_up_share'] * schools:g} "
        "schools"
    )


def _admin(data: Data, ident: str) -> str | None:
    before = data["admin_per_specialist_fte"]
    data["admin_per_specialist_fte"] = max(0.0, round(before - 0.01, 6))
    return f"admin ratio {before:g} to {data['admin_per_specialist_fte']:g} per specialist FTE"


def _band(end: str, sign: float) -> Callable[[Data, str], str | None]:
    def step(data: Data, ident: str) -> str | None:
        band = _item(data["bands"], "category", ident)
        if band is None:
            return None
        key = f"{end}_share"
        before = band[key]
        band[key] = min(1.0, max(0.0, round(before + sign * 0.01, 6)))
        what = "floor" if end == "min" else "ceiling"
        label = CATEGORY_LABEL[Category(ident)]
        return f"{label} {what} {before:.0%} to {band[key]:.0%}"

    return step


def _source(data: Data, ident: str) -> str | None:
    source = _item(data["funding_sources"], "id", ident)
    if source is None:
        return None
    before = source["amount_gbp"]
    source["amount_gbp"] = before + 1000.0
    return f"{source['name']}: £{before:,.0f} to £{source['amount_gbp']:,.0f}"


def _cap(data: Data, ident: str) -> str | None:
    before = data.get("council_budget_cap_gbp")
    if before is None:
        return None
    data["council_budget_cap_gbp"] = before + 1000.0
    return f"the council's cap £{before:,.0f} to £{before + 1000:,.0f}"


_STEPS: dict[str, Callable[[Data, str], str | None]] = {
    "staff_available": _staff,
    "establishment": _staff,
    "min_deployed": _min_deployed,
    "function_min": _function_min,
    "function_max": _function_max,
    "take_up": _take_up,
    "admin_ratio": _admin,
    "band_min": _band("min", -1.0),
    "band_max": _band("max", +1.0),
    "funding_amount": _source,
    "council_cap": _cap,
}
