"""Types shared by every problem's schema."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

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

# A unique pupil number: a check letter, 11 digits, then a digit or letter (DfE format).
UPN = re.compile(r"[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]")


class Strict(BaseModel):
    """Base for every input model: unknown keys are rejected and instances are immutable.
    Nested models are validated again whenever they are passed in."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, revalidate_instances="always"
    )


class StrictInstance(Strict):
    """Base of a whole instance (the top level): it knows whether its fields were validated
    (`fields_valid`: false after `model_construct` or `model_copy(update=...)`, which skip
    validation) and whether the cross-entity checks passed (`checked`, set by
    `optimiser.check_instance`). Only the top level carries the flags: a per-item private
    attribute and validator cost a fifth of validating 20,000 referrals."""

    _fields_valid: bool = PrivateAttr(default=False)
    _checked: bool = PrivateAttr(default=False)

    @model_validator(mode="after")
    def _validated(self) -> Self:
        self._fields_valid = True
        return self

    @property
    def fields_valid(self) -> bool:
        """Whether every field passed validation."""
        return self._fields_valid

    @property
    def checked(self) -> bool:
        """Whether the cross-field checks ran on valid fields."""
        return self._checked and self._fields_valid

    def mark_checked(self) -> None:
        """Called by the cross-entity checks once they pass."""
        self._checked = True

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; with `update`, its fields are no longer known to be valid."""
        copy = super().model_copy(update=update, deep=deep)
        if update:
            copy._fields_valid = False
            copy._checked = False
        return copy


class Statistics(BaseModel):
    """How the answer was obtained, travelling with every solution."""

    model_config = ConfigDict(frozen=True)

    solver: str
    solver_version: str
    backend: str = Field(
        description="The modelling route: pulp (staffing), flow, lagrange, highs or cpsat."
    )
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
