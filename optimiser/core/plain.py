"""Field problems in words a council officer acts on.

Each message says what to enter, with an example of the form, never the value submitted: the
submitted value is looked at only to tell the common mistakes apart (a share typed as a
percentage, a list typed with semicolons, a name where an id is expected, a date where a week
number is expected).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

DATE_TEXT = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
ID_RULE = "letters, digits, '_', '.' or '-', starting with a letter or digit"
NUMBER_TYPES = ("int_type", "int_parsing", "float_type", "float_parsing", "int_from_float")
BOUNDS = {
    "greater_than_equal": ("ge", "must be {} or more"),
    "greater_than": ("gt", "must be more than {}"),
    "less_than_equal": ("le", "must be {} or less"),
    "less_than": ("lt", "must be less than {}"),
}


def plain_message(kind: str, msg: str, loc: tuple[int | str, ...], value: Any, ctx: Any) -> str:
    """The message for one field error (pydantic's `type`, `msg`, `loc`, `input`, `ctx`)."""
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    if kind == "extra_forbidden":
        return "has an unknown field (its name is not repeated)"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch":
        return id_message(value)
    if kind in NUMBER_TYPES and looks_like_date(value):
        return date_message(field)
    if kind in BOUNDS:
        return bound_message(kind, field, value, ctx) or msg
    if kind in NUMBER_TYPES:
        return "enter a whole number" if kind.startswith("int") else "enter a number"
    if kind in ("enum", "literal_error") and isinstance(ctx, dict) and "expected" in ctx:
        return f"must be one of {ctx['expected']}"
    return msg.removeprefix("Value error, ")


def id_message(value: Any) -> str:
    """An id that breaks the id rule: a list typed with semicolons, or a name, or other."""
    text = value if isinstance(value, str) else ""
    if ";" in text:
        return "separate the items of a list with commas, not semicolons (for example: a, b)"
    if " " in text.strip():
        return f"looks like a name: enter the id instead ({ID_RULE}; no spaces)"
    return f"an id uses {ID_RULE}"


def looks_like_date(value: Any) -> bool:
    """Whether a value is a date, a time, or text that reads like one."""
    if isinstance(value, date | datetime | time):
        return True
    return isinstance(value, str) and DATE_TEXT.match(value) is not None


def date_message(field: str) -> str:
    """A date entered where a number is expected."""
    if "week" in field:
        return "enter a week number (1 is the first week of the planning year), not a date"
    return "enter a number here, not a date"


def bound_message(kind: str, field: str, value: Any, ctx: Any) -> str | None:
    """A number out of its range; a share typed as a percentage said so."""
    key, words = BOUNDS[kind]
    limit = ctx.get(key) if isinstance(ctx, dict) else None
    if limit is None:
        return None
    share = field.endswith("share") and limit == 1
    if share and isinstance(value, int | float) and 1 < value <= 100:
        return "enter the share as a fraction, for example 0.35 for 35%"
    return words.format(f"{limit:g}" if isinstance(limit, int | float) else limit)
