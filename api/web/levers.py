"""The staffing levers form: the figures people change, read back into an instance.

A plan over years also has a group per kind of figure that changes year by year (each year's
cap, funding amounts, drivers, and bands and traded take-up, prices and income where the
instance sets them by year), shown as a row a
figure and a column a year; which figures, their values each year and how they are written
back and checked are the engine's (optimiser.staffing.year_levers).

A lever names a field of the instance by its location (as the engine's error paths do), so
an engine problem at that path is shown at its field. The page reads what was typed (numbers,
£ and commas); every rule about the figures stays in the engine's checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from optimiser import (
    CATEGORY_LABEL,
    InstanceError,
    StaffingInstance,
    YearLever,
    YearWrite,
    format_path,
    parse_instance,
    write_years,
    year_levers,
)

Kind = Literal["share", "gbp", "fte", "number"]
Loc = tuple[str | int, ...]
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class Lever:
    """One form field that changes a value of the instance."""

    field: str  # the HTML id and name
    label: str
    loc: Loc
    kind: Kind
    value: str  # as shown in the field
    optional: bool = False  # blank means none (the council's cap)
    hint: str = ""
    year: str = ""  # a year's figure of a plan over years: the year and the engine's key
    key: str = ""

    @property
    def path(self) -> str:
        """The instance field the lever changes, as a path."""
        return format_path(self.loc)


@dataclass(frozen=True)
class Group:
    """Levers shown together under one heading; a group of a year's figures has a row a
    figure (`row_labels`) and a column a year (its levers row by row)."""

    heading: str
    hint: str
    levers: list[Lever]
    years: tuple[str, ...] = ()
    row_labels: tuple[str, ...] = ()
    row_header: str = ""  # the header of the row labels' column

    @property
    def rows(self) -> list[tuple[str, list[Lever]]]:
        """Each row's label and its levers, a year each."""
        n = len(self.years)
        return [
            (label, self.levers[i * n : (i + 1) * n]) for i, label in enumerate(self.row_labels)
        ]


@dataclass(frozen=True)
class FieldError:
    """A form error: the field it links to and its words."""

    field: str  # the id the error summary links to
    text: str


def _shown(value: float | None, kind: Kind) -> str:
    if value is None:
        return ""
    return f"{value:g}" if kind != "gbp" else f"{value:.0f}"


def levers(instance: StaffingInstance) -> list[Group]:
    """The levers of a staffing instance, grouped as the form shows them; for a plan over
    years, the figures it has year by year instead of their one-year levers."""
    by_year = year_levers(instance)
    if not by_year:
        return _one_year(instance)
    kinds = {lv.kind for lv in by_year}
    per_year = {lv.key for lv in by_year}  # a one-year lever's field is its year lever's key
    drop = {"Category bands": "band" in kinds, "The council's cap": True}
    kept = [
        replace(
            g,
            levers=[lv for lv in g.levers if lv.field not in per_year],
            hint=_ONE_YEAR_HINT.get(g.heading, g.hint),
        )
        for g in _one_year(instance)
        if not drop.get(g.heading)
    ]
    return [*_year_groups(instance, by_year), *kept]


_ONE_YEAR_HINT = {
    "Funding": "Sources paid per unit of a driver, or only in some years: the fixed amount a "
    "year, before what the driver adds.",
    "Traded take-up and prices": "Figures the plan does not set by year: each holds in every year.",
}
_YEAR_GROUPS = {
    "cap": (
        "Figure",
        "The council's cap each year",
        "Leave a year blank for no cap. A year after a year with a cap needs its own.",
    ),
    "funding": ("Source", "Funding each year", "Each source's amount that year (£)."),
    "driver": (
        "Driver",
        "Drivers each year",
        "The figure a grant per unit follows, such as pupils in maintained schools.",
    ),
    "band": (
        "Limit",
        "Category bands each year",
        "Shares of deployed specialist FTE, as fractions: 0.35 is 35%.",
    ),
    "traded": (
        "Figure",
        "Traded take-up and prices each year",
        "Take-up as a share of the schools in scope, as a fraction: 0.4 is 40%; prices and "
        "income in £ a year.",
    ),
}


def _year_groups(instance: StaffingInstance, by_year: list[YearLever]) -> list[Group]:
    """A group a kind of figure: a row a lever, a column a year."""
    years = tuple(y.id for y in instance.years)
    groups = []
    for kind, (row_header, heading, hint) in _YEAR_GROUPS.items():
        rows = [lv for lv in by_year if lv.kind == kind]
        if not rows:
            continue
        cells = [
            Lever(
                f"{lv.key}-{year}",
                f"{year}: {lv.label}",
                (),
                lv.unit,
                lv.shown(i),
                year=year,
                key=lv.key,
            )
            for lv in rows
            for i, year in enumerate(years)
        ]
        labels = tuple(lv.label[0].upper() + lv.label[1:] for lv in rows)
        groups.append(Group(heading, hint, cells, years, labels, row_header))
    return groups


