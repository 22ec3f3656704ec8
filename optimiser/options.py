"""Solve options: frozen, shared by every problem and backend."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class LpSolver(StrEnum):
    """Solvers for the linear (staffing) models, both driven through PuLP."""

    HIGHS = "highs"
    CBC = "cbc"


class SolveOptions(BaseModel):
    """How to solve: time limit, gap, threads, seed and the solver to use."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_limit_seconds: float | None = Field(
        default=None, gt=0, description="Wall-clock limit for the solver, in seconds."
    )
    mip_gap: float = Field(
        default=1e-4, ge=0, le=1, description="Relative gap at which a MIP counts as optimal."
    )
    threads: int | None = Field(default=None, ge=1, le=256)
    seed: int = Field(default=0, ge=0)
    solver: str | None = Field(
        default=None,
        description="Force a solver: 'highs' or 'cbc' for staffing; "
        "'flow', 'lagrange', 'highs' or 'cpsat' for placements. None lets the engine choose.",
    )
    shadow_prices: bool = Field(default=True, description="Report shadow prices of binding rules.")
    diagnose: bool = Field(default=True, description="Diagnose infeasible instances.")
