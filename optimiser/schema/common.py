"""Types shared by every problem's schema."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="An identifier: letters, digits, '_', '.', '-'; at most 64 characters.",
    ),
]
Text = Annotated[str, Field(max_length=500)]
Gbp = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False, le=1e12)]
Fte = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False, le=1e6)]
Share = Annotated[float, Field(strict=True, ge=0, le=1, allow_inf_nan=False)]

MAX_ITEMS = 100_000


class Strict(BaseModel):
    """Base for every input model: unknown keys are rejected and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Statistics(BaseModel):
    """How the answer was obtained, travelling with every solution."""

    model_config = ConfigDict(frozen=True)

    solver: str
    solver_version: str
    backend: str = Field(description="The modelling route: pulp, highspy, cpsat or flow.")
    build_seconds: float
    solve_seconds: float
    verify_seconds: float = 0.0
    variables: int
    constraints: int
    integer_variables: int = 0
    objective_bound: float | None = None
    gap: float | None = None
    notes: list[str] = Field(default_factory=list)


class Verification(BaseModel):
    """The independent verifier's verdict on a plan."""

    model_config = ConfigDict(frozen=True)

    passed: bool
    checks: int
    violations: list[str] = Field(default_factory=list)
