"""The figures of a plan over years that change year by year, as levers an officer sets.

Each year's cap on the council's net contribution; each funding source's amount that year
(a source paid the same way every year: not per unit of a driver, not only in some years);
each driver's value that year (the pupils that a grant per pupil follows); each year's band
limits where the instance sets bands by year; and each traded function's take-up, price per
school or income per FTE where the instance sets that figure by year. A lever shows each
year's figure as it holds that year: a value given in one year carries into the later years
until changed.

A typed figure is written into a year where it differs from what the year holds (its own
figure, else the one carried into it), so the form as shown gives back the same instance
and a change to one year leaves the later years as they were. Blank or unreadable figures
are problems named by year and lever ("2016-17: council cap: enter a number of pounds, for
example 466000"), with an example from the instance, never the value typed; the schema's
checks of the figures written are named the same way (`YearWrite.name`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from optimiser.core.errors import Problem
from optimiser.staffing.schema import CATEGORY_LABEL, Category, StaffingInstance

Unit = Literal["gbp", "share", "number"]
Kind = Literal["cap", "funding", "driver", "band", "traded"]
Typed = float | str | None  # a figure, text that is not one (never repeated), or blank
Values = dict[str, float | None]  # a slot's levers' values in one year
_UNIT_TEXT = {"gbp": " (£)", "share": " (fraction)", "number": ""}
_ASK = {
    "gbp": "enter a number of pounds, for example {}",
    "share": "enter the share as a fraction, for example {}",
    "number": "enter a number, for example {}",
}


@dataclass(frozen=True)
class YearLever:
    """One figure that an officer sets for each year of the horizon."""

    key: str  # "cap", "fund-grant_lac", "driver-maintained_pupils", "band-core-min", "takeup-tr02"
    kind: Kind
    name: str  # "council cap", without the unit
    unit: Unit
    values: tuple[float | None, ...]  # each year's figure as it holds that year

    @property
    def label(self) -> str:
        """The name with its unit: "council cap (£)"."""
        return self.name + _UNIT_TEXT[self.unit]

    def shown(self, index: int) -> str:
        """Year `index`'s figure as a form shows it ("" for none)."""
        return _text(self.values[index], self.unit)


@dataclass(frozen=True)
class YearProblem:
    """A problem with one year's figure of one lever, in words an officer acts on."""

    year: str
    key: str
    text: str


@dataclass(frozen=True)
class _Slot:
    """Where a group of levers lives in each year's data: the values before the first year,
    a year's own values (None when it gives none), and how to write a year's values (the
    paths written, each with the lever it holds)."""

    keys: tuple[str, ...]
    base: Values
    own: Callable[[dict[str, Any]], Values | None]
    write: Callable[[dict[str, Any], int, Values], list[tuple[str, str]]]


_Slotted = tuple[_Slot, Kind, dict[str, str], Unit]  # a slot, its kind, its levers' names, unit


@dataclass
class YearWrite:
    """Typed figures written into instance data: the problems found before the schema's
    checks, and the path of each figure written (to name the schema's problems)."""

    years: list[str]
    levers: dict[str, YearLever]
    problems: list[YearProblem] = field(default_factory=list)
    written: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (year, key)

    def name(self, problem: Problem) -> YearProblem | None:
        """A schema problem with a figure written, named by its year and lever."""
        for path, (year, key) in self.written.items():
            if problem.path == path or path.startswith(problem.path + "."):
                return YearProblem(year, key, f"{year}: {self.levers[key].name}: {problem.message}")
        return None


def year_levers(instance: StaffingInstance) -> list[YearLever]:
    """The levers of a plan over years, each with every year's figure (none for one year)."""
    if not instance.horizon:
        return []
    data = instance.model_dump(mode="json")
    out: list[YearLever] = []
    for slot, kind, names, units in _slots(instance):
        shown = list(_carried(slot, data["years"]))
        for key in slot.keys:
            values = tuple(v[key] for v in shown)
            out.append(YearLever(key, kind, names[key], units, values))
    return out


