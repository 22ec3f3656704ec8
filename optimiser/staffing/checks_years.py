"""Cross-entity checks of a plan over years, and of the money rules that any plan may use:
every year's changes name known ids, flows need years, share tiers are well ordered."""

from __future__ import annotations

from optimiser.core.errors import ProblemList, duplicate_ids
from optimiser.staffing.horizon import year_views
from optimiser.staffing.schema import StaffingInstance

_TRADED = ("take_up_share", "price_per_school_gbp", "schools_in_scope")


def check_years(problems: ProblemList, instance: StaffingInstance) -> None:
    """Add every problem of the years list and the fields that need it."""
    _check_needs_years(problems, instance)
    _check_tiers(problems, instance)
    _check_grant_caps(problems, instance)
    if not instance.horizon:
        return
    duplicate_ids(problems, "years", (y.id for y in instance.years))
    year_ids = {y.id for y in instance.years}
    for i, k in enumerate(instance.funding_sources):
        unknown = sorted(set(k.years) - year_ids)
        if unknown:
            problems.add(f"funding_sources[{i}].years", "refers to unknown years", k.id, *unknown)
        first = {d.id for d in instance.years[0].drivers}
        if k.driver is not None and k.driver not in first:
            problems.add(
                f"funding_sources[{i}].driver",
                "the driver needs a value in the first year",
                k.id,
                k.driver,
            )
    for i in range(len(instance.years)):
        _check_year_refs(problems, instance, i)
    if not problems.items:
        _check_views(problems, instance)


def _check_needs_years(problems: ProblemList, instance: StaffingInstance) -> None:
    if instance.horizon:
        return
    for i, g in enumerate(instance.staff_groups):
        flows = (
            g.hire_cost_per_fte_gbp is not None,
            g.turnover_share > 0,
            g.max_change_fte is not None,
            g.vacancy_share > 0,
        )
        if any(flows):
            problems.add(
                f"staff_groups[{i}]",
                "hires, turnover, most change a year and vacancy need a `years` list",
                g.id,
            )
    for i, k in enumerate(instance.funding_sources):
        if k.driver is not None or k.years or k.total_gbp is not None:
            problems.add(
                f"funding_sources[{i}]",
                "a driver, a list of years or a total over years needs a `years` list",
                k.id,
            )


def _check_tiers(problems: ProblemList, instance: StaffingInstance) -> None:
    """Tier limits rise, only the last is open, and the council's share never rises (so the
    best plan fills the tiers in order and the model stays linear)."""
    tiers = instance.traded_surplus_share
    for b, tier in enumerate(tiers):
        last = b == len(tiers) - 1
        if (tier.up_to_gbp is None) != last:
            problems.add(
                f"traded_surplus_share[{b}].up_to_gbp", "only the last tier has no upper limit"
            )
        if b > 0:
            before = tiers[b - 1]
            if tier.council_share > before.council_share:
                problems.add(
                    f"traded_surplus_share[{b}].council_share",
                    "the council's share must not rise from one tier to the next",
                )
            if None not in (tier.up_to_gbp, before.up_to_gbp) and (tier.up_to_gbp or 0.0) <= (
                before.up_to_gbp or 0.0
            ):
                problems.add(f"traded_surplus_share[{b}].up_to_gbp", "tier limits must rise")


def _check_grant_caps(problems: ProblemList, instance: StaffingInstance) -> None:
    functions = {f.id: f for f in instance.functions}
    for i, k in enumerate(instance.funding_sources):
        for j, cap in enumerate(k.fte_caps):
            f = functions.get(cap.function)
            if f is None or not instance.pays_for(k, f):
                problems.add(
                    f"funding_sources[{i}].fte_caps[{j}].function",
                    "not a function this source pays for",
                    k.id,
                    cap.function,
                )


def _check_year_refs(problems: ProblemList, instance: StaffingInstance, i: int) -> None:
    year = instance.years[i]
    sources = {k.id for k in instance.funding_sources}
    functions = {f.id: f for f in instance.functions}
    for j, a in enumerate(year.funding):
        if a.id not in sources:
            problems.add(f"years[{i}].funding[{j}].id", "unknown funding source", year.id, a.id)
    duplicate_ids(problems, f"years[{i}].bands", (b.category for b in year.bands))
    for j, change in enumerate(year.functions):
        f = functions.get(change.id)
        where = f"years[{i}].functions[{j}]"
        if f is None:
            problems.add(f"{where}.id", "unknown function", year.id, change.id)
            continue
        if change.cases is not None and f.demand is None:
            problems.add(f"{where}.cases", "the function has no demand to change", f.id)
        per_school = f.traded is not None and f.traded.income_per_fte_gbp is None
        if any(getattr(change, n) is not None for n in _TRADED) and not per_school:
            problems.add(f"{where}", "the function is not sold per school", f.id)
        per_fte = f.traded is not None and f.traded.income_per_fte_gbp is not None
        if change.income_per_fte_gbp is not None and not per_fte:
            problems.add(f"{where}.income_per_fte_gbp", "the function is not sold per FTE", f.id)


def _check_views(problems: ProblemList, instance: StaffingInstance) -> None:
    """Each year's figures as a whole: minimums within maximums, bands that can hold."""
    for i, view in enumerate(year_views(instance)):
        for f in view.instance.functions:
            cap = f.effective_max_fte
            if cap is not None and f.required_min_fte > cap + 1e-9:
                problems.add(
                    f"years[{i}].functions",
                    "the minimum FTE (or demand-driven minimum) exceeds the maximum this year",
                    view.id,
                    f.id,
                )
        bands = view.instance.bands
        if sum(b.min_share for b in bands) > 1 + 1e-9:
            problems.add(f"years[{i}].bands", "minimum shares add up to more than 100%", view.id)
