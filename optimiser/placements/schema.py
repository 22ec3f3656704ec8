"""Placement allocation: referrals for Alternative Provision placed with DPS providers.

Units are in the field names: `_gbp` pounds, `_m` metres (British National Grid easting and
northing), `_km` kilometres, weeks are numbered weeks of the planning year (1 = first).
Referrals carry a pseudonymous reference only: no names, no pupil numbers.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from optimiser.core.schema import MAX_ITEMS, Gbp, Id, Strict, StrictInstance, Text
from optimiser.placements.policy import Policy


class Weekday(StrEnum):
    """A school weekday."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"


WEEKDAYS = list(Weekday)


class PriceUnit(StrEnum):
    """What a price is per: day, session, hour or week."""

    DAY = "day"
    SESSION = "session"
    HOUR = "hour"
    WEEK = "week"
    PLACE_YEAR = "place_year"


Week = Annotated[
    int, Field(strict=True, ge=1, le=520, description="Week number of the planning horizon.")
]
KeyStage = Annotated[
    int, Field(strict=True, ge=0, le=5, description="Key stage 0 (early years) to 5.")
]
Postcode = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$",
        description="A UK postcode, instead of a grid reference: resolved through a postcode "
        "lookup file (ONS Postcode Directory format) before solving.",
    ),
]
Metres = Annotated[float, Field(strict=True, ge=-1e7, le=1e7, allow_inf_nan=False)]

DEFAULT_LOTS = (
    ("early_intervention", "Early intervention"),
    ("interim_full_time", "Full-time provision from day 6 of an exclusion (interim)"),
    ("online_tuition", "Online tuition"),
    ("therapeutic", "Therapeutic"),
    ("complex_bespoke", "Complex or bespoke"),
)


class Lot(Strict):
    """A lot of the framework (a kind of provision)."""

    id: Id
    name: Text


class ProviderLot(Strict):
    """A lot a provider is approved for, its quoted price and (optionally) its own places."""

    lot: Id
    price_gbp: Gbp = Field(description="Quoted price, per `per`.")
    per: PriceUnit = PriceUnit.DAY
    places: int | None = Field(
        strict=True,
        default=None,
        ge=0,
        le=100_000,
        description="Places at any one time in this lot.",
    )


class Provider(Strict):
    """A provider, the lots it is on, and its places."""

    id: Id
    name: Text
    lots: list[ProviderLot] = Field(min_length=1, max_length=20)
    places: int | None = Field(
        strict=True,
        default=None,
        ge=0,
        le=100_000,
        description="Places at any one time, shared across lots.",
    )
    places_per_weekday: int | None = Field(
        strict=True,
        default=None,
        ge=0,
        le=100_000,
        description="Pupils it can take on any one open day (engages weekday packing).",
    )
    open_days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    easting_m: Metres = 0.0
    northing_m: Metres = 0.0
    postcode: Postcode | None = None
    online: bool = Field(strict=True, default=False, description="Delivered online: no travel.")
    outreach: bool = Field(
        strict=True,
        default=False,
        description="Travels to the pupil's school: no pupil travel, no travel cost.",
    )
    outreach_radius_km: float | None = Field(
        strict=True,
        default=None,
        ge=0,
        le=1000,
        allow_inf_nan=False,
        description="Outreach only: the farthest it travels from its base, km.",
    )
    key_stages: list[KeyStage] = Field(default_factory=lambda: [1, 2, 3, 4], min_length=1)
    registered_school: bool = Field(default=False, strict=True)
    quality_rating: int = Field(
        strict=True, ge=1, le=5, description="Quality-assurance rating, 5 = best."
    )
    needs_supported: list[Id] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _distinct(self) -> Self:
        if len({pl.lot for pl in self.lots}) != len(self.lots):
            raise ValueError("a lot is listed twice")
        if len(set(self.open_days)) != len(self.open_days):
            raise ValueError("an open day is listed twice")
        return self


class Lock(Strict):
    """A placement kept as it is: the pupil stays with this provider, in this lot, on these
    weekdays, and the placement holds its places in its weeks. The rules it was made under are
    not judged again."""

    provider: Id
    lot: Id
    weekdays: list[Weekday] = Field(min_length=1, max_length=5)

    @model_validator(mode="after")
    def _distinct_days(self) -> Self:
        if len(set(self.weekdays)) != len(self.weekdays):
            raise ValueError("a weekday is listed twice")
        return self