def write_years(
    instance: StaffingInstance, data: dict[str, Any], typed: Mapping[tuple[str, str], Typed]
) -> YearWrite:
    """Write each year's typed figure of every lever (by year id and lever key) into `data`,
    the instance's plain data, in place."""
    years = [y.id for y in instance.years]
    levers = {lv.key: lv for lv in year_levers(instance)}
    out = YearWrite(years, levers)
    for slot, *_ in _slots(instance):
        carried = dict(slot.base)
        for index, year in enumerate(data["years"]):
            values = _read(out, slot, index, carried, typed)
            if values is None:
                continue
            if values != (slot.own(year) or carried):  # not what the year holds already
                for path, key in slot.write(data, index, values):
                    out.written[path] = (years[index], key)
            carried = values
    return out


def _read(
    out: YearWrite,
    slot: _Slot,
    index: int,
    carried: Values,
    typed: Mapping[tuple[str, str], Typed],
) -> Values | None:
    """A year's typed figures of a slot; None (with the problems) when one is unusable."""
    year = out.years[index]
    values: Values = {}
    for key in slot.keys:
        lever = out.levers[key]
        value = typed.get((year, key), lever.values[index])
        blank_allowed = key == "cap" and (index == 0 or carried[key] is None)
        if isinstance(value, str) or (value is None and not blank_allowed):
            example = lever.values[index] if lever.values[index] is not None else carried[key]
            ask = _ASK[lever.unit].format(_text(example if example is not None else 0, lever.unit))
            if value is None and key == "cap":  # blank, after a year with a cap
                ask = f"a year after a year with a cap needs its own; {ask}"
            out.problems.append(YearProblem(year, key, f"{year}: {lever.name}: {ask}"))
            continue
        values[key] = value
    return values if len(values) == len(slot.keys) else None


def _carried(slot: _Slot, years: list[dict[str, Any]]) -> list[Values]:
    """Each year's values of a slot: its own, else those carried from the year before."""
    out, carried = [], slot.base
    for year in years:
        carried = slot.own(year) or carried
        out.append(carried)
    return out


def _text(value: float | None, unit: Unit) -> str:
    if value is None:
        return ""
    return f"{value:.0f}" if unit == "gbp" else f"{value:.10g}"


def _slots(instance: StaffingInstance) -> list[_Slotted]:
    """Every slot of the instance: its kind, its levers' names and their unit."""
    out: list[_Slotted] = [(_cap_slot(instance), "cap", {"cap": "council cap"}, "gbp")]
    for k in instance.funding_sources:
        if k.driver is None and not k.years:
            slot = _item_slot("funding", k.id, "amount_gbp", f"fund-{k.id}", k.amount_gbp)
            out.append((slot, "funding", {f"fund-{k.id}": k.name}, "gbp"))
    for driver in dict.fromkeys(k.driver for k in instance.funding_sources if k.driver):
        paid = ", ".join(k.name for k in instance.funding_sources if k.driver == driver)
        slot = _item_slot("drivers", driver, "value", f"driver-{driver}", 0.0)
        out.append(
            (
                slot,
                "driver",
                {f"driver-{driver}": f"{driver.replace('_', ' ')}, for {paid}"},
                "number",
            )
        )
    if any(y.bands for y in instance.years):
        slot, names = _band_slot(instance)
        out.append((slot, "band", names, "share"))
    return out + _traded_slots(instance)


_TRADED: tuple[tuple[str, str, str, Unit], ...] = (
    ("takeup", "take_up_share", "take-up", "share"),
    ("price", "price_per_school_gbp", "price per school", "gbp"),
    ("income", "income_per_fte_gbp", "income per FTE", "gbp"),
)


