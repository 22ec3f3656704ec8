"""Instances built for benchmarks and tests by solving a generated one first."""

from __future__ import annotations

from optimiser import PlacementInstance
from optimiser.placements.backends.flow import solve_flow
from optimiser.placements.model import build


def with_binding_side_rules(
    inst: PlacementInstance, budget_share: float = 0.8, min_average_quality: float = 3.5
) -> PlacementInstance:
    """The instance with a budget cap of `budget_share` of what its unconstrained optimum
    spends (charges and travel) and a minimum average rating: both rules bind. For benchmarks
    and tests of the side-constraint backends."""
    plain = build(inst)
    chosen = solve_flow(plain).choice
    chosen = chosen[chosen >= 0]
    spend = float((plain.pairs.charge[chosen] + plain.pairs.travel[chosen]).sum())
    policy = inst.policy.model_copy(
        update={
            "budget_cap_gbp": round(budget_share * spend),
            "min_average_quality": min_average_quality,
        }
    )
    return inst.model_copy(update={"policy": policy})
