"""Progress reported while a solver runs, where the solver gives it."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """The best objective found so far and the bound proven so far (£, the model's objective).

    `incumbent`, when set, is a whole verified plan (a Solution, status `feasible`) as good as
    `best_objective`: what a caller keeps to have an answer should the run be stopped. Every
    placement run on HiGHS or CP-SAT reports its starting plan this way before the solver
    starts; the time-limit supervisor returns the last one it received.
    """

    best_objective: float | None
    bound: float | None
    gap: float | None
    incumbent: object | None = None


ProgressCallback = Callable[[Progress], None]


def finite(value: float) -> float | None:
    """A solver's bound, or None while it is still infinite (or not a number)."""
    return value if math.isfinite(value) else None
