"""Small, pseudonymous, self-contained example instances (API docs, spreadsheet templates)."""

from __future__ import annotations

from typing import Any

STAFFING: dict[str, Any] = {
    "kind": "staffing",
    "name": "example",
    "staff_groups": [
        {
            "id": "advisers",
            "name": "Advisers",
            "role": "specialist",
            "fte_available": 3.0,
            "cost_per_fte_gbp": 50000,
            "skills": ["advice"],
        },
        {
            "id": "admin",
            "name": "Business support",
            "role": "admin",
            "fte_available": 1.0,
            "cost_per_fte_gbp": 20000,
        },
    ],
    "functions": [
        {
            "id": "statutory",
            "name": "Statutory duty",
            "category": "core",
            "statutory": True,
            "min_fte": 1.0,
        },
        {
            "id": "traded",
            "name": "Traded consultancy",
            "category": "traded",
            "max_fte": 2.0,
            "required_skill": "advice",
            "traded": {"income_per_fte_gbp": 60000},
        },
    ],
    "bands": [{"category": "traded", "min_share": 0.0, "max_share": 0.5}],
    "funding_sources": [
        {
            "id": "statutory_grant",
            "name": "Grant for statutory duties",
            "amount_gbp": 20000,
            "functions": ["statutory"],
            "ring_fenced": True,
        }
    ],
    "admin_per_specialist_fte": 0.25,
}

# The staffing template: the example over two years, so that every sheet has an example row.
STAFFING_TEMPLATE: dict[str, Any] = {
    **STAFFING,
    "staff_groups": [
        {
            **STAFFING["staff_groups"][0],
            "hire_cost_per_fte_gbp": 5000,
            "turnover_share": 0.05,
            "max_change_fte": 2.0,
        },
        STAFFING["staff_groups"][1],
    ],
    "funding_sources": [
        {
            **STAFFING["funding_sources"][0],
            "fte_caps": [{"function": "statutory", "role": "admin", "max_fte": 0.5}],
        },
        {
            "id": "pupil_grant",
            "name": "Grant per pupil",
            "amount_gbp": 0,
            "per_unit_gbp": 2.0,
            "driver": "pupils",
            "ring_fenced": False,
            "categories": ["core"],
        },
    ],
    "traded_surplus_share": [
        {"up_to_gbp": 50000, "council_share": 0.5},
        {"council_share": 0.25},
    ],
    "years": [
        {
            "id": "2026-27",
            "drivers": [{"id": "pupils", "value": 20000}],
            "funding": [{"id": "statutory_grant", "amount_gbp": 20000}],
            "functions": [{"id": "statutory", "min_fte": 1.0}],
            "bands": [{"category": "traded", "min_share": 0.0, "max_share": 0.5}],
        },
        {
            "id": "2027-28",
            "cap_gbp": 150000,
            "pay_uplift_share": 0.02,
            "drivers": [{"id": "pupils", "value": 19000}],
            "funding": [{"id": "statutory_grant", "amount_gbp": 18000}],
            "functions": [{"id": "traded", "income_per_fte_gbp": 62000}],
            "bands": [{"category": "traded", "min_share": 0.0, "max_share": 0.5}],
        },
    ],
}

PLACEMENTS: dict[str, Any] = {
    "kind": "placements",
    "name": "example",
    "providers": [
        {
            "id": "centre",
            "name": "Therapeutic centre",
            "quality_rating": 4,
            "places": 1,
            "registered_school": True,
            "lots": [{"lot": "therapeutic", "price_gbp": 140}],
        },
    ],
    "referrals": [
        {
            "reference": "REF-0001",
            "lots": ["therapeutic"],
            "key_stage": 3,
            "days_per_week": 3,
            "start_week": 1,
            "end_week": 12,
        },
        {
            "reference": "REF-0002",
            "lots": ["therapeutic"],
            "key_stage": 3,
            "days_min": 2,
            "days_max": 3,
            "start_week": 4,
            "end_week": 10,
        },
    ],
    "offers": [
        {
            "reference": "REF-0002",
            "provider": "centre",
            "lot": "therapeutic",
            "total_cost_gbp": 1800,
        }
    ],
    "policy": {
        "objective": [
            {"goal": "placed"},
            {"goal": "cost", "tolerance": 0.05, "relative": True},
            {"goal": "quality"},
        ]
    },
}
