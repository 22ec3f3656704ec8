"""A brute-force oracle: every assignment of tiny random instances (at most 7 referrals x 3
providers; ranges of days a week among at most 5 referrals) enumerated, cheapest first, with
the solver-free verifier as the only judge of feasibility; every backend that accepts an
instance must reach the oracle's optimum.

The enumeration is vectorised: every combination of (eligible pair or unplaced) per referral
at once, its objective summed with numpy. Conditions every feasible plan must meet (budget,
average quality, provider share, places and weekday places when every placement overlaps in
time) prune the list before the verifier sees it; they only save time, the verifier decides.
Weekdays are given by cyclic filling (referral after referral, each taking the next days
round the provider's open days), which fits whenever the days needed fit (shown in
test_weekday_packing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from optimiser import PlacementSolution, SolveOptions, SolveStatus, parse_placements, solve
from optimiser.core.schema import Statistics
from optimiser.placements import extract
from optimiser.placements.backends import weekdays
from optimiser.placements.model import (
    Assignment,
    PlacementModel,
    Structure,
    build,
    flow_blockers,
)
from optimiser.placements.schema import PlacementInstance, unplaced_cost
from optimiser.placements.side import SideRule
from optimiser.placements.solution import Unplaced
from optimiser.placements.verify import verify_placements

LOTS = ["therapeutic", "early_intervention", "online_tuition"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
INSTANCES = 300
MAX_CHECKED = 20_000  # candidates the verifier may reject before the oracle gives up
RELAXABLE = {SideRule.BUDGET_CAP, SideRule.MINIMUM_AVERAGE_QUALITY}
STATS = Statistics(
    solver="oracle",
    solver_version="-",
    backend="oracle",
    build_seconds=0.0,
    solve_seconds=0.0,
    variables=0,
    constraints=0,
)


def random_instance(rng: np.random.Generator, k: int) -> dict[str, Any]:
    """Up to 3 providers and 7 referrals; multi-place offers, budget caps, quality floors,
    weekday places and share caps each in a share of the instances."""
    weekday = rng.random() < 0.35
    spread = not weekday and rng.random() < 0.3
    providers = []
    for i in range(int(rng.integers(1, 4))):
        lots = rng.choice(LOTS, size=int(rng.integers(1, 4)), replace=False).tolist()
        prov: dict[str, Any] = {
            "id": f"P{i}",
            "name": f"P{i}",
            "quality_rating": int(rng.integers(1, 6)),
            "registered_school": bool(rng.random() < 0.7),
            "lots": [{"lot": lot, "price_gbp": int(rng.integers(60, 320))} for lot in lots],
            "places": None if rng.random() < 0.4 else int(rng.integers(0, 5)),
            "easting_m": float(rng.integers(0, 16_000)),
        }
        if weekday and rng.random() < 0.7:
            open_days = sorted(rng.choice(5, size=int(rng.integers(2, 6)), replace=False))
            prov["open_days"] = [WEEKDAYS[d] for d in open_days]
            prov["places_per_weekday"] = int(rng.integers(1, 4))
        providers.append(prov)
    referrals = []
    n_referrals = int(rng.integers(1, 8))
    for j in range(n_referrals):
        start = int(rng.integers(1, 9)) if spread else 1
        days: dict[str, int] = {"days_per_week": int(rng.integers(1, 6))}
        if n_referrals <= 5 and rng.random() < 0.3:  # a range of two numbers of days
            low = int(rng.integers(1, 5))
            days = {"days_min": low, "days_max": low + 1}
        referrals.append(
            {
                "reference": f"R{j}",
                "lots": rng.choice(LOTS, size=int(rng.integers(1, 3)), replace=False).tolist(),
                "key_stage": 3,
                **days,
                "start_week": start,
                "end_week": start + int(rng.integers(0, 9)) if spread else 10,
                "max_travel_km": 15.0,
                "ehcp": bool(rng.random() < 0.3),
                "priority": int(rng.integers(1, 3)),
            }
        )
    offers = []
    if rng.random() < 0.4:
        for r in referrals:
            for p in providers:
                lot, room = p["lots"][0]["lot"], p["places"]  # an offer fits the places
                if lot in r["lots"] and rng.random() < 0.5 and room != 0:
                    offers.append(
                        {
                            "reference": r["reference"],
                            "provider": p["id"],
                            "lot": lot,
                            "total_cost_gbp": float(rng.integers(500, 6000)),
                            "places_used": min(int(rng.integers(1, 4)), room or 3),
                        }
                    )
    policy: dict[str, Any] = {"min_quality_rating": 1, "travel_cost_per_km_gbp": 0.45}
    if rng.random() < 0.35:
        policy["budget_cap_gbp"] = float(rng.integers(0, 20_000))
    if rng.random() < 0.3:
        policy["max_provider_share"] = float(rng.choice([0.34, 0.5, 0.75]))
    if rng.random() < 0.35:
        policy["min_average_quality"] = float(rng.choice([2.5, 3.5]))
    if rng.random() < 0.4:
        policy["value_per_extra_day_gbp"] = float(rng.choice([150.0, 400.0]))
    return {
        "kind": "placements",
        "name": f"oracle{k}",
        "providers": providers,
        "referrals": referrals,
        "offers": offers,
        "policy": policy,
    }


@dataclass(frozen=True)
class Oracle:
    objective: float
    checked: int  # candidates the verifier saw


def _candidates(model: PlacementModel) -> np.ndarray:
    """Every assignment (a pair or -1 per referral) that passes the pruning conditions,
    cheapest first."""
    pairs, n = model.pairs, model.n_referrals
    options = [np.append(np.flatnonzero(pairs.ref == r), -1) for r in range(n)]
    grid = np.stack(np.meshgrid(*options, indexing="ij"), axis=-1).reshape(-1, n)
    placed = grid >= 0
    cost = np.where(placed, _ext(pairs.cost)[grid], model.penalty).sum(axis=1)
    keep = _necessary(model, grid)
    grid, cost = grid[keep], cost[keep]
    ordered: np.ndarray = grid[np.argsort(cost, kind="stable")]
    return ordered


def _ext(values: np.ndarray, fill: float = 0.0) -> np.ndarray:
    """Per-pair values with `fill` appended, so that index -1 (unplaced) reads `fill`."""
    return np.append(values.astype(float), fill)


def _necessary(model: PlacementModel, grid: np.ndarray) -> np.ndarray:
    """Conditions every feasible plan meets (pruning only; the verifier decides)."""
    inst, pairs = model.inst, model.pairs
    pol = inst.policy
    keep = np.ones(len(grid), dtype=bool)
    if pol.budget_cap_gbp is not None:
        spend = _ext(pairs.charge + pairs.travel)[grid].sum(axis=1)
        keep &= spend <= pol.budget_cap_gbp + 1e-6
    if pol.min_average_quality is not None:
        margin = _ext(model.quality - pol.min_average_quality)[grid]
        keep &= margin.sum(axis=1) >= -1e-9
    total = (grid >= 0).sum(axis=1)
    overlap = len({(r.start_week, r.end_week) for r in inst.referrals}) == 1
    days = _ext(pairs.days)[grid]
    use = _ext(pairs.use)[grid]
    for pi, p in enumerate(inst.providers):
        here = _ext(pairs.prov == pi)[grid] > 0
        if pol.max_provider_share is not None:
            keep &= here.sum(axis=1) <= pol.max_provider_share * total + 1e-9
        if overlap and p.places is not None:
            keep &= np.where(here, use, 0).sum(axis=1) <= p.places
        if overlap and p.places_per_weekday is not None:
            keep &= np.where(here, days, 0).sum(axis=1) <= p.places_per_weekday * len(p.open_days)
    return keep


def cyclic_days(model: PlacementModel, choice: np.ndarray) -> dict[int, list[int]]:
    """Each placed referral at a weekday provider takes the next days_r open days in turn."""
    out: dict[int, list[int]] = {}
    cursor: dict[int, int] = {}
    for i in choice[choice >= 0].tolist():
        if i not in model.weekday:
            continue
        open_days, need = model.weekday[i], int(model.pairs.days[i])
        at = cursor.get(int(model.pairs.prov[i]), 0)
        out[i] = sorted(open_days[(at + k) % len(open_days)] for k in range(need))
        cursor[int(model.pairs.prov[i])] = at + need
    return out


def as_solution(inst: PlacementInstance, model: PlacementModel, choice: np.ndarray) -> Any:
    plan = Assignment(choice=choice, days=cyclic_days(model, choice))
    placed = extract.placements(model, plan)
    unplaced = unplaced_entries(inst, choice)
    return PlacementSolution(
        instance=inst.name,
        status=SolveStatus.OPTIMAL,
        backend="oracle",
        backend_reason="enumeration",
        statistics=STATS,
        placements=placed,
        unplaced=unplaced,
        totals=extract.totals(model, plan, placed),
    )


def unplaced_entries(inst: PlacementInstance, choice: np.ndarray) -> list[Unplaced]:
    return [
        Unplaced(
            reference=r.reference,
            reason="displaced",
            explanation="-",
            penalty_gbp=unplaced_cost(r, inst.policy),
        )
        for r, c in zip(inst.referrals, choice, strict=True)
        if c < 0
    ]


def oracle(inst: PlacementInstance) -> Oracle:
    """The cheapest assignment the verifier accepts."""
    model = build(inst)
    for checked, choice in enumerate(_candidates(model)[:MAX_CHECKED], start=1):
        solution = as_solution(inst, model, choice)
        if verify_placements(inst, solution).passed:
            assert solution.totals is not None
            return Oracle(solution.totals.objective_gbp, checked)
    raise AssertionError(f"{inst.name}: no candidate within {MAX_CHECKED} passed the verifier")


def backends(model: PlacementModel) -> list[str]:
    """Weekday places go to the Lagrangian backend too where each provider's placements all
    overlap (its weekday rows aggregated, placements/backends/weekdays.py)."""
    blockers = flow_blockers(model)
    out = ["highs", "cpsat"]
    weekday = Structure.WEEKDAY_PLACES in blockers and weekdays.applies(model)
    if not blockers:
        out += ["flow", "lagrange"]
    elif all(b in RELAXABLE or (weekday and b is Structure.WEEKDAY_PLACES) for b in blockers):
        out.append("lagrange")
    return out


def test_backends_reach_the_brute_force_optimum() -> None:
    """300 seeded random instances; every backend that accepts one finds the optimum the
    oracle found, with a verified plan and an honest status."""
    rng = np.random.default_rng(20261130)
    compared = 0
    for k in range(INSTANCES):
        inst = parse_placements(random_instance(rng, k))
        best = oracle(inst)
        for solver in backends(build(inst)):
            # HiGHS keeps one thread pool per process: only CP-SAT is given a thread count
            threads = 2 if solver == "cpsat" else None
            options = SolveOptions(solver=solver, mip_gap=1e-9, threads=threads)
            sol = solve(inst, options)
            assert sol.status.has_solution, (inst.name, solver)
            assert sol.verification is not None
            assert sol.verification.passed
            assert sol.totals is not None
            assert sol.totals.objective_gbp == pytest.approx(best.objective, abs=0.02), (
                inst.name,
                solver,
            )
            compared += 1
    assert compared >= 2 * INSTANCES


def test_weekday_packing_by_cyclic_filling() -> None:
    """Cyclic filling gives each referral distinct days and loads every day within one of
    the others, so it fits whenever the days needed fit: on a provider open k days with c
    places a day, referrals needing d_1..d_m days (each <= k) fit iff sum d <= c k. Checked
    on every split of up to 12 days among up to 4 referrals, k = 3, c = 2."""
    for needs in np.ndindex(4, 4, 4, 4):
        need = [d for d in needs if d > 0]
        loads = np.zeros(3, np.int64)
        at = 0
        for d in need:
            days = {(at + j) % 3 for j in range(d)}
            assert len(days) == d
            loads[list(days)] += 1
            at += d
        assert loads.max() - loads.min() <= 1
        assert (loads.max() <= 2) == (sum(need) <= 6)


GOALS = [["placed", "cost"], ["first_choice", "cost"], ["placed", "quality", "cost"]]


def _level_values(
    sol: PlacementSolution, inst: PlacementInstance, goals: list[str]
) -> tuple[float, ...]:
    """The plan's value of each level, maximised levels negated (smaller is better)."""
    refs = {r.reference: r for r in inst.referrals}
    ratings = {p.id: p.quality_rating for p in inst.providers}
    placed = sol.placements
    assert sol.totals is not None
    values = {
        "placed": -sum(refs[p.reference].priority for p in placed),
        "first_choice": -sum(p.lot == refs[p.reference].lots[0] for p in placed),
        "cost": round(sol.totals.objective_gbp, 2),
        "quality": -round(sum(ratings[p.provider] for p in placed) / len(placed), 6)
        if placed
        else 0.0,
    }
    return tuple(values[g] for g in goals)


