"""An independent check of the priced sentences of a plan over years: relax one year's rule by
a small step and re-solve the whole horizon from scratch.

Where a year has a field for the figure behind a rule (a function's minimum, maximum or
take-up, a category's band, a source's amount, the council's cap), that year's figure is moved
in the instance itself, and the next year is given the figure it had, so that the change stays
in its year (figures carry forward from year to year). Rules with no field of their own in a
year (the establishment carried from the year before, the admin ratio, the most change a
year, a total spread over years) have their row moved in a freshly built model: its limit by
one step (a step that depends on the plan, as the admin ratio's, moves the row's coefficients).
"""

from __future__ import annotations

import copy
from typing import Any

import pulp

from optimiser import SolveStatus, parse_staffing
from optimiser.staffing import backend, model
from optimiser.staffing.horizon import YearView, year_views
from optimiser.staffing.solution import BindingRule
from optimiser.staffing.solve import TIE_BREAK
from tests.staffing_relax import OPTIONS

Mover = Any  # (data, views, year index, rule ids, delta) -> bool


def _year(data: dict[str, Any], t: int) -> dict[str, Any]:
    year: dict[str, Any] = data["years"][t]
    return year


def _function_entry(data: dict[str, Any], t: int, function_id: str) -> dict[str, Any]:
    entries = _year(data, t).setdefault("functions", [])
    for entry in entries:
        if entry["id"] == function_id:
            found: dict[str, Any] = entry
            return found
    entries.append({"id": function_id})
    new: dict[str, Any] = entries[-1]
    return new


def _set_function(
    data: dict[str, Any], views: list[YearView], t: int, fid: str, values: dict[str, float]
) -> None:
    """Year t's function figures set to `values`; the next year keeps its own."""
    if t + 1 < len(views):
        after = views[t + 1].instance.function(fid)
        entry = _function_entry(data, t + 1, fid)
        for name in values:
            entry.setdefault(name, _figure(after, name))
    _function_entry(data, t, fid).update(values)


def _figure(function: Any, name: str) -> float:
    if name == "cases":
        return float(function.demand.cases)
    if name == "take_up_share":
        return float(function.traded.take_up_share)
    value: float = getattr(function, name)
    return value


def _function_min(
    data: dict[str, Any], views: list[YearView], t: int, ids: list[str], delta: float
) -> bool:
    f = views[t].instance.function(ids[0])
    stated = f.min_fte
    by_demand = 0.0 if f.demand is None else f.demand.cases / f.demand.cases_per_fte
    if f.demand is not None and by_demand >= stated:
        cases = f.demand.cases - delta * f.demand.cases_per_fte
        _set_function(data, views, t, f.id, {"cases": cases})
    else:
        _set_function(data, views, t, f.id, {"min_fte": stated - delta})
    return abs(by_demand - stated) > abs(delta)


def _function_max(
    data: dict[str, Any], views: list[YearView], t: int, ids: list[str], delta: float
) -> bool:
    f = views[t].instance.function(ids[0])
    assert f.max_fte is not None
    _set_function(data, views, t, f.id, {"max_fte": f.max_fte + delta})
    return True


def _take_up(
    data: dict[str, Any], views: list[YearView], t: int, ids: list[str], delta: float
) -> bool:
    f = views[t].instance.function(ids[0])
    assert f.traded is not None
    assert f.traded.take_up_share is not None
    assert f.traded.schools_in_scope
    share = f.traded.take_up_share + delta / f.traded.schools_in_scope
    _set_function(data, views, t, f.id, {"take_up_share": share})
    return 0 <= share <= 1


def _band(side: str, sign: float) -> Mover:
    def move(
        data: dict[str, Any], views: list[YearView], t: int, ids: list[str], delta: float
    ) -> bool:
        def bands(view: YearView) -> list[dict[str, Any]]:
            return [
                {"category": b.category.value, "min_share": b.min_share, "max_share": b.max_share}
                for b in view.instance.bands
            ]

        if t + 1 < len(views) and not _year(data, t + 1).get("bands"):
            _year(data, t + 1)["bands"] = bands(views[t + 1])
        moved = bands(views[t])
        band = next(b for b in moved if b["category"] == ids[0])
        band[side] = round(band[side] + sign * 0.01 * delta, 12)
        _year(data, t)["bands"] = moved
        return bool(0 <= band[side] <= 1)

    return move


