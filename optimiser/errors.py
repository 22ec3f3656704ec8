"""Errors with a stable code. Infeasible and time-limited are statuses, not errors."""

from __future__ import annotations

from dataclasses import dataclass, field


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
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{summary} ({len(self.problems)} problem(s)):\n{lines}")


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


@dataclass
class ProblemList:
    """Collects problems so that a check can report all of them at once."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, message: str, *ids: str) -> None:
        self.items.append(Problem(path, message, tuple(ids)))

    def raise_if_any(self, summary: str = "the instance is not valid") -> None:
        if self.items:
            raise InstanceError(self.items, summary)
