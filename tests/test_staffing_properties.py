"""Property tests: on random instances every plan passes the verifier, HiGHS and CBC agree,
and every infeasible instance gets a diagnosis."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from optimiser import SolveOptions, SolveStatus, parse_staffing, solve

SKILLS = ["a", "b", "c"]
CATEGORIES = ["core", "core_plus", "traded"]


@st.composite
def staffing_instances(draw: st.DrawFn) -> dict[str, Any]:
    n_groups = draw(st.integers(1, 3))
    groups: list[dict[str, Any]] = []
    for i in range(n_groups):
        groups.append(  # noqa: PERF401 (draws in order, one per group)
            {
                "id": f"g{i}",
                "name": f"Group {i}",
                "role": "specialist",
                "fte_available": draw(st.floats(0.5, 10, allow_nan=False)),
                "cost_per_fte_gbp": draw(st.integers(30_000, 80_000)),
                "skills": draw(
                    st.lists(st.sampled_from(SKILLS), min_size=1, max_size=3, unique=True)
                ),
                **(
                    {"release_cost_per_fte_gbp": draw(st.integers(0, 90_000))}
                    if draw(st.booleans())
                    else {}
                ),
            }
        )
    if draw(st.booleans()):
        groups.append(
            {
                "id": "adm",
                "name": "Admin",
                "role": "admin",
                "fte_available": draw(st.floats(0, 5, allow_nan=False)),
                "cost_per_fte_gbp": 25_000,
            }
        )
    held = sorted({s for g in groups if g["role"] == "specialist" for s in g["skills"]})
    functions = []
    for j in range(draw(st.integers(2, 5))):
        category = draw(st.sampled_from(CATEGORIES))
        f: dict[str, Any] = {
            "id": f"f{j}",
            "name": f"Function {j}",
            "category": category,
            "min_fte": draw(st.sampled_from([0.0, 0.5, 1.0, 2.0])),
            "strategic_value_per_fte": draw(st.integers(0, 3)),
        }
        if draw(st.booleans()):
            f["required_skill"] = draw(st.sampled_from(held))
        if draw(st.booleans()):
            f["max_fte"] = f["min_fte"] + draw(st.floats(0, 4, allow_nan=False))
        if category == "traded":
            f["traded"] = {
                "income_per_fte_gbp": draw(st.integers(20_000, 100_000)),
                "must_recover_cost": draw(st.booleans()),
            }
        functions.append(f)
    bands = []
    for c in draw(st.lists(st.sampled_from(CATEGORIES), max_size=3, unique=True)):
        lo = draw(st.sampled_from([0.0, 0.1, 0.2, 0.3]))
        bands.append(
            {
                "category": c,
                "min_share": lo,
                "max_share": min(1.0, lo + draw(st.sampled_from([0.1, 0.3, 0.6, 1.0]))),
            }
        )
    sources = []
    if draw(st.booleans()):
        sources.append(
            {
                "id": "s0",
                "name": "Grant",
                "amount_gbp": draw(st.integers(0, 200_000)),
                "functions": [functions[0]["id"]],
                "ring_fenced": draw(st.booleans()),
            }
        )
    data: dict[str, Any] = {
        "kind": "staffing",
        "name": "random",
        "staff_groups": groups,
        "functions": functions,
        "bands": bands,
        "funding_sources": sources,
        "admin_per_specialist_fte": draw(st.sampled_from([0.0, 0.1, 0.3])),
        "traded_must_recover_cost": draw(st.booleans()),
        "objective": draw(st.sampled_from(["min_net_cost", "max_strategic_value"])),
    }
    if draw(st.booleans()):
        data["council_budget_cap_gbp"] = draw(st.integers(0, 600_000))
    if draw(st.booleans()):
        data["fte_step"] = draw(st.sampled_from([0.1, 0.5, 1.0]))
    return data


def _bands_valid(data: dict[str, Any]) -> bool:
    bands = data["bands"]
    too_low = len(bands) == 3 and sum(b["max_share"] for b in bands) < 1
    return sum(b["min_share"] for b in bands) <= 1 and not too_low


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staffing_instances())
def test_every_plan_verifies_and_infeasible_is_diagnosed(data: dict[str, Any]) -> None:
    assume(_bands_valid(data))
    sol = solve(parse_staffing(data))  # a plan failing the verifier would raise here
    assert sol.status in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE)
    if sol.status is SolveStatus.OPTIMAL:
        assert sol.verification is not None
        assert sol.verification.passed
    else:
        assert sol.diagnosis is not None
        assert sol.diagnosis.conflicts


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staffing_instances())
def test_highs_and_cbc_agree_on_random_instances(data: dict[str, Any]) -> None:
    assume(_bands_valid(data))
    instance = parse_staffing(data)
    highs = solve(instance, SolveOptions(solver="highs", diagnose=False))
    cbc = solve(instance, SolveOptions(solver="cbc", diagnose=False))
    assert highs.status is cbc.status
    if highs.status is SolveStatus.OPTIMAL:
        assert highs.net_cost_gbp == pytest.approx(cbc.net_cost_gbp, abs=1.0, rel=1e-6)
