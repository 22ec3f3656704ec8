"""Side rows over the whole plan that min-cost flow cannot carry, written as sum_i a_i y_i <= b.

Only rules of this shape (one row each, over the pair variables alone) can be relaxed into the
network's costs by the Lagrangian backend; the provider share cap and weekday packing cannot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimiser.placements.model import PlacementModel
from optimiser.placements.pairs import Floats

RELAXABLE = ("a budget cap", "a minimum average quality")


@dataclass(frozen=True)
class SideRow:
    name: str
    coef: Floats  # a_i, one per pair
    rhs: float  # b


def side_rows(model: PlacementModel) -> list[SideRow]:
    """The relaxable rows the instance's policy sets, in a fixed order."""
    rows = [_budget(model), _quality(model)]
    return [r for r in rows if r is not None]


def _budget(model: PlacementModel) -> SideRow | None:
    """sum_i (charge_i + travel_i) y_i <= budget."""
    cap = model.inst.policy.budget_cap_gbp
    if cap is None:
        return None
    return SideRow("budget cap", model.pairs.charge + model.pairs.travel, float(cap))


def _quality(model: PlacementModel) -> SideRow | None:
    """sum_i (q_min - q_p(i)) y_i <= 0: the average rating of placements is at least q_min."""
    q_min = model.inst.policy.min_average_quality
    if q_min is None:
        return None
    return SideRow("minimum average quality", np.asarray(q_min - model.quality, float), 0.0)
