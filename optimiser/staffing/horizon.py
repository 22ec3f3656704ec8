"""A plan over years seen one year at a time: each year's figures with every change applied.

Changes carry forward: a value given in one year holds in the later years until changed.
A year's amount of a funding source is `(amount_gbp + per_unit_gbp x driver) x service_share`,
nothing outside the source's `years` when those are given. Pay uplifts compound: year t's cost
per FTE is the instance's cost x prod_{u <= t} (1 + uplift_u).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from optimiser.staffing.schema import (
    Category,
    CategoryBand,
    Demand,
    Function,
    FundingSource,
    StaffGroup,
    StaffingInstance,
)
from optimiser.staffing.schema_years import FunctionYear, Year


@dataclass(frozen=True)
class YearView:
    """One year of the horizon: its id ("" for a one-year instance), its position, its
    figures as a one-year instance, and its discount factor 1 / (1 + rate)^index."""

    id: str
    index: int
    instance: StaffingInstance
    discount: float = 1.0


@dataclass
class _Carried:
    drivers: dict[str, float]
    funding: dict[str, float]
    functions: dict[str, dict[str, Any]]
    bands: list[CategoryBand]
    cap: float | None
    overhead: float
    pay: float = 1.0


def year_views(instance: StaffingInstance) -> list[YearView]:
    """Every year's figures; a one-year instance is its own single view."""
    if not instance.horizon:
        return [YearView("", 0, instance)]
    state = _Carried(
        {},
        {},
        {},
        list(instance.bands),
        instance.council_budget_cap_gbp,
        instance.overhead_cost_gbp,
    )
    rate = instance.discount_rate if instance.discount else 0.0
    out = []
    for index, year in enumerate(instance.years):
        _carry(state, year)
        view = instance.model_copy(
            update={
                "years": [],
                "staff_groups": [_group(g, state.pay) for g in instance.staff_groups],
                "functions": [
                    _function(f, state.functions.get(f.id, {})) for f in instance.functions
                ],
                "funding_sources": [_source(k, year, state) for k in instance.funding_sources],
                "bands": list(state.bands),
                "council_budget_cap_gbp": state.cap,
                "overhead_cost_gbp": state.overhead,
            }
        )
        out.append(YearView(year.id, index, view, 1.0 / (1.0 + rate) ** index))
    return out


def _carry(state: _Carried, year: Year) -> None:
    """Apply one year's changes to what carries forward."""
    state.drivers.update({d.id: d.value for d in year.drivers})
    state.funding.update({a.id: a.amount_gbp for a in year.funding})
    for f in year.functions:
        state.functions.setdefault(f.id, {}).update(f.model_dump(exclude_none=True, exclude={"id"}))
    if year.bands:
        state.bands = [
            CategoryBand(
                category=Category(b.category), min_share=b.min_share, max_share=b.max_share
            )
            for b in year.bands
        ]
    if year.cap_gbp is not None:
        state.cap = year.cap_gbp
    if year.overhead_cost_gbp is not None:
        state.overhead = year.overhead_cost_gbp
    state.pay *= 1.0 + year.pay_uplift_share


def _group(g: StaffGroup, pay: float) -> StaffGroup:
    def up(v: float | None) -> float | None:
        return None if v is None else v * pay

    return g.model_copy(
        update={
            "cost_per_fte_gbp": g.cost_per_fte_gbp * pay,
            "release_cost_per_fte_gbp": up(g.release_cost_per_fte_gbp),
            "hire_cost_per_fte_gbp": up(g.hire_cost_per_fte_gbp),
        }
    )


def _function(f: Function, changes: dict[str, Any]) -> Function:
    if not changes:
        return f
    update: dict[str, Any] = {k: changes[k] for k in ("min_fte", "max_fte") if k in changes}
    if "cases" in changes and f.demand is not None:
        update["demand"] = Demand(cases=changes["cases"], cases_per_fte=f.demand.cases_per_fte)
    traded_fields = set(FunctionYear.model_fields) - {"id", "cases", "min_fte", "max_fte"}
    traded = {k: v for k, v in changes.items() if k in traded_fields}
    if traded and f.traded is not None:
        update["traded"] = f.traded.model_copy(update=traded)
    return f.model_copy(update=update)


def source_amount(k: FundingSource, year_id: str, drivers: dict[str, float], fixed: float) -> float:
    """The year's amount: (fixed + per_unit x driver) x service_share; 0 outside its years."""
    if k.years and year_id not in k.years:
        return 0.0
    driven = (k.per_unit_gbp or 0.0) * drivers.get(k.driver, 0.0) if k.driver else 0.0
    return (fixed + driven) * k.service_share


def _source(k: FundingSource, year: Year, state: _Carried) -> FundingSource:
    fixed = state.funding.get(k.id, k.amount_gbp)
    return k.model_copy(
        update={
            "amount_gbp": source_amount(k, year.id, state.drivers, fixed),
            "per_unit_gbp": None,
            "driver": None,
            "service_share": 1.0,
            "years": [],
        }
    )
