"""The parts of a staffing instance that change from one financial year to the next.

A `years` list turns a one-year plan into a plan over a horizon of financial years. Each year
names only what changes; a value given in one year holds in the years after it until changed
(a glide path of bands, a falling grant). Amounts are £ a year, shares fractions (0.25 is 25%).
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, model_validator

from optimiser.core.schema import Fte, Gbp, Id, Share, Strict


class DriverValue(Strict):
    """The value of a funding driver in a year (say, pupils in maintained schools)."""

    id: Id
    value: float = Field(strict=True, ge=0, le=1e9, allow_inf_nan=False)


class FundingAmount(Strict):
    """A funding source's fixed amount in a year (it replaces the source's `amount_gbp`)."""

    id: Id
    amount_gbp: Gbp


class FunctionYear(Strict):
    """A function's figures that vary by year: demand, minimum and maximum, traded terms."""

    id: Id
    cases: float | None = Field(
        strict=True, default=None, ge=0, le=1e9, allow_inf_nan=False, description="Cases a year."
    )
    min_fte: Fte | None = None
    max_fte: Fte | None = None
    take_up_share: Share | None = None
    price_per_school_gbp: Gbp | None = None
    schools_in_scope: int | None = Field(strict=True, default=None, ge=0, le=100_000)
    income_per_fte_gbp: Gbp | None = None


class YearBand(Strict):
    """A category's band in a year (a glide path moves these from year to year)."""

    category: Literal["core", "core_plus", "traded"]
    min_share: Share = 0.0
    max_share: Share = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min_share > self.max_share:
            raise ValueError("min_share exceeds max_share")
        return self


class Year(Strict):
    """One financial year of the horizon ("2016-17") and what changes in it."""

    id: Id
    cap_gbp: Gbp | None = Field(
        default=None, description="The council's cap on its net contribution this year."
    )
    pay_uplift_share: float = Field(
        strict=True,
        default=0.0,
        ge=-0.5,
        le=1.0,
        allow_inf_nan=False,
        description="Pay award this year: every cost per FTE (and hire and release cost) "
        "rises by this share over the year before.",
    )
    overhead_cost_gbp: Gbp | None = None
    drivers: list[DriverValue] = Field(default_factory=list, max_length=1000)
    funding: list[FundingAmount] = Field(default_factory=list, max_length=10_000)
    functions: list[FunctionYear] = Field(default_factory=list, max_length=10_000)
    bands: list[YearBand] = Field(
        default_factory=list, max_length=3, description="When given, this year's bands."
    )


class ShareTier(Strict):
    """One tier of a traded net surplus share agreement: the council's share of the surplus
    up to `up_to_gbp` (the last tier has no upper limit)."""

    up_to_gbp: Gbp | None = None
    council_share: Share


class FteCap(Strict):
    """A grant condition: the source pays for at most `max_fte` FTE of a role on a function."""

    function: Id
    role: Literal["admin", "specialist", "any"] = "admin"
    max_fte: Fte
