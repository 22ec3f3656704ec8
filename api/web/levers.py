"""The staffing levers form: the figures people change, read back into an instance.

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
    format_path,
    parse_instance,
)

Kind = Literal["share", "gbp", "fte"]
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

    @property
    def path(self) -> str:
        """The instance field the lever changes, as a path."""
        return format_path(self.loc)


@dataclass(frozen=True)
class Group:
    """Levers shown together under one heading."""

    heading: str
    hint: str
    levers: list[Lever]


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
    """The levers of a staffing instance, grouped as the form shows them."""
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


def apply(
    instance: StaffingInstance, form: Mapping[str, Any]
) -> tuple[StaffingInstance | None, list[Group], list[FieldError]]:
    """The instance with the typed levers, the form as typed, and every error at once."""
    data = instance.model_dump(mode="json")
    groups: list[Group] = []
    errors: list[FieldError] = []
    for group in levers(instance):
        typed = [replace(lv, value=str(form.get(lv.field, lv.value))) for lv in group.levers]
        for lever in typed:
            value, error = _read(lever, lever.value)
            if error:
                errors.append(FieldError(lever.field, error))
            else:
                _set(data, lever.loc, value)
        groups.append(replace(group, levers=typed))
    if errors:
        return None, groups, errors
    try:
        changed = parse_instance(data)
    except InstanceError as exc:
        return None, groups, engine_errors(exc, groups)
    assert isinstance(changed, StaffingInstance)
    return changed, groups, []


def engine_errors(exc: InstanceError, groups: list[Group]) -> list[FieldError]:
    """The engine's problems, each at the field whose path it names (or the first field of
    the item it names), in the engine's words."""
    all_levers = [lv for g in groups for lv in g.levers]
    out = []
    for problem in exc.problems:
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
