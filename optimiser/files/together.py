"""Cross-entity checks on an instance whose fields are not all valid: every problem, one round.

A field that fails its check is set aside: left to its default where it has one, otherwise the
list item that holds it (a staff group, a referral) is left out. The rest is validated again
and its cross-entity checks run (unknown ids, duplicates, a reference that looks like a pupil
number), with paths in the input's own positions. A problem that may follow from what was set
aside (an unknown provider once a provider was left out, a skill nobody holds once a group's
skills were) is not reported: the field problem already is.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from optimiser.core.errors import InstanceError, Problem
from optimiser.files.tables import strip_optional
from optimiser.placements.schema import PlacementInstance
from optimiser.staffing.schema import StaffingInstance

MODELS: dict[str, type[BaseModel]] = {"staffing": StaffingInstance, "placements": PlacementInstance}
PASSES = 4
WORDS = {"staff_groups": "staff group", "funding_sources": "source", "bands": "shares"}
ITEM = re.compile(r"^([a-z_]+)\[(\d+)\]")


def cross_entity_problems(data: dict[str, Any], exc: ValidationError) -> list[Problem]:
    """The cross-entity problems of `data` once its invalid fields are set aside ([] when
    too little is left to check)."""
    from optimiser.solve import check_instance  # noqa: PLC0415 (solve imports the schema)

    model = MODELS[data["kind"]]
    work, dropped, touched = copy.deepcopy(data), dict[str, set[int]](), set[str]()
    error: ValidationError | None = exc
    for _ in range(PASSES):
        if error is None:
            break
        for err in error.errors(include_url=False):
            loc = _loc(err["loc"], data["kind"])
            if not _set_aside(work, model, loc, dropped):
                return []
            touched.add(str(loc[0]))
        error = _validate(model, _without(work, dropped))
    if error is not None:
        return []
    try:
        check_instance(model.model_validate(_without(work, dropped)))  # type: ignore[type-var]
    except InstanceError as found:
        return _in_place(found.problems, dropped, touched, data)
    return []


def _loc(loc: tuple[Any, ...], kind: str) -> tuple[Any, ...]:
    return loc[1:] if loc and loc[0] == kind else loc


def _validate(model: type[BaseModel], data: dict[str, Any]) -> ValidationError | None:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return exc
    return None


def _set_aside(
    data: dict[str, Any], model: type[BaseModel], loc: tuple[Any, ...], dropped: dict[str, set[int]]
) -> bool:
    """Reset the failing field to its default, or mark its top-level item left out; False
    when neither is possible (a required setting of the instance itself)."""
    spot = _default_at(data, model, loc)
    if spot is not None:
        container, key = spot
        container.pop(key, None)
        return True
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        dropped.setdefault(loc[0], set()).add(loc[1])
        return True
    return False


def _default_at(
    data: dict[str, Any], model: type[BaseModel], loc: tuple[Any, ...]
) -> tuple[dict[str, Any], str] | None:
    """(the dict holding it, its key) when the innermost field on `loc` below the top-level
    lists has a default; else None."""
    node: Any = data
    current: Any = model
    spot = None
    for depth, part in enumerate(loc):
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            current = _item_model(current)
        elif isinstance(node, dict) and _is_model(current) and part in current.model_fields:
            info = current.model_fields[part]
            spot = (node, part) if not info.is_required() and not _top_list(loc, depth) else None
            current, node = strip_optional(info.annotation), node.get(part)
        else:
            return None
    return spot


def _top_list(loc: tuple[Any, ...], depth: int) -> bool:
    """loc[depth] is a list of the instance's items (referrals) and the error is in an item."""
    return depth == 0 and len(loc) > 1 and isinstance(loc[1], int)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _item_model(annotation: Any) -> Any:
    args = getattr(annotation, "__args__", ())
    return strip_optional(args[0]) if args else None


def _without(data: dict[str, Any], dropped: dict[str, set[int]]) -> dict[str, Any]:
    out = dict(data)
    for name, gone in dropped.items():
        if isinstance(out.get(name), list):
            out[name] = [item for i, item in enumerate(out[name]) if i not in gone]
    return out


def _refers_to_left_out(message: str, touched: set[str]) -> bool:
    """A problem that may come from an item left out: 'refers to an unknown provider' when a
    provider was left out, 'no specialist staff group has this skill' when a group was."""
    return any(WORDS.get(name, name.rstrip("s")) in message for name in touched)


def _in_place(
    problems: list[Problem], dropped: dict[str, set[int]], touched: set[str], data: dict[str, Any]
) -> list[Problem]:
    """Problem paths in the input's positions; unknown references left out when an item was."""
    out = []
    for problem in problems:
        if _refers_to_left_out(problem.message, touched):
            continue
        match = ITEM.match(problem.path)
        if match and match.group(1) in dropped:
            name, gone = match.group(1), dropped[match.group(1)]
            kept = [i for i in range(len(data.get(name, []))) if i not in gone]
            path = f"{name}[{kept[int(match.group(2))]}]{problem.path[match.end() :]}"
            problem = Problem(path, problem.message, problem.ids)  # noqa: PLW2901
        out.append(problem)
    return out
