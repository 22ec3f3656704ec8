"""A staffing plan over years as the result page shows it: a row a year (establishment, hires,
releases, shares against that year's bands, the council's net against its cap), the
establishment of each staff group and each funding source year by year, a chart of each
year's shares against its bands, and each year's binding rules and deployment. Figures are
the engine's; the page only adds them up across groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from api.web import charts
from optimiser import CATEGORY_LABEL, StaffingInstance, StaffingSolution


@dataclass(frozen=True)
class YearRow:
    """One year of the plan, in the year-by-year table."""

    year: Any  # the engine's YearResult
    establishment_fte: float  # retained FTE over every group
    hired_fte: float
    released_fte: float
    one_off_gbp: float  # hire and release costs charged in the year
    categories: list[tuple[str, Any]]  # each category's label and CategoryResult
    priced: list[Any]  # BindingRules with a price, the costliest first
    free: list[Any]  # BindingRules binding at no marginal cost
    unpriced: list[Any]  # BindingRules without a price (whole posts: no duals)
    by_category: list[tuple[str, Any, list[Any]]]  # each category's functions (by_category)


@dataclass(frozen=True)
class Line:
    """A row of a year-by-year table: a name, then one cell per year."""

    name: str
    start: float | None
    cells: list[tuple[float, float, float]]  # per year: a figure and two more (see template)


def by_category(categories: list[Any], functions: list[Any]) -> list[tuple[str, Any, list[Any]]]:
    """Each category's label, its CategoryResult and its functions' FunctionResults."""
    return [
        (CATEGORY_LABEL[c.category], c, [f for f in functions if f.category == c.category])
        for c in categories
    ]


def shares_chart(solution: StaffingSolution) -> Markup:
    """The chart of each year's category shares against that year's bands."""
    shares = [charts.YearShares(y.year, y.categories) for y in solution.years]
    return charts.shares_by_year(shares, CATEGORY_LABEL)


def year_rows(solution: StaffingSolution) -> list[YearRow]:
    """A row a year."""
    rows = []
    for y in solution.years:
        priced = [b for b in y.binding_rules if b.shadow_price_gbp]
        rows.append(
            YearRow(
                year=y,
                establishment_fte=sum(g.retained_fte for g in y.groups),
                hired_fte=sum(g.hired_fte for g in y.groups),
                released_fte=sum(g.released_fte for g in y.groups),
                one_off_gbp=sum(g.hire_cost_gbp + g.release_cost_gbp for g in y.groups),
                categories=[(CATEGORY_LABEL[c.category], c) for c in y.categories],
                priced=sorted(priced, key=lambda b: -abs(b.shadow_price_gbp or 0.0)),
                free=[b for b in y.binding_rules if b.shadow_price_gbp == 0],
                unpriced=[b for b in y.binding_rules if b.shadow_price_gbp is None],
                by_category=by_category(y.categories, y.functions),
            )
        )
    return rows


def establishment(instance: StaffingInstance, solution: StaffingSolution) -> list[Line]:
    """Each staff group: FTE available at the start, then each year's retained, hired and
    released FTE."""
    lines = []
    for g in instance.staff_groups:
        cells = []
        for y in solution.years:
            use = next((u for u in y.groups if u.group == g.id), None)
            if use is not None:
                cells.append((use.retained_fte, use.hired_fte, use.released_fte))
        lines.append(Line(g.name, g.fte_available, cells))
    return lines


def funding(instance: StaffingInstance, solution: StaffingSolution) -> list[Line]:
    """Each funding source: each year's amount available and used (the third figure unused)."""
    lines = []
    for k in instance.funding_sources:
        cells = []
        for y in solution.years:
            use = next((s for s in y.sources if s.source == k.id), None)
            if use is not None:
                cells.append((use.available_gbp, use.used_gbp, 0.0))
        lines.append(Line(k.name, None, cells))
    return lines


def changes(before: StaffingSolution, after: StaffingSolution) -> list[tuple[str, float, float]]:
    """Each year's council net cost in both plans, for the years both have."""
    old = {y.year: y.net_cost_gbp for y in before.years}
    return [(y.year, old[y.year], y.net_cost_gbp) for y in after.years if y.year in old]