class Referral(Strict):
    """A pupil referred for a placement, known by a pseudonymous reference only."""

    reference: Id = Field(description="Pseudonymous reference: never a name or pupil number.")
    lots: list[Id] = Field(
        min_length=1,
        max_length=10,
        description="Acceptable lots, first choice first (see policy.lot_rank_cost_gbp).",
    )
    key_stage: KeyStage
    days_per_week: int | None = Field(
        strict=True,
        default=None,
        ge=1,
        le=5,
        description="Days a week of provision (or give days_min and days_max for a range).",
    )
    days_min: int | None = Field(
        strict=True,
        default=None,
        ge=1,
        le=5,
        description="Fewest days a week, with days_max: 'two or three days a week'.",
    )
    days_max: int | None = Field(
        strict=True,
        default=None,
        ge=1,
        le=5,
        description="Most days a week, with days_min; the plan chooses (policy."
        "value_per_extra_day_gbp).",
    )
    start_week: Week
    end_week: Week
    easting_m: Metres = 0.0
    northing_m: Metres = 0.0
    postcode: Postcode | None = None
    max_travel_km: float = Field(strict=True, default=20.0, ge=0, le=1000, allow_inf_nan=False)
    ehcp: bool = Field(default=False, strict=True)
    looked_after: bool = Field(default=False, strict=True)
    needs: list[Id] = Field(default_factory=list, max_length=20)
    current_provider: Id | None = None
    lock: Lock | None = Field(
        default=None, description="A placement kept as it is (re-planning week by week)."
    )
    priority: int = Field(
        strict=True,
        default=1,
        ge=1,
        le=10,
        description="Multiplies the cost of leaving it unplaced.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start_week > self.end_week:
            raise ValueError("start_week is after end_week")
        ranged = (self.days_min, self.days_max)
        if self.days_per_week is None and None in ranged:
            raise ValueError("give days_per_week, or days_min and days_max")
        if self.days_per_week is not None and ranged != (None, None):
            raise ValueError("give days_per_week or days_min and days_max, not both")
        low, high = ranged
        if low is not None and high is not None and low > high:
            raise ValueError("days_min is above days_max")
        return self

    @property
    def weeks(self) -> int:
        """Number of weeks, end and start included."""
        return self.end_week - self.start_week + 1

    @property
    def fewest_days(self) -> int:
        """Fewest days a week: days_per_week, or days_min."""
        days = self.days_per_week if self.days_per_week is not None else self.days_min
        assert days is not None  # the validator requires one
        return days

    @property
    def most_days(self) -> int:
        """Most days a week: days_per_week, or days_max."""
        days = self.days_per_week if self.days_per_week is not None else self.days_max
        assert days is not None
        return days

    def allows_days(self, days: int) -> bool:
        """Whether the referral may attend this many days a week."""
        return self.fewest_days <= days <= self.most_days


class Offer(Strict):
    """A call-off bid: a quoted total cost for one referral at one provider and lot, and the
    places it uses (which may differ by provider)."""

    reference: Id
    provider: Id
    lot: Id
    total_cost_gbp: Gbp
    places_used: int = Field(
        strict=True, default=1, ge=1, le=1_000_000, description="Up to the provider's places."
    )


class PlacementInstance(StrictInstance):
    """A placements instance: lots, providers, referrals, offers and policy."""

    kind: Literal["placements"] = "placements"
    name: Id
    description: Text = ""
    lots: list[Lot] = Field(
        default_factory=lambda: [Lot(id=i, name=n) for i, n in DEFAULT_LOTS], max_length=50
    )
    providers: list[Provider] = Field(min_length=1, max_length=MAX_ITEMS)
    referrals: list[Referral] = Field(min_length=1, max_length=MAX_ITEMS)
    offers: list[Offer] = Field(default_factory=list, max_length=10 * MAX_ITEMS)
    policy: Policy = Field(default_factory=Policy)


def price_per_day(pl: ProviderLot, policy: Policy) -> float:
    """Stated conversion rules: a session is 1/sessions_per_day of a day; an hour is
    1/hours_per_day; a week is 5 days; a place-year is school_weeks_per_year weeks of 5 days."""
    if pl.per is PriceUnit.DAY:
        return pl.price_gbp
    if pl.per is PriceUnit.SESSION:
        return pl.price_gbp * policy.sessions_per_day
    if pl.per is PriceUnit.HOUR:
        return pl.price_gbp * policy.hours_per_day
    if pl.per is PriceUnit.WEEK:
        return pl.price_gbp / 5.0
    return pl.price_gbp / (policy.school_weeks_per_year * 5.0)


def separation_km(r: Referral, p: Provider) -> float:
    """Straight-line distance between the referral's and the provider's grid references."""
    d_east, d_north = float(r.easting_m - p.easting_m), float(r.northing_m - p.northing_m)
    return math.sqrt(d_east * d_east + d_north * d_north) / 1000


def distance_km(r: Referral, p: Provider) -> float:
    """The pupil's journey: 0 for online provision and for outreach (the provider comes to the
    pupil's school), else the straight-line distance."""
    if p.online or p.outreach:
        return 0.0
    return separation_km(r, p)


def unplaced_cost(r: Referral, policy: Policy) -> float:
    """(fixed + per day * days a week * weeks) * priority: the spot purchase it falls back on
    (for a range of days, its fewest)."""
    per_days = policy.unplaced_cost_per_day_gbp * r.fewest_days * r.weeks
    return (policy.unplaced_cost_gbp + per_days) * r.priority
