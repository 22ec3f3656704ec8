"""A solver-free checker that counts the checks it makes and keeps what failed.

A message may be a template with `{}` fields and the values to fill them given after it: the
message is then written only when the check fails (a verifier makes tens of thousands of
checks that pass, and formatting each one's message cost more than the check)."""

from __future__ import annotations

from dataclasses import dataclass, field

from optimiser.core.schema import Verification


@dataclass
class Checker:
    """Counts the checks a verifier makes and keeps the messages of those that fail."""

    fte_tol: float = 1e-4
    money_tol: float = 1.0
    checks: int = 0
    violations: list[str] = field(default_factory=list)

    def that(self, ok: bool, message: str, *args: object) -> None:
        """One check: keep the message if it fails."""
        self.checks += 1
        if not ok:
            self.violations.append(_text(message, args))

    def at_most(self, value: float, limit: float, tol: float, message: str, *args: object) -> None:
        """Check value <= limit + tol (the figures are written only into a failure)."""
        self.checks += 1
        if not value <= limit + tol:
            self.violations.append(f"{_text(message, args)} ({value:.6g} > {limit:.6g})")

    def at_least(self, value: float, limit: float, tol: float, message: str, *args: object) -> None:
        """Check value >= limit - tol."""
        self.checks += 1
        if not value >= limit - tol:
            self.violations.append(f"{_text(message, args)} ({value:.6g} < {limit:.6g})")

    def close(self, value: float, expected: float, tol: float, message: str, *args: object) -> None:
        """Check |value - expected| <= tol."""
        self.checks += 1
        if not abs(value - expected) <= tol:
            self.violations.append(f"{_text(message, args)} ({value:.6g} != {expected:.6g})")

    def pounds(self, value: float, expected: float, message: str, *args: object) -> None:
        """Check a sum of pounds: |value - expected| <= money(expected)."""
        self.checks += 1
        tol = max(self.money_tol, 1e-6 * abs(expected))
        if not abs(value - expected) <= tol:
            self.violations.append(f"{_text(message, args)} ({value:.6g} != {expected:.6g})")

    def money(self, scale: float) -> float:
        """Tolerance for a sum of pounds of this size: £1, or one part in a million."""
        return max(self.money_tol, 1e-6 * abs(scale))

    def verdict(self) -> Verification:
        """The verification: passed when no check failed."""
        return Verification(
            passed=not self.violations, checks=self.checks, violations=self.violations
        )


def _text(message: str, args: tuple[object, ...]) -> str:
    """The message, its `{}` fields filled with `args` when there are any."""
    return message.format(*args) if args else message
