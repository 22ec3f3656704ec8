"""A plan over years read back year by year, and the first year an infeasible plan fails."""

from __future__ import annotations

from collections.abc import Callable

from optimiser.core.options import SolveOptions
from optimiser.staffing import extract, model
from optimiser.staffing.explain import diagnose
from optimiser.staffing.schema import StaffingInstance
from optimiser.staffing.solution import BindingRule, StaffingSolution, YearResult

Feasible = Callable[[StaffingInstance], bool]


def horizon_plan(
    lp: model.StaffingLp, base: StaffingSolution, binding: list[BindingRule]
) -> StaffingSolution:
    """Each year's plan (establishment and flows carried from the year before), the total
    net cost over the years and the discounted total (the objective)."""
    years, before = [], None
    for block in lp.years:
        rows = extract.functions(block)
        groups = extract.groups(block, before)
        years.append(
            YearResult(
                year=block.year,
                discount_factor=round(block.discount, 6),
                net_cost_gbp=round(extract.val(block.year_net()), 2),
                deployments=extract.deployments(block),
                groups=groups,
                functions=rows,
                categories=extract.categories(block, rows),
                ledger=extract.ledger(block),
                sources=extract.sources(block),
                traded_share=extract.traded_share(block),
                council=extract.council(block),
                binding_rules=[b for b in binding if block.year in b.ids],
            )
        )
        before = {g.id: extract.val(block.retained[g.id]) for g in block.instance.staff_groups}
    return base.model_copy(
        update={
            "net_cost_gbp": round(sum(y.net_cost_gbp for y in years), 2),
            "discounted_net_cost_gbp": round(extract.val(lp.net_cost()), 2),
            "strategic_value": round(extract.val(lp.strategic_value()), 4),
            "years": years,
            "binding_rules": binding,
        }
    )


def first_infeasible(instance: StaffingInstance, feasible: Feasible) -> int:
    """The number of years after which no plan meets every rule (the shortest infeasible
    prefix of the horizon; the whole horizon is known to be infeasible)."""
    for count in range(1, len(instance.years)):
        if not feasible(instance.model_copy(update={"years": instance.years[:count]})):
            return count
    return len(instance.years)


def infeasible_horizon(
    instance: StaffingInstance, base: StaffingSolution, options: SolveOptions, feasible: Feasible
) -> StaffingSolution:
    """The first year from which no plan meets every rule, and the diagnosis of the plan up to
    that year (its rules name their year)."""
    count = first_infeasible(instance, feasible)
    year = instance.years[count - 1].id
    prefix = instance.model_copy(update={"years": instance.years[:count]})
    diagnosis = diagnose(prefix, options) if options.diagnose else None
    if diagnosis is not None:
        summary = f"from {year}: {diagnosis.summary}"
        diagnosis = diagnosis.model_copy(update={"summary": summary})
    return base.model_copy(update={"first_infeasible_year": year, "diagnosis": diagnosis})
