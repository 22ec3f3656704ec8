"""Errors with a stable code. Infeasible and time-limited are statuses, not errors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from optimiser.core.plain import plain_message
from optimiser.core.schema import UPN


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a field path), what, and which ids.

    Messages never repeat the submitted value: instances can hold personal data.
    """

    path: str
    message: str
    ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = self.path or "(instance)"
        ids = f" [ids: {', '.join(self.ids)}]" if self.ids else ""
        return f"{where}: {self.message}{ids}"


class OptimiserError(Exception):
    """Base of every error the engine raises on purpose."""

    code = "optimiser_error"


class InstanceError(OptimiserError):
    """The instance is not valid; `problems` lists every problem found, not just the first."""

    code = "invalid_instance"

    def __init__(self, problems: list[Problem], summary: str = "the instance is not valid") -> None:
        self.problems = list(problems)
        self.summary = summary
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{summary} ({len(self.problems)} problem(s)):\n{lines}")

    def __reduce__(self) -> tuple[type[InstanceError], tuple[list[Problem], str]]:
        """Pickled with its problems (a supervised solve sends it across processes)."""
        return type(self), (self.problems, self.summary)


class OptionError(OptimiserError):
    """A solve option that does not fit the instance (say, a backend that cannot express it)."""

    code = "invalid_option"


class BackendError(OptimiserError):
    """A solver failed, or returned a plan that the independent verifier rejected."""

    code = "backend_error"


class VerificationError(BackendError):
    """The solver's plan breaks a rule when recomputed without the solver."""

    code = "verification_failed"

    def __init__(self, violations: list[str]) -> None:
        self.violations = list(violations)
        shown = "\n".join(f"  - {v}" for v in self.violations[:20])
        super().__init__(f"the solver's plan failed independent verification:\n{shown}")

    def __reduce__(self) -> tuple[type[VerificationError], tuple[list[str]]]:
        """Pickled with its violations (a supervised solve sends it across processes)."""
        return type(self), (self.violations,)


@dataclass
class ProblemList:
    """Collects problems so that a check can report all of them at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, message: str, *ids: str) -> None:
        """Add a problem at a field path, naming ids."""
        self.items.append(Problem(path, message, tuple(ids)))

    def raise_if_any(self, summary: str = "the instance is not valid") -> None:
        """Raise every problem at once, if there are any."""
        if self.items:
            raise InstanceError(self.items, summary)


def duplicate_ids(problems: ProblemList, path: str, ids: Iterable[str]) -> None:
    """Report each id that appears more than once in one list, and ids that differ only by
    '.', '-' and '_' (they would share a name in a written model)."""
    listed = list(ids)
    counts = Counter(listed)
    dupes = sorted(i for i, n in counts.items() if n > 1)
    if dupes:
        problems.add(path, "duplicate ids", *dupes)
    folded: dict[str, set[str]] = {}
    for i in counts:
        folded.setdefault(i.replace("-", "_").replace(".", "_"), set()).add(i)
    for clash in sorted(sorted(v) for v in folded.values() if len(v) > 1):
        problems.add(path, "ids differ only by '.', '-' or '_'", *clash)


KINDS = ("staffing", "placements")


def problems_from_validation(exc: ValidationError, data: Any) -> list[Problem]:
    """Every pydantic error as a Problem: field path, a message in plain words and the id of
    the item involved.

    Submitted values are never copied into the message: they are looked at only to tell the
    common mistakes apart (see optimiser.core.plain).
    """
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if loc and loc[0] in KINDS:  # the discriminated union names the kind first
            loc = loc[1:]
        message = plain_message(err["type"], err["msg"], loc, err.get("input"), err.get("ctx"))
        if err["type"] == "extra_forbidden":  # the key's name is submitted content: not repeated
            loc = loc[:-1]
        problems.append(Problem(format_path(loc), message, _ids_at(data, loc)))
    return problems


def format_path(loc: tuple[int | str, ...]) -> str:
    """A field path as text: functions[2].min_fte."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


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
