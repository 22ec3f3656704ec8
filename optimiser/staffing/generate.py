"""Authority-sized staffing instances (20-120 specialist FTE, 20-30 functions), reproducible
from a seed: the shape of the bundled Oxfordshire service at other scales."""

from __future__ import annotations

from typing import Any

import numpy as np

from optimiser.staffing.schema import StaffingInstance

SKILLS = (
    "school_improvement",
    "inclusion",
    "attendance",
    "governance",
    "data",
    "curriculum",
    "looked_after",
    "consultancy",
    "leadership",
)


def generate_staffing(seed: int) -> StaffingInstance:
    """A random staffing instance from a seed (the same seed gives the same instance)."""
    rng = np.random.default_rng(seed)
    total = float(rng.uniform(20, 120))
    n_groups = int(rng.integers(4, 9))
    shares = rng.dirichlet(np.ones(n_groups))
    groups: list[dict[str, Any]] = []
    for g in range(n_groups):
        skills = sorted(
            {str(s) for s in rng.choice(SKILLS, size=int(rng.integers(2, 5)), replace=False)}
            | {"consultancy"}
            if g % 3 == 0
            else {str(s) for s in rng.choice(SKILLS, size=int(rng.integers(2, 5)), replace=False)}
        )
        group = {
            "id": f"g{g}",
            "name": f"Group {g}",
            "role": "specialist",
            "fte_available": round(max(2.0, total * shares[g]), 2),
            "cost_per_fte_gbp": int(rng.integers(42, 75)) * 1000,
            "skills": skills,
        }
        if rng.random() < 0.4:
            group["release_cost_per_fte_gbp"] = int(rng.integers(30, 80)) * 1000
        groups.append(group)
    groups.append(
        {
            "id": "admin",
            "name": "Business support",
            "role": "admin",
            "fte_available": round(0.35 * total, 2),
            "cost_per_fte_gbp": 29000,
            "release_cost_per_fte_gbp": 20000,
        }
    )
    held = sorted({s for g in groups for s in g.get("skills", [])})
    functions = _functions(rng, total, held)
    sources = [
        {
            "id": f"s{k}",
            "name": f"Source {k}",
            "amount_gbp": int(rng.integers(50, 400)) * 1000,
            "functions": sorted(
                str(functions[int(j)]["id"])
                for j in rng.choice(len(functions), size=3, replace=False)
            ),
        }
        for k in range(int(rng.integers(3, 7)))
    ]
    return StaffingInstance.model_validate(
        {
            "kind": "staffing",
            "name": f"authority_{seed:03d}",
            "staff_groups": groups,
            "functions": functions,
            "funding_sources": sources,
            "admin_per_specialist_fte": 0.3,
            "bands": [
                {"category": "core", "min_share": 0.25, "max_share": 0.45},
                {"category": "core_plus", "min_share": 0.25, "max_share": 0.45},
                {"category": "traded", "min_share": 0.10, "max_share": 0.30},
            ],
            "traded_must_recover_cost": False,
        }
    )


def _functions(rng: np.random.Generator, total: float, held: list[str]) -> list[dict[str, Any]]:
    n = int(rng.integers(20, 31))
    kinds = ["core"] * round(n * 0.45) + ["core_plus"] * round(n * 0.35)
    kinds += ["traded"] * (n - len(kinds))
    out: list[dict[str, Any]] = []
    for i, category in enumerate(kinds):
        f: dict[str, Any] = {
            "id": f"f{i:02d}",
            "name": f"Function {i}",
            "category": category,
            "required_skill": str(rng.choice(held)),
            "min_fte": round(total * float(rng.uniform(0.002, 0.01)), 2),
            "strategic_value_per_fte": int(rng.integers(0, 4)),
        }
        if category == "core":
            f["statutory"] = True
        if category == "traded":
            f["required_skill"] = "consultancy"
            f["min_fte"] = 0.0
            if rng.random() < 0.5:
                f["traded"] = {"income_per_fte_gbp": int(rng.integers(60, 90)) * 1000}
                f["max_fte"] = round(total * 0.1, 2)
            else:
                f["traded"] = {
                    "price_per_school_gbp": int(rng.integers(5, 50)) * 100,
                    "schools_in_scope": int(rng.integers(50, 400)),
                    "take_up_share": round(float(rng.uniform(0.3, 0.9)), 2),
                    "fte_per_school": round(float(rng.uniform(0.005, 0.03)), 4),
                }
        out.append(f)
    return out


def generate_staffing_years(
    seed: int, years: int = 5, whole_posts: bool = False
) -> StaffingInstance:
    """An authority-sized plan over `years` financial years from 2025-26: the one-year
    authority of `generate_staffing(seed)` with turnover and hire costs on every group (whole
    posts if asked), a driver-based grant falling as schools convert (pupils in maintained
    schools down 6-12% a year), a 2% pay award a year and traded take-up drifting each year."""
    rng = np.random.default_rng(10_000 + seed)
    data = generate_staffing(seed).model_dump(mode="json", exclude_defaults=True)
    data["name"] = f"authority_{seed:03d}_{years}y"
    for g in data["staff_groups"]:
        g["turnover_share"] = round(float(rng.uniform(0.04, 0.12)), 3)
        g["hire_cost_per_fte_gbp"] = int(rng.integers(2, 8)) * 1000
    if whole_posts:
        data["fte_step"] = 1.0
    data["funding_sources"].append(
        {
            "id": "grant",
            "name": "Education services grant (per maintained pupil)",
            "amount_gbp": 0.0,
            "per_unit_gbp": 15.0,
            "driver": "maintained_pupils",
            "ring_fenced": False,
            "categories": ["core"],
        }
    )
    pupils = float(rng.integers(10, 60)) * 1000
    per_school = [
        f["id"] for f in data["functions"] if f.get("traded", {}).get("take_up_share") is not None
    ]
    out = []
    for t in range(years):
        year: dict[str, Any] = {
            "id": f"{2025 + t}-{(26 + t) % 100:02d}",
            "drivers": [{"id": "maintained_pupils", "value": round(pupils)}],
        }
        if t > 0:
            year["pay_uplift_share"] = 0.02
            year["functions"] = [
                {"id": fid, "take_up_share": round(float(rng.uniform(0.3, 0.9)), 2)}
                for fid in per_school
            ]
        out.append(year)
        pupils *= 1.0 - float(rng.uniform(0.06, 0.12))
    data["years"] = out
    return StaffingInstance.model_validate(data)
