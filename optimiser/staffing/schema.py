"""Staffing mix: who is deployed on which function, within bands, minimums and funding rules.

Units are in the field names: `_fte` full-time equivalents, `_gbp` pounds a year, `_share`
a fraction of deployed specialist FTE (0.25 is 25%).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from optimiser.core.schema import MAX_ITEMS, Fte, Gbp, Id, Share, Strict, StrictInstance, Text
from optimiser.staffing.schema_years import FteCap, ShareTier, Year

RuleName = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^[A-Za-z0-9_]+$",
        description="A rule's name or family, as a solution names it (letters, digits, '_').",
    ),
]


class Role(StrEnum):
    """Whether a staff group does specialist or admin work."""

    SPECIALIST = "specialist"
    ADMIN = "admin"


class Category(StrEnum):
    """A function's category: Core Offer, Core Offer Plus or traded."""

    CORE = "core"  # Core Offer: statutory, 'must do'
    CORE_PLUS = "core_plus"  # Core Offer Plus: strategic, 'makes the difference'
    TRADED = "traded"  # sold to schools


CATEGORY_LABEL = {
    Category.CORE: "Core Offer",
    Category.CORE_PLUS: "Core Offer Plus",
    Category.TRADED: "Traded",
}


class StaffGroup(Strict):
    """A group of interchangeable staff with the same role, cost and skills."""

    id: Id
    name: Text
    role: Role
    fte_available: Fte = Field(description="FTE on the establishment now.")
    cost_per_fte_gbp: Gbp = Field(description="Annual cost of one FTE: salary with on-costs.")
    skills: list[Id] = Field(default_factory=list, max_length=100)
    min_deployed_fte: Fte = Field(default=0.0, description="FTE that must stay deployed.")
    release_cost_per_fte_gbp: Gbp | None = Field(
        default=None,
        description="Cost of releasing one FTE (redundancy, pension strain). "
        "Release is allowed only where this is given.",
    )
    hire_cost_per_fte_gbp: Gbp | None = Field(
        default=None,
        description="One-off cost of hiring one FTE (recruitment), charged in the year of the "
        "hire. Hiring is allowed only where this is given (plans with `years`).",
    )
    turnover_share: Share = Field(
        default=0.0, description="Share of last year's establishment that leaves each year."
    )
    max_change_fte: Fte | None = Field(
        default=None, description="At most this many FTE hired plus released in one year."
    )
    vacancy_share: float = Field(
        strict=True,
        default=0.0,
        ge=0,
        le=0.5,
        allow_inf_nan=False,
        description="Share of the establishment vacant on average: its cost is not spent and "
        "its staff cannot be deployed (plans with `years`).",
    )

    @property
    def can_release(self) -> bool:
        """Whether FTE of the group may be released."""
        return self.release_cost_per_fte_gbp is not None

    @model_validator(mode="after")
    def _min_within_available(self) -> Self:
        if self.min_deployed_fte > self.fte_available + 1e-9:
            raise ValueError("min_deployed_fte exceeds fte_available")
        return self


class Demand(Strict):
    """A demand-driven minimum: minimum FTE = cases / cases_per_fte."""

    cases: float = Field(
        strict=True, ge=0, le=1e9, allow_inf_nan=False, description="Cases a year."
    )
    cases_per_fte: float = Field(strict=True, gt=0, le=1e9, allow_inf_nan=False)

    @property
    def min_fte(self) -> float:
        """The least FTE the cases need: cases / cases per FTE."""
        return self.cases / self.cases_per_fte


