"""What a staffing solve returns: the plan, its money, binding rules and a diagnosis."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from optimiser.core.schema import Statistics, Verification
from optimiser.core.status import SolveStatus
from optimiser.staffing.schema import Category


class Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Deployment(Out):
    group: str
    function: str
    fte: float


class GroupUse(Out):
    group: str
    role: str
    available_fte: float
    retained_fte: float
    released_fte: float
    deployed_fte: float
    idle_fte: float
    cost_gbp: float = Field(description="Retained cost plus release cost, £ a year.")


class FunctionResult(Out):
    function: str
    category: Category
    specialist_fte: float
    admin_fte: float
    cost_gbp: float
    income_gbp: float
    net_gbp: float


class CategoryResult(Out):
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
    net_gbp: float
    cap_gbp: float | None
    headroom_gbp: float | None


class BindingRule(Out):
    rule: str
    family: str
    ids: list[str]
    text: str
    shadow_price_gbp: float | None = Field(
        description="Change in the council's net cost, £ a year, per step of relaxation "
        "(negative: relaxing saves money). None where the model has no duals (whole posts)."
    )
    unit: str
    sentence: str


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


class Diagnosis(Out):
    summary: str
    conflicts: list[Conflict]


class StaffingSolution(Out):
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
    statistics: Statistics
    verification: Verification | None = None