def _traded_slots(instance: StaffingInstance) -> list[_Slotted]:
    """Each traded function's take-up, price per school or income per FTE that some year of
    the instance sets (the others hold the same every year)."""
    out: list[_Slotted] = []
    for f in instance.functions:
        for prefix, name, words, unit in _TRADED:
            base = getattr(f.traded, name, None)
            by_year = any(
                getattr(g, name) is not None
                for y in instance.years
                for g in y.functions
                if g.id == f.id
            )
            if base is not None and by_year:
                key = f"{prefix}-{f.id}"
                slot = _item_slot("functions", f.id, name, key, base)
                out.append((slot, "traded", {key: f"{f.name}: {words}"}, unit))
    return out


def _cap_slot(instance: StaffingInstance) -> _Slot:
    """The council's cap: a blank first year is no cap before the first year gives one."""

    def own(year: dict[str, Any]) -> Values | None:
        return {"cap": year["cap_gbp"]} if year.get("cap_gbp") is not None else None

    def write(data: dict[str, Any], index: int, values: Values) -> list[tuple[str, str]]:
        if index == 0 and values["cap"] is None:
            data["council_budget_cap_gbp"] = None
        data["years"][index]["cap_gbp"] = values["cap"]
        return [(f"years[{index}].cap_gbp", "cap")]

    return _Slot(("cap",), {"cap": instance.council_budget_cap_gbp}, own, write)


def _item_slot(items: str, item: str, name: str, key: str, base: float) -> _Slot:
    """A year's figure held in a list item by id: a funding amount, a driver's value, a
    traded function's figure (an item that leaves the figure out gives none)."""

    def own(year: dict[str, Any]) -> Values | None:
        found: dict[str, Any] = next((x for x in year.get(items, []) if x["id"] == item), {})
        return None if found.get(name) is None else {key: found[name]}

    def write(data: dict[str, Any], index: int, values: Values) -> list[tuple[str, str]]:
        listed = data["years"][index].setdefault(items, [])
        at = next((i for i, x in enumerate(listed) if x["id"] == item), len(listed))
        if at == len(listed):
            listed.append({"id": item})
        listed[at][name] = values[key]
        return [(f"years[{index}].{items}[{at}].{name}", key)]

    return _Slot((key,), {key: base}, own, write)


def _band_slot(instance: StaffingInstance) -> tuple[_Slot, dict[str, str]]:
    """A year's bands: when a year gives bands it gives them all (a category it leaves out
    is unbounded: 0 to 1), so a changed limit writes the year's every band."""
    given = {b.category for b in instance.bands} | {
        Category(b.category) for y in instance.years for b in y.bands
    }
    categories = [c for c in Category if c in given]
    names = {
        f"band-{c.value}-{end}": f"{CATEGORY_LABEL[c]}: {word} share"
        for c in categories
        for end, word in (("min", "lowest"), ("max", "highest"))
    }

    def values_of(bands: list[dict[str, Any]]) -> Values:
        by = {b["category"]: b for b in bands}
        return {
            f"band-{c.value}-{end}": by.get(c.value, {}).get(f"{end}_share", float(end == "max"))
            for c in categories
            for end in ("min", "max")
        }

    def own(year: dict[str, Any]) -> Values | None:
        return values_of(year["bands"]) if year.get("bands") else None

    def write(data: dict[str, Any], index: int, values: Values) -> list[tuple[str, str]]:
        data["years"][index]["bands"] = [
            {
                "category": c.value,
                "min_share": values[f"band-{c.value}-min"],
                "max_share": values[f"band-{c.value}-max"],
            }
            for c in categories
        ]
        return [
            (f"years[{index}].bands[{i}].{end}_share", f"band-{c.value}-{end}")
            for i, c in enumerate(categories)
            for end in ("min", "max")
        ]

    base = values_of(instance.model_dump(mode="json")["bands"])
    return _Slot(tuple(names), base, own, write), names
