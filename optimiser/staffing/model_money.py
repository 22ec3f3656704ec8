"""The money rules of one year: cost recovery with overheads, the traded surplus share, the
funding ledger with its grant conditions, source amounts and the council's cap.

Notation as in optimiser.staffing.model; OH_f = o_fte (X_f + admin_f) + o_share C_f is a traded
function's share of overheads and central recharges (counted for recovery and the surplus, an
internal recharge that does not change the council's net).
"""

from __future__ import annotations

from typing import Any

import pulp

from optimiser.core.rules import Rule
from optimiser.staffing.lp import StaffingLp
from optimiser.staffing.schema import Category, FundingSource, Role, StaffingInstance
from optimiser.staffing.solution import UNALLOCATED


def add_money_rules(lp: StaffingLp) -> None:
    """Every money rule family of one year, in order."""
    _add_cost_recovery(lp)
    _add_surplus_share(lp)
    _add_funding_ledger(lp)
    _add_grant_conditions(lp)
    _add_funding_amounts(lp)
    _add_council_cap(lp)


def recharge(lp: StaffingLp, function_id: str) -> Any:
    """OH_f = o_fte (X_f + admin_f) + o_share C_f for a traded function (0 otherwise)."""
    inst = lp.instance
    f = inst.function(function_id)
    if f.category is not Category.TRADED:
        return 0.0
    per_fte, share = inst.recovery_overhead_per_fte_gbp, inst.recovery_overhead_share
    if per_fte == 0 and share == 0:
        return 0.0
    staff = lp.specialist_fte(f.id) + lp.admin_fte(f.id)
    return per_fte * staff + share * lp.function_cost(f.id)


def surplus(lp: StaffingLp) -> Any:
    """S = sum_{f traded} (I_f - C_f - OH_f), the traded arm's net surplus."""
    return pulp.lpSum(
        lp.income(f.id) - lp.function_cost(f.id) - recharge(lp, f.id)
        for f in lp.instance.functions
        if f.category is Category.TRADED
    )


def _add_cost_recovery(lp: StaffingLp) -> None:
    """I_f - C_f - OH_f >= 0 for each traded function that must recover its full cost, and
    sum_{f in F_traded} (I_f - C_f - OH_f) >= 0 when the traded offer as a whole must."""
    inst = lp.instance
    money = money_weight(inst)
    for f in inst.functions:
        if f.traded is not None and f.traded.must_recover_cost:
            lp.book.add(
                lp.problem,
                Rule(
                    name=lp.name("recover", f.id),
                    family="cost_recovery",
                    ids=lp.ids(f.id),
                    text=lp.label(f"{f.name} must recover its full cost"),
                    sense=">=",
                    rhs=0.0,
                    unit="£1,000 of shortfall",
                    step=1000.0,
                    weight=money,
                    relax=f"each £1,000 of shortfall allowed on {f.name}",
                    year=lp.year or None,
                ),
                lp.income(f.id) - lp.function_cost(f.id) - recharge(lp, f.id),
            )
    traded = [f for f in inst.functions if f.category is Category.TRADED]
    if inst.traded_must_recover_cost and traded:
        lp.book.add(
            lp.problem,
            Rule(
                name=lp.name("recover_traded"),
                family="cost_recovery",
                ids=lp.ids("traded"),
                text=lp.label("traded work as a whole must recover its full cost"),
                sense=">=",
                rhs=0.0,
                unit="£1,000 of shortfall",
                step=1000.0,
                weight=money,
                relax="each £1,000 of shortfall allowed on traded work as a whole",
                year=lp.year or None,
            ),
            surplus(lp),
        )


def _add_surplus_share(lp: StaffingLp) -> None:
    """S = sum_b s_b - d with 0 <= s_b <= w_b (tier widths) and d >= 0 (a deficit, borne by
    the council); the traded arm keeps sum_b (1 - rho_b) s_b, which adds to N. The council's
    shares rho_b do not rise from tier to tier (checked), so min N fills tiers in order."""
    tiers = lp.instance.traded_surplus_share
    if not tiers:
        return
    parts, kept, below = [], [], 0.0
    for b, tier in enumerate(tiers):
        width = None if tier.up_to_gbp is None else tier.up_to_gbp - below
        s_b = lp.problem.add_variable(lp.name("surplus_tier", str(b)), lowBound=0, upBound=width)
        parts.append(s_b)
        kept.append((1.0 - tier.council_share) * s_b)
        below = tier.up_to_gbp or below
    deficit = lp.problem.add_variable(lp.name("traded_deficit"), lowBound=0)
    lp.problem += (surplus(lp) == pulp.lpSum(parts) - deficit, lp.name("surplus_split"))
    lp.kept = pulp.lpSum(kept)


