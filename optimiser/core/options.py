"""Solve options: frozen, shared by every problem and backend."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from optimiser.core.errors import OptionError


class Solver(StrEnum):
    """Every solver a caller may ask for; which ones fit which kind is said below."""

    HIGHS = "highs"
    CBC = "cbc"
    FLOW = "flow"
    LAGRANGE = "lagrange"
    CPSAT = "cpsat"


STAFFING_SOLVERS = (Solver.HIGHS, Solver.CBC)  # both driven through PuLP
PLACEMENT_SOLVERS = (Solver.FLOW, Solver.LAGRANGE, Solver.HIGHS, Solver.CPSAT)


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
    solver: Solver | None = Field(
        default=None,
        description="Force a solver: "
        + " or ".join(s.value for s in STAFFING_SOLVERS)
        + " for staffing; "
        + ", ".join(s.value for s in PLACEMENT_SOLVERS)
        + " for placements. None lets the engine choose.",
    )
    shadow_prices: bool = Field(default=True, description="Report shadow prices of binding rules.")
    diagnose: bool = Field(default=True, description="Diagnose infeasible instances.")
    sensitivity: bool = Field(
        default=False,
        description="Staffing: add every rule and variable with its price and allowable range "
        "(an Answer/Sensitivity/Limits report's figures).",
    )

    @field_validator("solver", mode="before")
    @classmethod
    def _known_solver(cls, value: object) -> object:
        """An unknown name is an option error (not a field error): it names what exists."""
        if value is None or value in set(Solver):
            return value
        names = ", ".join(s.value for s in Solver)
        raise OptionError(f"unknown LP solver or placement backend; use one of {names}")