class TradedTerms(Strict):
    """How a traded function earns: per FTE delivered, or per school buying in.

    Per school: schools served <= schools_in_scope * take_up_share; FTE = fte_per_school *
    schools served; income = price_per_school_gbp * schools served.
    """

    income_per_fte_gbp: Gbp | None = Field(default=None, description="£ a year per FTE delivered.")
    price_per_school_gbp: Gbp | None = None
    schools_in_scope: int | None = Field(strict=True, default=None, ge=0, le=100_000)
    take_up_share: Share | None = Field(default=None, description="Expected share buying in.")
    fte_per_school: float | None = Field(
        strict=True, default=None, gt=0, le=100, allow_inf_nan=False
    )
    must_recover_cost: bool = Field(
        strict=True, default=False, description="Income must cover the function's full cost."
    )

    @model_validator(mode="after")
    def _one_pricing(self) -> Self:
        per_school = (
            self.price_per_school_gbp,
            self.schools_in_scope,
            self.take_up_share,
            self.fte_per_school,
        )
        given = [v is not None for v in per_school]
        if self.income_per_fte_gbp is not None:
            if any(given):
                raise ValueError("give income_per_fte_gbp or the per-school terms, not both")
        elif not all(given):
            raise ValueError(
                "give income_per_fte_gbp, or all of price_per_school_gbp, schools_in_scope, "
                "take_up_share and fte_per_school"
            )
        return self

    @property
    def rate_per_fte_gbp(self) -> float:
        """Income earned per specialist FTE delivered."""
        if self.income_per_fte_gbp is not None:
            return self.income_per_fte_gbp
        assert self.price_per_school_gbp is not None
        assert self.fte_per_school is not None
        return self.price_per_school_gbp / self.fte_per_school

    @property
    def schools_buying(self) -> float | None:
        """Schools expected to buy: schools in scope times take-up share (None if unknown)."""
        if self.schools_in_scope is None or self.take_up_share is None:
            return None
        return self.schools_in_scope * self.take_up_share

    @property
    def demand_max_fte(self) -> float | None:
        """FTE that the expected take-up can absorb (None when sold per FTE)."""
        buying = self.schools_buying
        if buying is None or self.fte_per_school is None:
            return None
        return buying * self.fte_per_school


class Function(Strict):
    """A function the service performs, with its staffing rules."""

    id: Id
    name: Text
    category: Category
    statutory: bool = Field(default=False, strict=True)
    min_fte: Fte = Field(default=0.0, description="Minimum specialist FTE.")
    max_fte: Fte | None = Field(default=None, description="Maximum specialist FTE.")
    required_skill: Id | None = Field(
        default=None, description="Only specialists with this skill may be deployed here."
    )
    demand: Demand | None = None
    strategic_value_per_fte: float = Field(
        strict=True, default=0.0, ge=0, le=1e9, allow_inf_nan=False
    )
    non_staff_cost_gbp: Gbp = Field(default=0.0, description="Fixed non-staff cost, £ a year.")
    traded: TradedTerms | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.traded is not None and self.category is not Category.TRADED:
            raise ValueError("traded terms are only allowed on a function of category 'traded'")
        if self.max_fte is not None and self.required_min_fte > self.max_fte + 1e-9:
            raise ValueError("the minimum FTE (or demand-driven minimum) exceeds max_fte")
        return self

    @property
    def required_min_fte(self) -> float:
        """The larger of the stated minimum and the demand-driven one."""
        return max(self.min_fte, self.demand.min_fte if self.demand else 0.0)

    @property
    def effective_max_fte(self) -> float | None:
        """The stated maximum, tightened by what traded take-up can absorb."""
        demand = self.traded.demand_max_fte if self.traded is not None else None
        caps = [c for c in (self.max_fte, demand) if c is not None]
        return min(caps) if caps else None


class CategoryBand(Strict):
    """Policy band on a category's share of deployed specialist FTE."""

    category: Category
    min_share: Share = 0.0
    max_share: Share = 1.0

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min_share > self.max_share:
            raise ValueError("min_share exceeds max_share")
        return self


class FundingSource(Strict):
    """Money that may pay for some functions. Ring-fenced money unspent on them is lost;
    money that is not ring-fenced and is left over goes to the council's general budget."""

    id: Id
    name: Text
    amount_gbp: Gbp = Field(description="£ a year.")
    functions: list[Id] = Field(default_factory=list, max_length=10_000)
    categories: list[Category] = Field(default_factory=list, max_length=3)
    ring_fenced: bool = Field(default=True, strict=True)
    per_unit_gbp: Gbp | None = Field(
        default=None, description="£ per unit of `driver`, added to `amount_gbp` each year."
    )
    driver: Id | None = Field(default=None, description="A driver valued in each year.")
    service_share: Share = Field(
        default=1.0, description="Share of the amount that comes to these functions."
    )
    years: list[Id] = Field(
        default_factory=list, max_length=100, description="Only in these years (a pilot)."
    )
    total_gbp: Gbp | None = Field(
        default=None,
        description="A total to spread over the years; the year's amount is then the most "
        "that may be used in any one year.",
    )
    fte_caps: list[FteCap] = Field(default_factory=list, max_length=10_000)

    @model_validator(mode="after")
    def _driver_with_rate(self) -> Self:
        if (self.per_unit_gbp is None) != (self.driver is None):
            raise ValueError("give both per_unit_gbp and driver, or neither")
        return self