def _add_funding_ledger(lp: StaffingLp) -> None:
    """sum_k p_kc + t_c + g_c = C_c for each centre c (every pound met), t_f <= I_f, where
    p_kc exists only if source k may pay for c."""
    inst = lp.instance
    centres = [(f.id, lp.function_cost(f.id)) for f in inst.functions]
    centres.append((UNALLOCATED, lp.unallocated_cost()))
    for centre, cost in centres:
        paid = []
        for k in inst.funding_sources:
            if centre != UNALLOCATED and inst.pays_for(k, inst.function(centre)):
                lp.pay[k.id, centre] = lp.problem.add_variable(
                    lp.name("pay", k.id, centre), lowBound=0
                )
                paid.append(lp.pay[k.id, centre])
        lp.general[centre] = lp.problem.add_variable(lp.name("general", centre), lowBound=0)
        if centre != UNALLOCATED and inst.function(centre).traded is not None:
            lp.applied[centre] = lp.problem.add_variable(
                lp.name("traded_income", centre), lowBound=0
            )
            paid.append(lp.applied[centre])
            lp.problem += (
                lp.applied[centre] <= lp.income(centre),
                lp.name("income_applied", centre),
            )
        lp.problem += (pulp.lpSum(paid) + lp.general[centre] == cost, lp.name("ledger", centre))


def _role_groups(lp: StaffingLp, role: str, function_id: str) -> list[str]:
    return [
        g.id
        for g in lp.instance.staff_groups
        if (g.id, function_id) in lp.x and (role == "any" or g.role is Role(role))
    ]


def _add_grant_conditions(lp: StaffingLp) -> None:
    """For a source k paying for at most M FTE of a role on f: y_ksf <= x_sf for s of the
    role, sum_s y_ksf <= M, and p_kf <= C_f - sum_s cost_s x_sf + sum_s cost_s y_ksf (the
    source pays for the role's staff only up to M FTE)."""
    inst = lp.instance
    for k in inst.funding_sources:
        for cap in k.fte_caps:
            if (k.id, cap.function) not in lp.pay:
                continue
            groups = _role_groups(lp, cap.role, cap.function)
            y = {
                s: lp.problem.add_variable(lp.name("paid_fte", k.id, s, cap.function), lowBound=0)
                for s in groups
            }
            for s, v in y.items():
                lp.problem += (
                    v <= lp.x[s, cap.function],
                    lp.name("paid_within", k.id, s, cap.function),
                )
            cost = {s: inst.group(s).cost_per_fte_gbp for s in groups}
            lp.problem += (
                lp.pay[k.id, cap.function]
                <= lp.function_cost(cap.function)
                - pulp.lpSum(cost[s] * lp.x[s, cap.function] for s in groups)
                + pulp.lpSum(cost[s] * y[s] for s in groups),
                lp.name("grant_pays", k.id, cap.function),
            )
            f = inst.function(cap.function)
            lp.book.add(
                lp.problem,
                Rule(
                    name=lp.name("grant_fte", k.id, cap.function),
                    family="grant_condition",
                    ids=lp.ids(k.id, cap.function),
                    text=lp.label(
                        f"{k.name} pays for at most {cap.max_fte:g} {cap.role} FTE on {f.name}"
                    ),
                    sense="<=",
                    rhs=cap.max_fte,
                    unit="FTE",
                    relax=f"each extra {cap.role} FTE that {k.name} may pay for on {f.name}",
                    year=lp.year or None,
                ),
                pulp.lpSum(y.values()),
            )


def _add_funding_amounts(lp: StaffingLp) -> None:
    """sum_c p_kc <= A_k for each funding source k (A_k a variable u_k when the source is a
    total spread over the years: sum_c p_kc - u_k <= 0)."""
    for k in lp.instance.funding_sources:
        amount = lp.amount.get(k.id, k.amount_gbp)
        variable = not isinstance(amount, int | float)
        lp.book.add(
            lp.problem,
            Rule(
                name=lp.name("source", k.id),
                family="funding_amount",
                ids=lp.ids(k.id),
                text=lp.label(_amount_text(k)),
                sense="<=",
                rhs=0.0 if variable else float(amount),
                unit="£1,000 more",
                step=1000.0,
                weight=2.0 * money_weight(lp.instance),
                relax=f"each extra £1,000 of {k.name}",
                year=lp.year or None,
                carry=0.0 if k.ring_fenced or variable else -lp.discount,
                moves=() if k.ring_fenced or variable else ((lp.name("council_cap"), 1.0),),
            ),
            pulp.lpSum(v for (kid, _), v in lp.pay.items() if kid == k.id)
            - (amount if variable else 0.0),
        )


def _amount_text(k: FundingSource) -> str:
    if k.total_gbp is not None:
        return f"{k.name}: at most £{k.amount_gbp:,.0f} this year of its total"
    return f"{k.name}: £{k.amount_gbp:,.0f} a year"


def _add_council_cap(lp: StaffingLp) -> None:
    """N <= cap, the council's net contribution (each year's N against that year's cap)."""
    cap = lp.instance.council_budget_cap_gbp
    if cap is None:
        return
    lp.book.add(
        lp.problem,
        Rule(
            name=lp.name("council_cap"),
            family="council_cap",
            ids=lp.ids("council"),
            text=lp.label(f"the council's net contribution of at most £{cap:,.0f}"),
            sense="<=",
            rhs=cap,
            unit="£1,000 more",
            step=1000.0,
            weight=money_weight(lp.instance),
            relax="each extra £1,000 on the council's cap",
            year=lp.year or None,
        ),
        lp.year_net(),
    )


def money_weight(instance: StaffingInstance) -> float:
    """Elastic price of £1 relative to one FTE: 1 / the mean specialist cost per FTE."""
    costs = [g.cost_per_fte_gbp for g in instance.staff_groups if g.role is Role.SPECIALIST]
    mean = sum(costs) / len(costs) if costs else 50_000.0
    return 1.0 / max(mean, 1.0)