def lexicographic_oracle(inst: PlacementInstance, goals: list[str]) -> tuple[float, ...]:
    """The lexicographically best level values over every assignment the verifier accepts."""
    model = build(inst)
    best = None
    plain = inst.model_copy(update={"policy": inst.policy.model_copy(update={"objective": None})})
    for choice in _candidates(model):
        solution = as_solution(inst, model, choice)
        if verify_placements(plain, solution).passed:  # every rule (the levels are judged here)
            key = _level_values(solution, inst, goals)
            best = key if best is None or key < best else best
    assert best is not None  # placing no one is always feasible
    return best


def test_lexicographic_levels_reach_the_brute_force_optimum() -> None:
    """Seeded random instances of at most 3 referrals, under [placed, cost], [first_choice,
    cost] or [placed, quality, cost] with no tolerance: HiGHS and CP-SAT reach the level
    values of the lexicographically best verified assignment."""
    rng = np.random.default_rng(14)
    compared = 0
    while compared < 40:
        data = random_instance(rng, compared)
        if len(data["referrals"]) > 3:
            continue
        goals = GOALS[compared % len(GOALS)]
        data["policy"]["objective"] = [{"goal": g} for g in goals]
        inst = parse_placements(data)
        want = lexicographic_oracle(inst, goals)
        for solver in ("highs", "cpsat"):
            threads = 2 if solver == "cpsat" else None
            sol = solve(inst, SolveOptions(solver=solver, mip_gap=1e-9, threads=threads))
            assert sol.verification is not None
            assert sol.verification.passed, (inst.name, sol.verification.violations)
            got = _level_values(sol, inst, goals)
            assert got == pytest.approx(want, abs=0.02), (inst.name, solver, goals)
        compared += 1
