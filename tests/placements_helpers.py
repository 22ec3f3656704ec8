"""Tiny placement instances built by hand, for hand-worked tests."""

from __future__ import annotations

from typing import Any

from optimiser import PlacementSolution, SolveOptions, parse_placements, solve


def provider(pid: str, price: float = 100.0, **kw: Any) -> dict[str, Any]:
    lot = kw.pop("lot", "therapeutic")
    data: dict[str, Any] = {
        "id": pid,
        "name": f"Provider {pid}",
        "quality_rating": 3,
        "registered_school": True,
        "lots": [{"lot": lot, "price_gbp": price}],
    }
    data.update(kw)
    return data


def referral(ref: str, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reference": ref,
        "lots": ["therapeutic"],
        "key_stage": 3,
        "days_per_week": 2,
        "start_week": 1,
        "end_week": 10,
    }
    data.update(kw)
    return data


def instance(
    providers: list[dict[str, Any]], referrals: list[dict[str, Any]], **policy: Any
) -> dict[str, Any]:
    base: dict[str, Any] = {"travel_cost_per_km_gbp": 0.0, "unplaced_cost_per_day_gbp": 300.0}
    base.update(policy)
    offers: list[dict[str, Any]] = base.pop("offers", [])
    return {
        "kind": "placements",
        "name": "hand",
        "providers": providers,
        "referrals": referrals,
        "offers": offers,
        "policy": base,
    }


def run(data: dict[str, Any], solver: str | None = None) -> PlacementSolution:
    return solve(parse_placements(data), SolveOptions(solver=solver, mip_gap=0.0))


def where(sol: PlacementSolution) -> dict[str, str]:
    return {p.reference: p.provider for p in sol.placements}


def reasons(sol: PlacementSolution) -> dict[str, str]:
    return {u.reference: u.reason for u in sol.unplaced}
