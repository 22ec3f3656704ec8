"""What a placement solve returns: placements, unplaced referrals with reasons, utilisation."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from optimiser.core.schema import Statistics, Verification
from optimiser.core.status import SolveStatus
from optimiser.placements.schema import Weekday


class Out(BaseModel):
    """Base of the frozen output models."""

    model_config = ConfigDict(frozen=True)


class Placement(Out):
    """One placement of a referral with a provider on a lot."""

    reference: str
    provider: str
    lot: str
    weekdays: list[Weekday]
    weekdays_chosen: bool = Field(
        description="True where the model chose the days (weekday places); otherwise the "
        "provider's first open days, for information."
    )
    days_per_week: int = Field(description="Days a week attended (chosen within a range).")
    start_week: int
    end_week: int
    weekly_cost_gbp: float
    charge_gbp: float
    travel_gbp: float
    move_penalty_gbp: float
    preference_gbp: float = Field(
        default=0.0, description="Lot rank x policy.lot_rank_cost_gbp (0: first-choice lot)."
    )
    days_value_gbp: float = Field(
        default=0.0,
        description="Days above the referral's fewest x weeks x policy.value_per_extra_day_gbp"
        " (taken off the total cost).",
    )
    total_cost_gbp: float
    travel_km: float
    offer: bool
    places_used: int = Field(description="Places it takes at any one time (an offer may say 2).")
    locked: bool = Field(default=False, description="Kept as it was (a locked placement).")


class ProviderExclusion(Out):
    """A provider excluded by distance, and the rules that did it."""

    provider: str
    distance_km: float
    rules: list[str]


class FullProvider(Out):
    """A provider's places that are all used, and at which weeks."""

    provider: str
    limit: str = Field(description="Which places: all, a lot's, full-time or a weekday's.")
    weeks: list[int]


class RuleFailure(Out):
    """A rule an offer fails, in words."""

    rule: str = Field(
        description="key_stage | needs | quality | travel | open_days | registration | offer | "
        "capacity"
    )
    text: str = Field(
        description="The rule with its figures, e.g. '17.6 km against a 10 km limit'."
    )


class NearMiss(Out):
    """A provider of an acceptable lot near the pupil, with every rule it fails (none: it is
    eligible and has room, and the referral's reason says why it was not used)."""

    lot: str
    provider: str
    distance_km: float = Field(description="The pupil's journey (0 online or outreach).")
    failures: list[RuleFailure]


class Unplaced(Out):
    """A referral left unplaced, and why."""

    reference: str
    reason: str = Field(
        description="no_eligible_provider | all_full | budget_cap | "
        "provider_share_cap | minimum_average_quality | cheaper_unplaced | "
        "displaced"
    )
    explanation: str
    excluded: list[ProviderExclusion] = Field(default_factory=list)
    full: list[FullProvider] = Field(default_factory=list)
    penalty_gbp: float
    near_misses: list[NearMiss] = Field(
        default_factory=list,
        description="Per acceptable lot: the nearest providers failing exactly one rule, else "
        "those failing fewest.",
    )
    record: str = Field(default="", description="The evidence in sentences, for the record.")


class Utilisation(Out):
    """Peak use at the weeks where placements start: places at any one time (all lots or one
    lot, counting an offer's places), or pupils attending on one weekday."""

    provider: str
    lot: str | None = Field(description="None: all lots together.")
    weekday: Weekday | None = Field(description="None: pupils at any one time.")
    peak: int
    capacity: int | None


class PlacementTotals(Out):
    """The plan's totals."""

    referrals: int
    placed: int
    unplaced: int
    charge_gbp: float
    travel_gbp: float
    move_penalties_gbp: float
    preferences_gbp: float = Field(default=0.0, description="Lot preference costs.")
    days_value_gbp: float = Field(
        default=0.0, description="Value of days above the fewest (taken off the objective)."
    )
    unplaced_penalties_gbp: float
    objective_gbp: float
    budget_cap_gbp: float | None
    spend_gbp: float = Field(description="Charge plus travel: what the budget cap limits.")


class LevelValue(Out):
    """One level of a lexicographic objective: the plan's value, the best found when the level
    was solved, and the tolerance held while later levels were solved."""

    goal: str = Field(description="placed | cost | quality | first_choice")
    sense: str = Field(description="maximise | minimise")
    value: float = Field(description="The plan's value (locked placements included).")
    best: float | None = Field(description="The level's best when solved (None: not reached).")
    tolerance: float = Field(description="How far later levels could move it, in its unit.")
    status: SolveStatus = Field(description="The level's own solve: optimal or feasible.")


class PlacementSolution(Out):
    """A placements plan, its status, totals and reasons."""

    kind: str = "placements"
    instance: str
    status: SolveStatus
    backend: str
    backend_reason: str
    placements: list[Placement] = Field(default_factory=list)
    unplaced: list[Unplaced] = Field(default_factory=list)
    utilisation: list[Utilisation] = Field(default_factory=list)
    totals: PlacementTotals | None = None
    statistics: Statistics
    verification: Verification | None = None
    levels: list[LevelValue] = Field(
        default_factory=list, description="Each level of a lexicographic objective (policy)."
    )
