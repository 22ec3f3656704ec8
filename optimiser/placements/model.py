"""The placement model: one meaning, three backends (min-cost flow, HiGHS MIP, CP-SAT).

Pairs i = (r, p, l) that pass every eligibility rule; y_i = 1 places referral r with provider p
in lot l; z_{i,d} = 1 when that pupil attends on weekday d (providers with weekday places).

    min  sum_i cost_i y_i + sum_r pen_r (1 - sum_{i in r} y_i)
    s.t. sum_{i in r} y_i <= 1                                  each referral placed at most once
         capacity rows (placements_capacity)                    places at any one time
         sum_d z_{i,d} = days_r y_i                             weekday packing
         sum_i (charge_i + travel_i) y_i <= budget              budget cap
         sum_{i at p} y_i <= share * sum_i y_i                  provider share cap
         sum_i (q_p - q_min) y_i >= 0                           minimum average quality

cost_i = provider charge (or the offer's quoted cost) + travel + move penalty;
pen_r = (fixed + per-day spot cost * days * weeks) * priority_r.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

import numpy as np

from optimiser.core.status import SolveStatus
from optimiser.placements import locks
from optimiser.placements.capacity import CapacityRow, capacity_rows, weekday_pairs
from optimiser.placements.pairs import Floats, Ints, Pairs, ReferralArrays, build_pairs
from optimiser.placements.schema import PlacementInstance, unplaced_cost
from optimiser.placements.side import RULES, SideRule, active_rules


@dataclass(frozen=True)
class PlacementModel:
    """The built placements model: the instance, its arrays, pairs and capacity rows."""

    inst: PlacementInstance
    ra: ReferralArrays
    pairs: Pairs
    rows: list[CapacityRow]
    weekday: dict[int, list[int]]  # pair -> open weekday indices, for weekday-packed pairs
    penalty: Floats  # per referral
    quality: Floats  # per pair: the provider's rating
    build_seconds: float
    locked: Ints = field(default_factory=lambda: np.zeros(0, np.int64))  # locked: provider index

    @property
    def n_referrals(self) -> int:
        """Number of referrals."""
        return len(self.inst.referrals)

    @cached_property
    def provider_index(self) -> dict[str, int]:
        """Each provider's position in the instance, by id."""
        return {p.id: i for i, p in enumerate(self.inst.providers)}


@dataclass
class Assignment:
    """What a backend decided: a pair (or -1) per referral, and weekdays where packed."""

    choice: Ints
    days: dict[int, list[int]] = field(default_factory=dict)
    status: SolveStatus = SolveStatus.OPTIMAL
    solver: str = ""
    solver_version: str = ""
    backend: str = ""
    seconds: float = 0.0
    bound: float | None = None
    gap: float | None = None
    resolution: float = 0.0  # £ the backend's arithmetic cannot resolve (whole pence)
    variables: int = 0
    constraints: int = 0
    integer_variables: int = 0


def build(inst: PlacementInstance) -> PlacementModel:
    """The model of the unlocked referrals; locked placements hold their places (locks.py)."""
    started = time.perf_counter()
    held_places = locks.held(inst)
    locked = locks.locked_providers(inst)
    inst = locks.free_instance(inst)
    ra = ReferralArrays.of(inst)
    pairs = build_pairs(inst, ra)
    rows = capacity_rows(inst, ra, pairs, held_places)
    penalty = np.array([unplaced_cost(r, inst.policy) for r in inst.referrals], float)
    ratings = np.array([p.quality_rating for p in inst.providers], dtype=float)
    quality = ratings[pairs.prov] if len(pairs.prov) else np.zeros(0)
    return PlacementModel(
        inst,
        ra,
        pairs,
        rows,
        weekday_pairs(inst, pairs),
        penalty,
        quality,
        time.perf_counter() - started,
        locked,
    )


class Structure(StrEnum):
    """What min-cost flow cannot express besides the side rules."""

    WEEKDAY_PLACES = "weekday_places"
    MULTI_PLACE_OFFERS = "multi_place_offers"
    NOT_OVERLAPPING = "not_overlapping"
    CROSSING_LIMITS = "crossing_limits"

    @property
    def text(self) -> str:
        """The words for this structure."""
        return _STRUCTURE_TEXT[self]


_STRUCTURE_TEXT = {
    Structure.WEEKDAY_PLACES: "weekday places",
    Structure.MULTI_PLACE_OFFERS: "offers using more than one place",
    Structure.NOT_OVERLAPPING: "placements that do not all overlap in time",
    Structure.CROSSING_LIMITS: "full-time limits crossing per-lot places",
}

Blocker = Structure | SideRule


def blocker_text(blocker: Blocker) -> str:
    """How a blocker reads in "min-cost flow cannot express ..."."""
    return blocker.text if isinstance(blocker, Structure) else RULES[blocker].text


def flow_blockers(model: PlacementModel) -> list[Blocker]:
    """Why min-cost flow cannot express this instance (empty when it can): the structure of
    its capacity rows, then every active side rule (placements.side)."""
    out: list[Blocker] = []
    if model.weekday:
        out.append(Structure.WEEKDAY_PLACES)
    out += [rule.key for rule in active_rules(model)]
    if any(int(model.pairs.use[r.pairs].max(initial=1)) > 1 for r in model.rows):
        out.append(Structure.MULTI_PLACE_OFFERS)
    if not all(r.covers_all for r in model.rows if r.kind != "weekday"):  # weekday: above
        out.append(Structure.NOT_OVERLAPPING)
    ft = {r.provider for r in model.rows if r.kind == "full_time"}
    if ft & {r.provider for r in model.rows if r.kind == "lot_places"}:
        out.append(Structure.CROSSING_LIMITS)
    return out


def objective(model: PlacementModel, choice: Ints) -> float:
    """sum of chosen costs plus the penalty of every referral left unplaced."""
    placed = choice >= 0
    return float(model.pairs.cost[choice[placed]].sum() + model.penalty[~placed].sum())
