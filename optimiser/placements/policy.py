"""The commissioning rules of a placements instance: its policy (quality floor, spot-purchase
costs, budget cap, provider share, call-off, registration limit, preferences, move penalty,
days valued, price conversions) and the levels of a lexicographic objective."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from optimiser.core.schema import Gbp, Strict


class Goal(StrEnum):
    """A level of a lexicographic objective."""

    PLACED = "placed"  # maximise placed referrals weighted by priority
    COST = "cost"  # minimise the plan's cost (placements and spot purchases)
    QUALITY = "quality"  # maximise the average quality rating of the placements
    FIRST_CHOICE = "first_choice"  # maximise placements in the referral's first-choice lot


class Level(Strict):
    """One level of a lexicographic objective, with how far the later levels may move it."""

    goal: Goal
    tolerance: float = Field(
        strict=True,
        default=0.0,
        ge=0,
        le=1e9,
        allow_inf_nan=False,
        description="How far below its best (above, for cost) later levels may take it.",
    )
    relative: bool = Field(
        strict=True, default=False, description="The tolerance is a share of the best value."
    )


class Policy(Strict):
    """The commissioning rules and the conversions between price units."""

    min_quality_rating: int = Field(strict=True, default=1, ge=1, le=5)
    unplaced_cost_gbp: Gbp = Field(
        default=0.0, description="Fixed cost of leaving a referral unplaced (a spot purchase)."
    )
    unplaced_cost_per_day_gbp: Gbp = Field(
        default=300.0, description="Spot-purchase cost per day of the referral's attendance."
    )
    budget_cap_gbp: Gbp | None = Field(default=None, description="Cap on placement costs.")
    travel_cost_per_km_gbp: Gbp = Field(default=0.45, description="£ per km travelled.")
    max_provider_share: float | None = Field(
        strict=True,
        default=None,
        gt=0,
        le=1,
        description="Cap on any one provider's share of placements.",
    )
    min_average_quality: float | None = Field(strict=True, default=None, ge=1, le=5)
    offers_only: bool = Field(
        strict=True,
        default=False,
        description="A call-off: a provider is eligible for a referral only through an offer "
        "it submitted (otherwise a pair without an offer is eligible at the list price).",
    )
    full_time_days: int = Field(
        strict=True, default=5, ge=1, le=5, description="Days a week counted full time."
    )
    unregistered_max_full_time: int = Field(
        strict=True,
        default=4,
        ge=0,
        le=1000,
        description="Full-time pupils an unregistered provider may take.",
    )
    lot_rank_cost_gbp: Gbp = Field(
        default=0.0,
        description="Cost of each step down a referral's list of lots (0 for its first "
        "choice): a preference between acceptable lots. Above the largest price difference "
        "between lots it places in the first-choice lot whenever that has room.",
    )
    move_penalty_gbp: Gbp = Field(
        default=0.0, description="Cost of moving a pupil from their current provider."
    )
    value_per_extra_day_gbp: Gbp = Field(
        default=0.0,
        description="Where a referral gives a range of days a week: the value of each day "
        "attended above its fewest (per day, per week), taken off the placement's cost. 0: "
        "the fewest days; above a provider's day rate plus travel: the most it can give.",
    )
    objective: list[Level] | None = Field(
        default=None,
        min_length=1,
        max_length=4,
        description="A lexicographic objective: levels solved in order, each held within its "
        "tolerance while the next is optimised (HiGHS or CP-SAT). None: the single weighted "
        "objective (cost with spot purchases).",
    )
    hours_per_day: float = Field(
        strict=True, default=5.0, gt=0, le=24, description="Hourly price -> daily."
    )

    sessions_per_day: float = Field(strict=True, default=2.0, gt=0, le=10)
    school_weeks_per_year: float = Field(strict=True, default=39.0, gt=0, le=52)

    @model_validator(mode="after")
    def _distinct_levels(self) -> Self:
        goals = [level.goal for level in self.objective or []]
        if len(set(goals)) != len(goals):
            raise ValueError("an objective level is listed twice")
        return self