def _one_year(instance: StaffingInstance) -> list[Group]:
    """The levers of a one-year plan."""
    bands = [
        Lever(
            f"band-{b.category.value}-{end}",
            f"{CATEGORY_LABEL[b.category]}: {'lowest' if end == 'min' else 'highest'} share",
            ("bands", i, f"{end}_share"),
            "share",
            _shown(getattr(b, f"{end}_share"), "share"),
        )
        for i, b in enumerate(instance.bands)
        for end in ("min", "max")
    ]
    cap = Lever(
        "council-cap",
        "Council's net contribution: cap (£ a year)",
        ("council_budget_cap_gbp",),
        "gbp",
        _shown(instance.council_budget_cap_gbp, "gbp"),
        optional=True,
        hint="Leave blank for no cap.",
    )
    funds = [
        Lever(
            f"fund-{k.id}",
            f"{k.name} (£ a year)",
            ("funding_sources", i, "amount_gbp"),
            "gbp",
            _shown(k.amount_gbp, "gbp"),
        )
        for i, k in enumerate(instance.funding_sources)
    ]
    staff = [
        Lever(
            f"staff-{g.id}",
            f"{g.name} (FTE available)",
            ("staff_groups", i, "fte_available"),
            "fte",
            _shown(g.fte_available, "fte"),
        )
        for i, g in enumerate(instance.staff_groups)
    ]
    return [
        Group(
            "Category bands", "Shares of deployed specialist FTE, as fractions: 0.35 is 35%.", bands
        ),
        Group("The council's cap", "", [cap]),
        Group("Funding", "", funds),
        Group("Staff available", "", staff),
        Group("Traded take-up and prices", "", _traded(instance)),
    ]


def _traded(instance: StaffingInstance) -> list[Lever]:
    out: list[Lever] = []
    for i, f in enumerate(instance.functions):
        t = f.traded
        if t is None:
            continue
        loc: Loc = ("functions", i, "traded")
        if t.income_per_fte_gbp is not None:
            out.append(
                Lever(
                    f"income-{f.id}",
                    f"{f.name}: income per FTE (£ a year)",
                    (*loc, "income_per_fte_gbp"),
                    "gbp",
                    _shown(t.income_per_fte_gbp, "gbp"),
                )
            )
            continue
        out.append(
            Lever(
                f"takeup-{f.id}",
                f"{f.name}: take-up (share of schools)",
                (*loc, "take_up_share"),
                "share",
                _shown(t.take_up_share, "share"),
            )
        )
        out.append(
            Lever(
                f"price-{f.id}",
                f"{f.name}: price per school (£ a year)",
                (*loc, "price_per_school_gbp"),
                "gbp",
                _shown(t.price_per_school_gbp, "gbp"),
            )
        )
    return out


def _read(lever: Lever, typed: str) -> tuple[float | None, str | None]:
    """The number typed in a field, or the message that tells the person what to enter."""
    text = typed.strip().replace(",", "").removeprefix("£").strip()
    name = lever.label.split(" (")[0]
    if not text:
        return None, None if lever.optional else f"Enter {name.lower()}"
    if not _NUMBER.fullmatch(text):
        return None, f"{name} must be a number"
    value = float(text)
    if value < 0:
        return None, f"{name} must be 0 or more"
    if lever.kind == "share" and value > 1:
        return None, "Enter the share as a fraction, for example 0.35"
    return value, None


def _year_figure(typed: str) -> float | str | None:
    """A year's figure as typed: a number, None if blank, else the text (for the engine to
    ask for a number; it never repeats it)."""
    text = typed.strip().replace(",", "").removeprefix("£").strip()
    if not text:
        return None
    return float(text) if _NUMBER.fullmatch(text) else text


def apply(
    instance: StaffingInstance, form: Mapping[str, Any]
) -> tuple[StaffingInstance | None, list[Group], list[FieldError]]:
    """The instance with the typed levers, the form as typed, and every error at once."""
    data = instance.model_dump(mode="json")
    groups: list[Group] = []
    errors: list[FieldError] = []
    by_year: dict[tuple[str, str], float | str | None] = {}
    for group in levers(instance):
        typed = [replace(lv, value=str(form.get(lv.field, lv.value))) for lv in group.levers]
        for lever in typed:
            if lever.year:
                by_year[(lever.year, lever.key)] = _year_figure(lever.value)
                continue
            value, error = _read(lever, lever.value)
            if error:
                errors.append(FieldError(lever.field, error))
            else:
                _set(data, lever.loc, value)
        groups.append(replace(group, levers=typed))
    written = write_years(instance, data, by_year) if instance.horizon else None
    if written is not None:
        errors += [FieldError(f"{p.key}-{p.year}", p.text) for p in written.problems]
    if errors:
        return None, groups, errors
    try:
        changed = parse_instance(data)
    except InstanceError as exc:
        return None, groups, engine_errors(exc, groups, written)
    assert isinstance(changed, StaffingInstance)
    return changed, groups, []


def engine_errors(
    exc: InstanceError, groups: list[Group], written: YearWrite | None = None
) -> list[FieldError]:
    """The engine's problems, each at the field whose path it names (or the first field of
    the item it names; a year's figure by its year and lever), in the engine's words."""
    all_levers = [lv for g in groups for lv in g.levers if not lv.year]
    out = []
    for problem in exc.problems:
        named = written.name(problem) if written is not None else None
        if named is not None:
            out.append(FieldError(f"{named.key}-{named.year}", named.text))
            continue
        lever = next((lv for lv in all_levers if lv.path == problem.path), None) or next(
            (lv for lv in all_levers if problem.path and lv.path.startswith(problem.path)), None
        )
        label = lever.label if lever else problem.path or "The plan"
        out.append(FieldError(lever.field if lever else "levers", f"{label}: {problem.message}"))
    return out


def _set(data: Any, loc: Loc, value: float | None) -> None:
    node = data
    for part in loc[:-1]:
        node = node[part]
    node[loc[-1]] = value
