"""A status means what it says: objective, bound and gap on the whole objective (constants
included) on every backend, `optimal` only within the requested gap, and a feasible plan from
the first moment of every placement run."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from optimiser import SolveOptions, SolveStatus, parse_placements, parse_staffing, solve
from optimiser.core.gap import honest, relative_gap
from optimiser.placements.incumbent import greedy_plan
from optimiser.placements.linear import linear_form
from optimiser.placements.model import Assignment, build
from optimiser.placements.verify import verify_placements
from tests.helpers import raw
from tests.test_oracle import STATS, random_instance

DATA = Path(__file__).parent / "data"


def _repro(name: str) -> dict[str, object]:
    data: dict[str, object] = json.loads((DATA / f"{name}.json").read_text())
    return data


def test_gap_formula() -> None:
    assert relative_gap(248.0, 229.0) == pytest.approx(19 / 248)
    assert relative_gap(0.5, 0.0) == pytest.approx(0.5)  # max(1, |objective|)


def test_claimed_optimum_outside_the_tolerance_is_feasible() -> None:
    """The CP-SAT repro: £248 claimed optimal against a bound of £229 is a 7.7% gap."""
    status, bound, gap = honest(SolveStatus.OPTIMAL, 248.0, 229.0, 1e-4)
    assert status is SolveStatus.FEASIBLE
    assert bound == 229.0
    assert gap == pytest.approx(19 / 248)
    assert honest(SolveStatus.OPTIMAL, 239.0, 239.0, 1e-4)[0] is SolveStatus.OPTIMAL
    assert honest(SolveStatus.FEASIBLE, 239.0, 239.0, 1e-4)[0] is SolveStatus.FEASIBLE


@pytest.mark.parametrize("solver", ["highs", "cpsat"])
def test_cpsat_gap_repro_c3x10(solver: str) -> None:
    """3 providers x 10 referrals, multi-place offers, £1,000,000 an unplaced referral: the
    optimum is £239 (CP-SAT used to say `optimal` at £248, its gap measured without the
    £10,000,000 of unplaced penalties kept outside its objective)."""
    sol = solve(parse_placements(_repro("cpsat_gap_c3x10")), SolveOptions(solver=solver))
    assert sol.status is SolveStatus.OPTIMAL
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(239.0, abs=0.01)
    assert sol.statistics.objective_bound is not None
    assert sol.statistics.gap is not None
    assert sol.statistics.gap <= 1e-4


@pytest.mark.parametrize("solver", ["highs", "cpsat"])
def test_cpsat_gap_repro_e10x60(solver: str) -> None:
    """10 providers x 60 referrals; the optimum is £6,797 (CP-SAT used to say `optimal` at
    £6,981-£7,031). Within a 5 s limit a backend may or may not finish; either way its bound
    is below the optimum, its plan above it, and `optimal` means within the gap."""
    options = SolveOptions(solver=solver, time_limit_seconds=5)
    sol = solve(parse_placements(_repro("cpsat_gap_e10x60")), options)
    assert sol.status.has_solution
    assert sol.totals is not None
    bound, gap = sol.statistics.objective_bound, sol.statistics.gap
    assert bound is not None
    assert gap is not None
    assert bound <= 6797.0 + 0.01
    assert sol.totals.objective_gbp >= 6797.0 - 0.01
    assert gap == pytest.approx(relative_gap(sol.totals.objective_gbp, bound), abs=1e-6)
    if sol.status is SolveStatus.OPTIMAL:
        assert sol.totals.objective_gbp == pytest.approx(6797.0, rel=1e-4)


def test_every_backend_reports_bound_and_gap() -> None:
    """The bundled county instance on flow, HiGHS and CP-SAT: a bound and a gap each."""
    data = json.loads((Path(__file__).parents[1] / "instances" / "dps_small.json").read_text())
    for solver in ("flow", "lagrange", "highs", "cpsat"):
        sol = solve(parse_placements(data), SolveOptions(solver=solver))
        assert sol.statistics.objective_bound is not None, solver
        assert sol.statistics.gap is not None, solver
        assert sol.statistics.gap <= 1e-4, solver


def test_staffing_mip_bound_includes_the_constant() -> None:
    """Whole posts (steps of 0.5 FTE) make the staffing model a MIP whose net cost has a
    constant; the bound HiGHS reports is on the whole objective, so the gap is ~0 at the
    optimum of £50,000 (it was the constant over the objective before)."""
    data = raw("staffing_small")
    data["fte_step"] = 0.5
    data["deployment_fte_step"] = 0.5
    sol = solve(parse_staffing(data))
    assert sol.status is SolveStatus.OPTIMAL
    assert sol.statistics.objective_bound is not None
    assert sol.statistics.gap is not None
    assert sol.statistics.gap <= 1e-4


def test_greedy_start_is_feasible_on_random_instances() -> None:
    """The starting plan every MIP run is given passes the verifier on 150 random tiny
    instances (weekday places, multi-place offers, budget, share and quality rules)."""
    from optimiser.placements import extract
    from optimiser.placements.solution import PlacementSolution
    from tests.test_oracle import unplaced_entries

    rng = np.random.default_rng(7)
    for k in range(150):
        inst = parse_placements(random_instance(rng, k))
        model = build(inst)
        choice, days = greedy_plan(model, linear_form(model))
        plan = Assignment(choice=choice, days=days)
        placed = extract.placements(model, plan)
        solution = PlacementSolution(
            instance=inst.name,
            status=SolveStatus.FEASIBLE,
            backend="greedy",
            backend_reason="start",
            statistics=STATS,
            placements=placed,
            unplaced=unplaced_entries(inst, choice),
            totals=extract.totals(model, plan, placed),
        )
        verdict = verify_placements(inst, solution)
        assert verdict.passed, (inst.name, verdict.violations)
