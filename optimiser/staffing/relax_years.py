"""Relax one year's binding rule of a plan over years by one step: that year's figure moves,
and the next year is given the figure it had, so that the change stays in its year (a figure
given in one year holds in later years until changed).

The steps are those of optimiser.staffing.relax, on the year's own fields: a function's
minimum, maximum or take-up, a category's band, a source's amount, the council's cap. A rule
with no figure of its own in a year (the establishment carried from the year before, the admin
ratio, a group's most change or least deployment, a total spread over the years) has no step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from optimiser.staffing.horizon import YearView, year_views
from optimiser.staffing.schema import CATEGORY_LABEL, Category, StaffingInstance

Data = dict[str, Any]
YearStep = Callable[[Data, list[YearView], int, str], str | None]


def relax_year(instance: StaffingInstance, family: str, year: str, ident: str) -> Data | None:
    """The instance's data with the rule of `family` on `ident` in `year` relaxed by one
    step, its change in words under "change"; None where the rule has no step in a year."""
    step = YEAR_STEPS.get(family)
    views = year_views(instance)
    t = next((i for i, v in enumerate(views) if v.id == year), None)
    if step is None or t is None:
        return None
    data = instance.model_dump(mode="json")
    change = step(data, views, t, ident)
    return None if change is None else {"data": data, "change": f"{year}: {change}"}


def _year(data: Data, t: int) -> Data:
    year: Data = data["years"][t]
    return year


def _entry(data: Data, t: int, function_id: str) -> Data:
    """Year t's entry for a function (made when the year has none)."""
    entries = _year(data, t).setdefault("functions", [])
    found: Data | None = next((e for e in entries if e["id"] == function_id), None)
    if found is None:
        found = {"id": function_id}
        entries.append(found)
    return found


def _keep_next(data: Data, views: list[YearView], t: int, fid: str, names: list[str]) -> None:
    """The year after t keeps its own figures of a function (given, not carried from t)."""
    if t + 1 >= len(views):
        return
    after = views[t + 1].instance.function(fid)
    values = {
        "min_fte": after.min_fte,
        "max_fte": after.max_fte,
        "cases": None if after.demand is None else after.demand.cases,
        "take_up_share": None if after.traded is None else after.traded.take_up_share,
    }
    entry = _entry(data, t + 1, fid)
    for name in names:
        if values[name] is not None:
            entry.setdefault(name, values[name])


def _function_min(data: Data, views: list[YearView], t: int, fid: str) -> str | None:
    """One FTE off the larger of the stated and the demand-driven minimum of the year."""
    f = views[t].instance.function(fid)
    demand = f.demand
    need = max(f.min_fte, demand.cases / demand.cases_per_fte if demand else 0.0)
    new = max(0.0, need - 1.0)
    _keep_next(data, views, t, fid, ["min_fte", "cases"])
    entry = _entry(data, t, fid)
    entry["min_fte"] = round(min(f.min_fte, new), 6)
    if demand is not None:
        entry["cases"] = round(min(demand.cases, new * demand.cases_per_fte), 6)
    return f"{f.name}: minimum {need:.2f} to {new:.2f} specialist FTE"


def _function_max(data: Data, views: list[YearView], t: int, fid: str) -> str | None:
    f = views[t].instance.function(fid)
    if f.max_fte is None:
        return None
    _keep_next(data, views, t, fid, ["max_fte"])
    _entry(data, t, fid)["max_fte"] = round(f.max_fte + 1.0, 6)
    return f"{f.name}: at most {f.max_fte:g} to {f.max_fte + 1.0:g} specialist FTE"


def _take_up(data: Data, views: list[YearView], t: int, fid: str) -> str | None:
    f = views[t].instance.function(fid)
    traded = f.traded
    if traded is None or not traded.schools_in_scope or traded.take_up_share is None:
        return None
    schools, before = traded.schools_in_scope, traded.take_up_share
    share = min(1.0, round(before + 1.0 / schools, 9))
    if share == before:
        return None
    _keep_next(data, views, t, fid, ["take_up_share"])
    _entry(data, t, fid)["take_up_share"] = share
    return f"{f.name}: take-up {before * schools:g} to {share * schools:g} schools"


def _bands(view: YearView) -> list[Data]:
    return [
        {"category": b.category.value, "min_share": b.min_share, "max_share": b.max_share}
        for b in view.instance.bands
    ]


def _band(end: str, sign: float) -> YearStep:
    def step(data: Data, views: list[YearView], t: int, category: str) -> str | None:
        bands = _bands(views[t])
        band = next((b for b in bands if b["category"] == category), None)
        if band is None:
            return None
        key = f"{end}_share"
        before = band[key]
        band[key] = min(1.0, max(0.0, round(before + sign * 0.01, 6)))
        if t + 1 < len(views) and not _year(data, t + 1).get("bands"):
            _year(data, t + 1)["bands"] = _bands(views[t + 1])
        _year(data, t)["bands"] = bands
        what = "floor" if end == "min" else "ceiling"
        return f"{CATEGORY_LABEL[Category(category)]} {what} {before:.0%} to {band[key]:.0%}"

    return step


def _fixed(data: Data, t: int, source: Data) -> float:
    """A source's fixed amount in year t: the last one given up to t, else its own."""
    amount = float(source["amount_gbp"])
    for year in data["years"][: t + 1]:
        for given in year.get("funding", []):
            if given["id"] == source["id"]:
                amount = float(given["amount_gbp"])
    return amount


def _set_fixed(data: Data, t: int, source_id: str, amount: float) -> None:
    entries = _year(data, t).setdefault("funding", [])
    entries[:] = [e for e in entries if e["id"] != source_id]
    entries.append({"id": source_id, "amount_gbp": amount})


def _source(data: Data, views: list[YearView], t: int, source_id: str) -> str | None:
    """£1,000 more of a source in the year (its fixed part raised by £1,000 / service share)."""
    source = next((k for k in data["funding_sources"] if k["id"] == source_id), None)
    if source is None or source.get("total_gbp") is not None:
        return None
    if source.get("years") and views[t].id not in source["years"]:
        return None
    if t + 1 < len(views):
        _set_fixed(data, t + 1, source_id, _fixed(data, t + 1, source))
    share = float(source.get("service_share", 1.0))
    _set_fixed(data, t, source_id, _fixed(data, t, source) + 1000.0 / share)
    before = views[t].instance.funding_sources[_position(data, source_id)].amount_gbp
    return f"{source['name']}: £{before:,.0f} to £{before + 1000:,.0f}"


def _position(data: Data, source_id: str) -> int:
    return next(i for i, k in enumerate(data["funding_sources"]) if k["id"] == source_id)


def _cap(data: Data, views: list[YearView], t: int, _: str) -> str | None:
    before = views[t].instance.council_budget_cap_gbp
    if before is None:
        return None
    if t + 1 < len(views) and _year(data, t + 1).get("cap_gbp") is None:
        _year(data, t + 1)["cap_gbp"] = views[t + 1].instance.council_budget_cap_gbp
    _year(data, t)["cap_gbp"] = before + 1000.0
    return f"the council's cap £{before:,.0f} to £{before + 1000:,.0f}"


YEAR_STEPS: dict[str, YearStep] = {
    "function_min": _function_min,
    "function_max": _function_max,
    "take_up": _take_up,
    "band_min": _band("min", -1.0),
    "band_max": _band("max", +1.0),
    "funding_amount": _source,
    "council_cap": _cap,
}
