"""Read a solved staffing model back into the instance's terms (figures from the solver)."""

from __future__ import annotations

from typing import Any

import pulp

from optimiser.staffing.model import StaffingLp
from optimiser.staffing.model_money import surplus
from optimiser.staffing.schema import Category
from optimiser.staffing.solution import (
    CategoryResult,
    CouncilPosition,
    Deployment,
    FunctionResult,
    GroupUse,
    LedgerEntry,
    SourceUse,
    TradedShare,
)

EPS = 1e-7


def val(expr: Any) -> float:
    """The value of a PuLP expression or a constant, with solver noise below EPS cleared."""
    v = pulp.value(expr) if not isinstance(expr, int | float) else float(expr)
    v = float(v or 0.0)
    return 0.0 if abs(v) < EPS else v


def fte6(value: float) -> float:
    """FTE to six decimals, with rounding noise (and negative zero) cleared."""
    v = round(value, 6)
    return 0.0 if abs(v) < 1e-6 else v


def deployments(lp: StaffingLp) -> list[Deployment]:
    """The plan's non-zero deployments (FTE of each group on each function)."""
    return [
        Deployment(group=g, function=f, fte=fte6(val(v)))
        for (g, f), v in lp.x.items()
        if val(v) > 0
    ]


def groups(lp: StaffingLp, before: dict[str, float] | None = None) -> list[GroupUse]:
    """Each group's establishment, flows and cost; `before` is last year's establishment
    (None: the instance's, for the first or only year)."""
    out = []
    for g in lp.instance.staff_groups:
        start = g.fte_available if before is None else before[g.id]
        retained, deployed = val(lp.retained[g.id]), val(lp.deployed(g.id))
        released, hired = val(lp.released.get(g.id, 0.0)), val(lp.hired.get(g.id, 0.0))
        release_cost = (g.release_cost_per_fte_gbp or 0.0) * released
        hire_cost = (g.hire_cost_per_fte_gbp or 0.0) * hired
        paid = (1.0 - g.vacancy_share) * retained
        out.append(
            GroupUse(
                group=g.id,
                role=g.role.value,
                available_fte=fte6(start),
                retained_fte=fte6(retained),
                released_fte=fte6(released),
                deployed_fte=fte6(deployed),
                idle_fte=fte6(paid - deployed),
                cost_gbp=round(g.cost_per_fte_gbp * paid + release_cost + hire_cost, 2),
                hired_fte=fte6(hired),
                turnover_fte=fte6(g.turnover_share * start) if lp.year else 0.0,
                hire_cost_gbp=round(hire_cost, 2),
                release_cost_gbp=round(release_cost, 2),
            )
        )
    return out


def functions(lp: StaffingLp) -> list[FunctionResult]:
    """Each function's FTE, cost and income in the plan."""
    out = []
    for f in lp.instance.functions:
        cost, income = val(lp.function_cost(f.id)), val(lp.income(f.id))
        out.append(
            FunctionResult(
                function=f.id,
                category=f.category,
                specialist_fte=fte6(val(lp.specialist_fte(f.id))),
                admin_fte=fte6(val(lp.admin_fte(f.id))),
                cost_gbp=round(cost, 2),
                income_gbp=round(income, 2),
                net_gbp=round(cost - income, 2),
            )
        )
    return out


def categories(lp: StaffingLp, rows: list[FunctionResult]) -> list[CategoryResult]:
    """Each category's FTE, share and money; the share and `binds` from unrounded FTE (a
    4% floor met exactly reads 4%, not 3.9997%, and binds)."""
    total = val(lp.total_specialist_fte())
    out = []
    for c in Category:
        mine = [r for r in rows if r.category is c]
        fte = val(lp.category_fte(c))
        share = fte / total if total > 0 else 0.0
        band = lp.instance.band(c)
        binds = None
        if band is not None and total > 0:
            if band.min_share > 0 and abs(share - band.min_share) < 1e-6:
                binds = "min"
            elif band.max_share < 1 and abs(share - band.max_share) < 1e-6:
                binds = "max"
        cost, income = sum(r.cost_gbp for r in mine), sum(r.income_gbp for r in mine)
        out.append(
            CategoryResult(
                category=c,
                specialist_fte=round(fte, 6),
                share=round(share, 6),
                min_share=band.min_share if band else None,
                max_share=band.max_share if band else None,
                binds=binds,
                cost_gbp=round(cost, 2),
                income_gbp=round(income, 2),
                net_gbp=round(cost - income, 2),
            )
        )
    return out


def ledger(lp: StaffingLp) -> list[LedgerEntry]:
    """Who pays what: funding sources, traded income on its own function, then the council."""
    rows = [
        LedgerEntry(source=k, centre=c, amount_gbp=round(val(v), 2)) for (k, c), v in lp.pay.items()
    ]
    rows += [
        LedgerEntry(source="traded_income", centre=f, amount_gbp=round(val(v), 2))
        for f, v in lp.applied.items()
    ]
    rows += [
        LedgerEntry(source="council", centre=c, amount_gbp=round(val(v), 2))
        for c, v in lp.general.items()
    ]
    return [r for r in rows if r.amount_gbp > 0]


def council(lp: StaffingLp) -> CouncilPosition:
    """The council's net cost against its cap."""
    net = val(lp.net_cost())
    cap = lp.instance.council_budget_cap_gbp
    return CouncilPosition(
        net_gbp=round(net, 2),
        cap_gbp=cap,
        headroom_gbp=None if cap is None else round(cap - net, 2),
    )


def sources(lp: StaffingLp) -> list[SourceUse]:
    """Each source's amount this year and what the functions used of it."""
    return [
        SourceUse(
            source=k.id,
            available_gbp=round(val(lp.amount.get(k.id, k.amount_gbp)), 2),
            used_gbp=round(sum(val(v) for (kid, _), v in lp.pay.items() if kid == k.id), 2),
        )
        for k in lp.instance.funding_sources
    ]


def traded_share(lp: StaffingLp) -> TradedShare | None:
    """The traded surplus and its split, where a share agreement is given."""
    if not lp.instance.traded_surplus_share:
        return None
    total, kept = val(surplus(lp)), val(lp.kept)
    council = max(total, 0.0) - kept
    return TradedShare(
        surplus_gbp=round(total, 2), council_gbp=round(council, 2), kept_gbp=round(kept, 2)
    )
