"""What-if settings: `FIELD=VALUE` applied to instance data by field path.

A field is a dotted path into the instance; list items are picked by position or by id (a
band by its category): `functions[outreach].traded.take_up_share`, `bands[traded].max_share`,
`providers[P0004].places`, `policy.budget_cap_gbp`. The same paths serve `solve --set` and
`sweep --vary/--set`.

Every problem comes in one round: a path that names nothing, a value of the wrong type or one
the schema refuses, and the instance's own problems, together. A problem with a value that was
set is named by the setting (`--set bands[traded].max_share`), not by the list position the
path resolved to.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from optimiser.core.errors import InstanceError, Problem
from optimiser.files.io import read_json
from optimiser.files.parse import parse_instance
from optimiser.files.read import read_csv_folder, read_workbook
from optimiser.placements.schema import PlacementInstance
from optimiser.staffing.schema import StaffingInstance

_SEGMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]+)\])?$")
Instance = StaffingInstance | PlacementInstance


def parse_setting(spec: str) -> tuple[str, Any]:
    """`FIELD=VALUE`, the value read as JSON where it can be (null, true, 3.5), else text."""
    path, _, raw = spec.partition("=")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return path.strip(), value


def set_field(data: dict[str, Any], path: str, value: Any) -> str:
    """Set the field at `path` in plain instance data (in place); returns the path with list
    items by position (`bands[2].max_share`), as validation names it."""
    return _set(data, path, value)[0]


def _set(data: dict[str, Any], path: str, value: Any) -> tuple[str, str | None]:
    """set_field, and where (the validation path of the object) it added a field the data did
    not have, if it did: a field the schema may not know. A path that fails changes nothing."""
    node: Any = data
    resolved, created = "", None
    attach: tuple[dict[str, Any], str, dict[str, Any]] | None = None
    segments = path.split(".")
    for depth, segment in enumerate(segments):
        match = _SEGMENT.match(segment)
        if match is None or not isinstance(node, dict):
            raise InstanceError([Problem(path, "not a field path")])
        name, key = match.groups()
        parent = resolved
        resolved += f".{name}" if resolved else name
        last = depth == len(segments) - 1
        if name not in node and created is None:
            created = parent
        if last and key is None:
            node[name] = value
            if attach is not None:  # the objects the path made, added once it is whole
                attach[0][attach[1]] = attach[2]
            return resolved, created
        if name not in node:
            if last or key is not None:
                raise InstanceError([Problem(path, "no such field")])
            made: dict[str, Any] = {}
            attach = attach or (node, name, made)
            node = made
            continue
        node = node[name]
        if key is not None:
            position, node = _item(node, key, path)
            resolved += f"[{position}]"
            if last:
                raise InstanceError([Problem(path, "the path ends at a list item, not a field")])
    return resolved, created  # pragma: no cover (the loop returns or raises at its end)


def _item(items: Any, key: str, path: str) -> tuple[int, Any]:
    if not isinstance(items, list):
        raise InstanceError([Problem(path, "only lists can be indexed")])
    if key.isdigit() and int(key) < len(items):
        return int(key), items[int(key)]
    for position, item in enumerate(items):
        if isinstance(item, dict) and key in (
            item.get("id"),
            item.get("category"),
            item.get("reference"),
        ):
            return position, item
    raise InstanceError([Problem(path, "no list item with that id")])


@dataclass
class Settings:
    """Settings applied to instance data: the problems with their paths, and which validation
    path each setting wrote (to name a refused value by its setting)."""

    specs: Sequence[str]
    problems: list[Problem] = field(default_factory=list)
    written: dict[str, str] = field(default_factory=dict)  # resolved path -> the setting's
    created: dict[str, list[str]] = field(default_factory=dict)  # object -> settings adding to it

    def apply(self, data: dict[str, Any]) -> list[Problem]:
        """Apply every setting to `data` (in place); the problems with the paths, every one."""
        for spec in self.specs:
            path, value = parse_setting(spec)
            if not spec.partition("=")[1]:
                self.problems.append(Problem(f"--set {path}", "expected FIELD=VALUE"))
                continue
            try:
                resolved, created = _set(data, path, value)
            except InstanceError as exc:
                self.problems += [
                    Problem(f"--set {p.path}", p.message, p.ids) for p in exc.problems
                ]
                continue
            self.written[resolved] = path
            if created is not None:
                self.created.setdefault(created, []).append(path)
        return self.problems

    def rename(self, problem: Problem) -> Problem | None:
        """A validation problem with a value that was set, named by its setting; None for a
        problem elsewhere in the instance."""
        added = self.created.get(problem.path, [])
        if "unknown field" in problem.message and added:
            return Problem(f"--set {added.pop(0) if len(added) > 1 else added[0]}", "no such field")
        for resolved, path in self.written.items():
            if problem.path == resolved or problem.path.startswith(resolved + "."):
                return Problem(f"--set {path}", problem.message, problem.ids)
        return None

    def name(self, problems: Sequence[Problem]) -> list[Problem]:
        """Every problem, those with a value set named by its setting."""
        return [self.rename(p) or p for p in problems]


def with_settings(instance: Instance, specs: Sequence[str]) -> Instance:
    """The instance with each `FIELD=VALUE` applied, checked again; every bad path or value
    at once."""
    if not specs:
        return instance
    return _parsed(instance.model_dump(mode="json"), Settings(specs))


def load_with_settings(path: Path, specs: Sequence[str]) -> Instance:
    """Read an instance (JSON, workbook or CSV folder) with `FIELD=VALUE` settings applied
    before it is checked: the settings' problems and the file's own come in one error."""
    settings = Settings(specs)
    if path.is_dir():
        return read_csv_folder(path, settings)
    if path.suffix.lower() == ".xlsx":
        if not path.is_file():
            raise InstanceError([Problem("(file)", "file not found")])
        return read_workbook(path, settings)
    data = read_json(path)
    if not isinstance(data, dict):
        return parse_instance(data)
    return _parsed(data, settings)


def _parsed(data: dict[str, Any], settings: Settings) -> Instance:
    problems = settings.apply(data)
    try:
        instance = parse_instance(data)
    except InstanceError as exc:
        named = settings.name(exc.problems)
        ours = [p for p in named if p.path.startswith("--set ")]
        raise InstanceError(problems + ours + [p for p in named if p not in ours]) from None
    if problems:
        raise InstanceError(problems)
    return instance