def _fixed_amount(data: dict[str, Any], t: int, source_id: str) -> float:
    """A source's fixed amount in year t: the last year's amount given, else its own."""
    amount = float(next(k for k in data["funding_sources"] if k["id"] == source_id)["amount_gbp"])
    for year in data["years"][: t + 1]:
        for given in year.get("funding", []):
            if given["id"] == source_id:
                amount = float(given["amount_gbp"])
    return amount


def _set_amount(data: dict[str, Any], t: int, source_id: str, amount: float) -> None:
    entries = _year(data, t).setdefault("funding", [])
    entries[:] = [e for e in entries if e["id"] != source_id]
    entries.append({"id": source_id, "amount_gbp": amount})


def _source(
    data: dict[str, Any], views: list[YearView], t: int, ids: list[str], delta: float
) -> bool:
    source = next(k for k in data["funding_sources"] if k["id"] == ids[0])
    paid_in = source.get("years") or [views[t].id]
    if source.get("total_gbp") is not None or views[t].id not in paid_in:
        return False  # a variable amount, or none this year: the row is moved instead
    if t + 1 < len(views):
        _set_amount(data, t + 1, source["id"], _fixed_amount(data, t + 1, source["id"]))
    share = float(source.get("service_share", 1.0))
    _set_amount(data, t, source["id"], _fixed_amount(data, t, source["id"]) + 1000 * delta / share)
    return True


def _cap(data: dict[str, Any], views: list[YearView], t: int, ids: list[str], delta: float) -> bool:
    if t + 1 < len(views) and _year(data, t + 1).get("cap_gbp") is None:
        _year(data, t + 1)["cap_gbp"] = views[t + 1].instance.council_budget_cap_gbp
    cap = views[t].instance.council_budget_cap_gbp
    assert cap is not None
    _year(data, t)["cap_gbp"] = cap + 1000 * delta
    return True


FIELD_OF_YEAR: dict[str, Mover] = {
    "function_min": _function_min,
    "function_max": _function_max,
    "take_up": _take_up,
    "band_min": _band("min_share", -1.0),
    "band_max": _band("max_share", +1.0),
    "funding_amount": _source,
    "council_cap": _cap,
}


def relaxed_horizon(data: dict[str, Any], rule: BindingRule, delta: float) -> float | None:
    """The objective (net cost over the years, discounted when discounting is on) with `rule`
    relaxed by `delta` steps (negative: tightened), re-solved from scratch; None where the
    move leaves the field's range or no plan is left."""
    moved = copy.deepcopy(data)
    views = year_views(parse_staffing(data))
    t = next(i for i, v in enumerate(views) if v.id == rule.year)
    ids = [i for i in rule.ids if i != rule.year]
    mover = FIELD_OF_YEAR.get(rule.family)
    if mover is not None and mover(moved, views, t, ids, delta):
        return _solve(moved, None, 0.0)
    if mover is not None and rule.family != "funding_amount":
        return None
    return _solve(moved, rule.rule, delta)


def _solve(data: dict[str, Any], key: str | None, delta: float) -> float | None:
    """Build afresh and solve as the engine does; with `key`, each of its rows relaxed by
    `delta` steps first: lhs - step <= limit (a `<=` row), lhs + step >= limit (`>=`)."""
    lp = model.build(parse_staffing(data))
    for rule in lp.book.rules.values():
        if key is None or rule.key != key:
            continue
        row = lp.problem.get_constraint_by_name(rule.name)
        if row is not None:
            sign = -1.0 if rule.sense == "<=" else 1.0
            row.addInPlace(sign * delta * rule.step)
    lp.problem.setObjective(lp.net_cost() + TIE_BREAK * pulp.lpSum(lp.general.values()))
    if backend.run(lp.problem, OPTIONS).status is not SolveStatus.OPTIMAL:
        return None
    return float(pulp.value(lp.net_cost()))
