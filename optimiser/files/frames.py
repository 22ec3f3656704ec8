"""Solutions as pandas DataFrames, one per table, for scripts and spreadsheets."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from pydantic import BaseModel

from optimiser.placements.solution import PlacementSolution
from optimiser.staffing.solution import StaffingSolution


def _frame(rows: Sequence[BaseModel], columns: list[str] | None = None) -> pd.DataFrame:
    data = [r.model_dump(mode="json") for r in rows]
    return pd.DataFrame(data, columns=columns or (list(data[0]) if data else None))


def frames(solution: StaffingSolution | PlacementSolution) -> dict[str, pd.DataFrame]:
    """Every table of a solution: for staffing the allocation, groups, functions, category
    shares against bands, the funding ledger and binding rules (or the conflicts of an
    infeasible instance); for placements the placements, unplaced referrals with reasons,
    utilisation and totals."""
    if isinstance(solution, StaffingSolution) and solution.years:
        return _year_frames(solution)
    if isinstance(solution, StaffingSolution):
        out = {
            "allocation": _frame(solution.deployments, ["group", "function", "fte"]),
            "groups": _frame(solution.groups),
            "functions": _frame(solution.functions),
            "categories": _frame(solution.categories),
            "ledger": _frame(solution.ledger, ["source", "centre", "amount_gbp"]),
            "binding_rules": _frame(solution.binding_rules),
        }
        if solution.diagnosis is not None:
            out["conflicts"] = _frame(solution.diagnosis.conflicts)
        return out
    placed = _frame(solution.placements)
    if not placed.empty:
        placed["weekdays"] = placed["weekdays"].map(" ".join)
    unplaced = [u.model_dump(mode="json", exclude={"excluded", "full"}) for u in solution.unplaced]
    return {
        "placements": placed,
        "unplaced": pd.DataFrame(
            unplaced, columns=["reference", "reason", "explanation", "penalty_gbp"]
        ),
        "utilisation": _frame(solution.utilisation),
        "totals": _frame([solution.totals] if solution.totals else []),
    }


def _year_frames(solution: StaffingSolution) -> dict[str, pd.DataFrame]:
    """A plan over years: each table with a `year` column first, plus the year summary."""
    tables = ("deployments", "groups", "functions", "categories", "ledger", "sources")
    out: dict[str, pd.DataFrame] = {}
    for name in tables:
        rows = [
            {"year": y.year, **r.model_dump(mode="json")}
            for y in solution.years
            for r in getattr(y, name)
        ]
        out["allocation" if name == "deployments" else name] = pd.DataFrame(rows)
    out["years"] = pd.DataFrame(
        [
            y.model_dump(
                mode="json", include={"year", "net_cost_gbp", "discount_factor", "council"}
            )
            for y in solution.years
        ]
    )
    out["binding_rules"] = _frame(solution.binding_rules)
    if solution.diagnosis is not None:
        out["conflicts"] = _frame(solution.diagnosis.conflicts)
    return out


def objective(solution: StaffingSolution | PlacementSolution) -> float | None:
    """The number each kind minimises: the council's net cost, or the placement objective."""
    if isinstance(solution, StaffingSolution):
        return solution.net_cost_gbp
    return solution.totals.objective_gbp if solution.totals else None
