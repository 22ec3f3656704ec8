"""From plain data (parsed JSON, an HTTP body) to a checked instance, or one InstanceError."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from optimiser.checks import UPN, check_instance
from optimiser.errors import InstanceError, Problem
from optimiser.schema.placements import PlacementInstance
from optimiser.schema.staffing import StaffingInstance

Instance = Annotated[StaffingInstance | PlacementInstance, Field(discriminator="kind")]
_INSTANCE: TypeAdapter[StaffingInstance | PlacementInstance] = TypeAdapter(Instance)

KINDS = ("staffing", "placements")


def parse_instance(data: Any) -> StaffingInstance | PlacementInstance:
    """Validate plain data as an instance of the kind it names; raise InstanceError if bad."""
    if not isinstance(data, dict):
        raise InstanceError([Problem("", "an instance must be a JSON object")])
    kind = data.get("kind")
    if kind not in KINDS:
        raise InstanceError([Problem("kind", f"unknown kind; expected one of {', '.join(KINDS)}")])
    try:
        instance = _INSTANCE.validate_python(data)
    except ValidationError as exc:
        raise InstanceError(problems_from_validation(exc, data)) from None
    check_instance(instance)
    return instance


def problems_from_validation(exc: ValidationError, data: Any) -> list[Problem]:
    """Every pydantic error as a Problem: field path, message and the id of the item involved.

    Submitted values are never copied into the message.
    """
    problems = []
    for err in exc.errors(include_input=False, include_url=False, include_context=False):
        loc = tuple(err["loc"])
        if loc and loc[0] in KINDS:  # the discriminated union names the kind first
            loc = loc[1:]
        if err["type"] == "extra_forbidden":  # the key's name is submitted content: not repeated
            loc = loc[:-1]
        problems.append(
            Problem(format_path(loc), _message(err["type"], err["msg"]), _ids_at(data, loc))
        )
    return problems


def format_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(kind: str, msg: str) -> str:
    if kind == "extra_forbidden":
        return "has an unknown field (its name is not repeated)"
    if kind == "missing":
        return "required field is missing"
    return msg.removeprefix("Value error, ")


def _ids_at(data: Any, loc: tuple[int | str, ...]) -> tuple[str, ...]:
    """The `id` of each list item on the path, where the input has one. Referral references
    are never repeated: they identify children, and the path already says which item."""
    ids: list[str] = []
    node = data
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(node, dict):
            ident = node.get("id")
            if isinstance(ident, str) and len(ident) <= 64 and not UPN.fullmatch(ident):
                ids.append(ident)
    return tuple(ids)


def parse_staffing(data: Any) -> StaffingInstance:
    """parse_instance for callers that need a staffing instance."""
    instance = parse_instance(data)
    if not isinstance(instance, StaffingInstance):
        raise InstanceError([Problem("kind", "expected a staffing instance")])
    return instance


def parse_placements(data: Any) -> PlacementInstance:
    """parse_instance for callers that need a placement instance."""
    instance = parse_instance(data)
    if not isinstance(instance, PlacementInstance):
        raise InstanceError([Problem("kind", "expected a placement instance")])
    return instance
