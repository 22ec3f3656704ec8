"""The rules that link the years of a plan: the staff stock and funding spread over years.

For group s in year t (E_0 = a_s, the establishment before the first year):
  E_t = (1 - tau_s) E_{t-1} + H_t - R_t   (turnover tau_s; hires H_t only with a hire cost,
                                           releases R_t only with a release cost),
  H_t + R_t <= m_s                        (the most change in a year, when given),
  sum_f x_sft <= (1 - v_s) E_t            (vacant posts are neither paid nor deployed),
with H_t = h n_t and R_t = h k_t (n, k integer) for a posts step h: whole posts change, so the
establishment moves by whole posts per group while deployments stay continuous. One-off costs
of hires and releases are charged in their year; a source given as a total spread over the years
has a variable amount u_kt <= A_kt in each year with sum_t u_kt <= total.
"""

from __future__ import annotations

from typing import Any

import pulp

from optimiser.core.rules import Rule
from optimiser.staffing.lp import StaffingLp, fte_var


def add_stock(top: StaffingLp) -> None:
    """E_t, H_t, R_t for every group and year, with the stock rule of each year."""
    step = top.instance.fte_step
    for g in top.instance.staff_groups:
        before: Any = g.fte_available
        for block in top.years:
            b = block.instance.group(g.id)
            block.retained[g.id] = top.problem.add_variable(block.name("posts", g.id), lowBound=0)
            if b.hire_cost_per_fte_gbp is not None:
                block.hired[g.id] = fte_var(block, block.name("hire", g.id), b.max_change_fte, step)
            if b.release_cost_per_fte_gbp is not None:
                block.released[g.id] = fte_var(
                    block, block.name("release", g.id), b.max_change_fte, step
                )
            _add_stock_rule(block, g.id, before)
            _add_max_change(block, g.id)
            before = block.retained[g.id]


def _flow(block: StaffingLp, group_id: str) -> Any:
    return block.hired.get(group_id, 0.0) - block.released.get(group_id, 0.0)


def _add_stock_rule(block: StaffingLp, group_id: str, before: Any) -> None:
    """E_t >= (1 - tau) E_{t-1} + H_t - R_t (fixed) and E_t <= the same (the rule a person
    would relax: an extra post on the establishment)."""
    g = block.instance.group(group_id)
    stock = (1.0 - g.turnover_share) * before + _flow(block, group_id)
    posts = block.retained[group_id]
    block.problem += (posts >= stock, block.name("stock", group_id))
    block.book.add(
        block.problem,
        Rule(
            name=block.name("establishment", group_id),
            family="establishment",
            ids=block.ids(group_id),
            text=block.label(f"{g.name}: the establishment carried from the year before"),
            sense="<=",
            rhs=0.0,
            unit="FTE",
            weight=2.0,
            relax=f"each extra FTE of {g.name} on the establishment",
            year=block.year or None,
        ),
        posts - stock,
    )


def _add_max_change(block: StaffingLp, group_id: str) -> None:
    """H_t + R_t <= m_s, the most posts a group may gain or lose in a year."""
    g = block.instance.group(group_id)
    if g.max_change_fte is None or not (group_id in block.hired or group_id in block.released):
        return
    block.book.add(
        block.problem,
        Rule(
            name=block.name("max_change", group_id),
            family="max_change",
            ids=block.ids(group_id),
            text=block.label(f"{g.name}: at most {g.max_change_fte:g} FTE hired or released"),
            sense="<=",
            rhs=g.max_change_fte,
            unit="FTE",
            relax=f"each extra FTE of {g.name} that may be hired or released in the year",
            year=block.year or None,
        ),
        block.hired.get(group_id, 0.0) + block.released.get(group_id, 0.0),
    )


def add_availability(block: StaffingLp) -> None:
    """sum_f x_sft <= (1 - v_s) E_t for each group in the year."""
    for g in block.instance.staff_groups:
        block.problem += (
            block.deployed(g.id) <= block.staff_paid(g.id),
            block.name("deploy", g.id),
        )


def add_source_amounts(top: StaffingLp) -> None:
    """u_kt in [0, A_kt] for a source spread over years, and sum_t u_kt <= its total."""
    for k in top.instance.funding_sources:
        if k.total_gbp is None:
            continue
        used = []
        for block in top.years:
            most = block.instance.funding_sources[_index(top, k.id)].amount_gbp
            block.amount[k.id] = top.problem.add_variable(
                block.name("amount", k.id), lowBound=0, upBound=most
            )
            used.append(block.amount[k.id])
        top.book.add(
            top.problem,
            Rule(
                name=f"source_total_{k.id}".replace("-", "_").replace(".", "_"),
                family="funding_total",
                ids=(k.id,),
                text=f"{k.name}: £{k.total_gbp:,.0f} over the years",
                sense="<=",
                rhs=k.total_gbp,
                unit="£1,000 more",
                step=1000.0,
                weight=2.0 / 50_000.0,
                relax=f"each extra £1,000 of {k.name} over the years",
            ),
            pulp.lpSum(used),
        )


def _index(top: StaffingLp, source_id: str) -> int:
    return next(i for i, k in enumerate(top.instance.funding_sources) if k.id == source_id)