class StaffingInstance(StrictInstance):
    """A staffing-mix planning problem."""

    kind: Literal["staffing"] = "staffing"
    name: Id
    description: Text = ""
    staff_groups: list[StaffGroup] = Field(min_length=1, max_length=MAX_ITEMS)
    functions: list[Function] = Field(min_length=1, max_length=MAX_ITEMS)
    bands: list[CategoryBand] = Field(default_factory=list, max_length=3)
    funding_sources: list[FundingSource] = Field(default_factory=list, max_length=10_000)
    council_budget_cap_gbp: Gbp | None = Field(
        default=None, description="Cap on the council's net contribution, £ a year."
    )
    admin_per_specialist_fte: float = Field(
        strict=True,
        default=0.0,
        ge=0,
        le=10,
        allow_inf_nan=False,
        description="Minimum admin FTE per specialist FTE, on each function: every function "
        "with specialist FTE X_f needs at least this many times X_f admin FTE on it.",
    )
    traded_must_recover_cost: bool = Field(
        strict=True,
        default=False,
        description="Traded income as a whole must cover the traded functions' cost.",
    )
    overhead_cost_gbp: Gbp = Field(
        default=0.0, description="Non-staff costs tied to no function, £ a year."
    )
    fixed_rules: list[RuleName] = Field(
        default_factory=list,
        max_length=10_000,
        description="Rules a diagnosis may not relax, by rule name (min_fte_<function id>, "
        "council_cap, ...) or family (function_min, band_max, ...). Statutory minimums are "
        "fixed without being listed.",
    )
    relaxable_rules: list[RuleName] = Field(
        default_factory=list,
        max_length=10_000,
        description="Rules a diagnosis may relax although fixed by default (a statutory "
        "minimum the council may revisit), by rule name or family.",
    )
    objective: Literal["min_net_cost", "max_strategic_value"] = "min_net_cost"
    fte_step: float | None = Field(
        strict=True,
        default=None,
        ge=0.01,
        le=10,
        allow_inf_nan=False,
        description="Posts change (hires, releases) in multiples of this FTE: 1 for whole "
        "posts on the establishment of each group.",
    )
    deployment_fte_step: float | None = Field(
        strict=True,
        default=None,
        ge=0.01,
        le=10,
        allow_inf_nan=False,
        description="Deploy FTE on each function in multiples of this (deployments are "
        "continuous unless this is given).",
    )
    years: list[Year] = Field(
        default_factory=list,
        max_length=50,
        description="Financial years of the horizon, each with what changes in it.",
    )
    discount: bool = Field(
        strict=True, default=False, description="Discount later years' net cost."
    )
    discount_rate: float = Field(
        strict=True,
        default=0.035,
        ge=0,
        le=0.5,
        allow_inf_nan=False,
        description="Discount rate a year (HM Treasury Green Book: 3.5%).",
    )
    traded_surplus_share: list[ShareTier] = Field(
        default_factory=list,
        max_length=20,
        description="The council's share of the traded net surplus, tier by tier; the rest "
        "stays with the traded arm. Empty: the council keeps all of it.",
    )
    recovery_overhead_per_fte_gbp: Gbp = Field(
        default=0.0, description="Overheads and central recharges per FTE on a traded function."
    )
    recovery_overhead_share: float = Field(
        strict=True,
        default=0.0,
        ge=0,
        le=2,
        allow_inf_nan=False,
        description="Overheads and central recharges as a share of a traded function's cost.",
    )

    @property
    def horizon(self) -> bool:
        """Whether this is a plan over a `years` list (else one year, as always)."""
        return bool(self.years)

    def group(self, group_id: str) -> StaffGroup:
        """The staff group with this id."""
        return next(g for g in self.staff_groups if g.id == group_id)

    def function(self, function_id: str) -> Function:
        """The function with this id."""
        return next(f for f in self.functions if f.id == function_id)

    def specialists(self) -> list[StaffGroup]:
        """The specialist staff groups."""
        return [g for g in self.staff_groups if g.role is Role.SPECIALIST]

    def admins(self) -> list[StaffGroup]:
        """The admin staff groups."""
        return [g for g in self.staff_groups if g.role is Role.ADMIN]

    def band(self, category: Category) -> CategoryBand | None:
        """The band of a category, if any."""
        return next((b for b in self.bands if b.category is category), None)

    def pays_for(self, source: FundingSource, function: Function) -> bool:
        """Whether a funding source pays for a function (by id or category)."""
        return function.id in source.functions or function.category in source.categories


def can_deploy(group: StaffGroup, function: Function) -> bool:
    """Admin staff support any function; a specialist needs the function's skill, if any."""
    if group.role is Role.ADMIN:
        return True
    return function.required_skill is None or function.required_skill in group.skills
