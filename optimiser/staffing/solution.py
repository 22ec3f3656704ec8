"""What a staffing solve returns: the plan, its money, binding rules and a diagnosis."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from optimiser.core.schema import Statistics, Verification
from optimiser.core.status import SolveStatus
from optimiser.staffing.schema import Category
from optimiser.staffing.sensitivity import Sensitivity


class Out(BaseModel):
    """Base of the frozen output models."""

    model_config = ConfigDict(frozen=True)


class Deployment(Out):
    """FTE of one group deployed on one function."""

    group: str
    function: str
    fte: float


class GroupUse(Out):
    """A staff group's FTE in the plan (retained, released, deployed, idle) and its cost."""

    group: str
    role: str
    available_fte: float
    retained_fte: float
    released_fte: float
    deployed_fte: float
    idle_fte: float
    cost_gbp: float = Field(description="Retained cost plus release cost, £ a year.")
    hired_fte: float = 0.0
    turnover_fte: float = Field(default=0.0, description="FTE that left by natural turnover.")
    hire_cost_gbp: float = 0.0
    release_cost_gbp: float = 0.0


class FunctionResult(Out):
    """A function's FTE, cost and income in the plan."""

    function: str
    category: Category
    specialist_fte: float
    admin_fte: float
    cost_gbp: float
    income_gbp: float
    net_gbp: float


class CategoryResult(Out):
    """A category's share of specialist FTE against its band."""

    category: Category
    specialist_fte: float
    share: float
    min_share: float | None
    max_share: float | None
    binds: str | None = Field(description="'min' or 'max' when the band holds with no room.")
    cost_gbp: float
    income_gbp: float
    net_gbp: float


UNALLOCATED = "unallocated"  # the ledger's centre for idle staff, release costs and overheads


class LedgerEntry(Out):
    """`source` pays `amount_gbp` of `centre` (a function id or 'unallocated')."""

    source: str
    centre: str
    amount_gbp: float


class CouncilPosition(Out):
    """The council's net cost in £ against its cap."""

    net_gbp: float
    cap_gbp: float | None
    headroom_gbp: float | None


class BindingRule(Out):
    """A rule that binds at the plan, in words, with its shadow price in £."""

    rule: str
    family: str
    ids: list[str]
    text: str
    shadow_price_gbp: float | None = Field(
        description="Change in the council's net cost per step of relaxation, £ a year; for "
        "a plan over years, in the objective: the net cost over the years, discounted to the "
        "first year when discounting is on "
        "(negative: relaxing saves money), net of the step's own cost (one more FTE brings "
        "its salary). At a kink, the tightening price. Under max_strategic_value, taken with "
        "the strategic value held at its optimum. None where the model has no duals."
    )
    unit: str
    sentence: str
    year: str | None = Field(default=None, description="The financial year of the rule.")
    relax_price_gbp: float | None = Field(
        default=None,
        description="At a kink only: the change per step of relaxing, which differs from "
        "the tightening price in `shadow_price_gbp`.",
    )
    valid_steps: float | None = Field(
        default=None,
        description="Steps of relaxing over which the price holds (HiGHS ranging); None when "
        "unknown or without limit.",
    )
    value_per_step: float | None = Field(
        default=None,
        description="Under max_strategic_value: strategic value gained per step of relaxing.",
    )


class Conflict(Out):
    """A rule the instance breaks, and the smallest change to it that restores feasibility."""

    rule: str
    family: str
    ids: list[str]
    text: str
    change_in_combined_repair: float = Field(
        description="In `unit`s, in the cheapest joint repair."
    )
    change_alone: float | None = Field(
        description="In `unit`s, relaxing this rule alone; "
        "None if this rule alone cannot restore feasibility."
    )
    unit: str
    sentence: str
    year: str | None = Field(default=None, description="The financial year of the rule.")
    relaxable: bool = Field(
        default=True, description="False for a rule that may not bend (a statutory minimum)."
    )


class Diagnosis(Out):
    """Why an instance has no plan: the rules that conflict."""

    summary: str
    conflicts: list[Conflict]
    among_fixed: bool = Field(
        default=False,
        description="True when relaxing every rule that may bend cannot restore feasibility: "
        "the conflicts listed are among fixed rules.",
    )


class SourceUse(Out):
    """A funding source in a year: the amount it has (for a total spread over years, the
    amount drawn into this year) and the amount used on functions."""

    source: str
    available_gbp: float
    used_gbp: float


class TradedShare(Out):
    """The traded arm's net surplus (income less cost and overhead recharges), the council's
    share of it on the agreed sliding scale, and what the traded arm keeps."""

    surplus_gbp: float
    council_gbp: float
    kept_gbp: float


class YearResult(Out):
    """One financial year of a plan over years."""

    year: str
    discount_factor: float
    net_cost_gbp: float
    deployments: list[Deployment] = Field(default_factory=list)
    groups: list[GroupUse] = Field(default_factory=list)
    functions: list[FunctionResult] = Field(default_factory=list)
    categories: list[CategoryResult] = Field(default_factory=list)
    ledger: list[LedgerEntry] = Field(default_factory=list)
    sources: list[SourceUse] = Field(default_factory=list)
    traded_share: TradedShare | None = None
    council: CouncilPosition | None = None
    binding_rules: list[BindingRule] = Field(default_factory=list)


class StaffingSolution(Out):
    """A staffing plan, its status, figures and binding rules."""

    kind: str = "staffing"
    instance: str
    status: SolveStatus
    objective: str
    net_cost_gbp: float | None = None
    strategic_value: float | None = None
    deployments: list[Deployment] = Field(default_factory=list)
    groups: list[GroupUse] = Field(default_factory=list)
    functions: list[FunctionResult] = Field(default_factory=list)
    categories: list[CategoryResult] = Field(default_factory=list)
    ledger: list[LedgerEntry] = Field(default_factory=list)
    council: CouncilPosition | None = None
    binding_rules: list[BindingRule] = Field(default_factory=list)
    diagnosis: Diagnosis | None = None
    sensitivity: Sensitivity | None = Field(
        default=None, description="Every rule and variable, when the options ask for it."
    )
    traded_share: TradedShare | None = None
    years: list[YearResult] = Field(
        default_factory=list,
        description="A plan over years: each year's plan (the lists above are then empty and "
        "net_cost_gbp is the total over the years).",
    )
    discounted_net_cost_gbp: float | None = None
    first_infeasible_year: str | None = Field(
        default=None, description="The first year from which no plan meets every rule."
    )
    statistics: Statistics
    verification: Verification | None = None
