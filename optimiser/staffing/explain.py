"""Binding rules with their shadow prices, and the diagnosis of an infeasible instance."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pulp

from optimiser.core.options import SolveOptions
from optimiser.core.rules import Rule, RuleBook
from optimiser.staffing import backend as pulp_backend
from optimiser.staffing import model
from optimiser.staffing.extract import val
from optimiser.staffing.schema import CATEGORY_LABEL, Category, StaffingInstance, can_deploy
from optimiser.staffing.solution import BindingRule, Conflict, Diagnosis

log = logging.getLogger(__name__)

MAX_ALONE_SOLVES = 200
MAX_REPORTED = 10


def binding_rules(lp: model.StaffingLp, with_prices: bool) -> list[BindingRule]:
    """Every rule that holds with no room, grouped by key, with its price per step of relaxing.

    PuLP's `pi` is d(objective)/d(rhs) for both HiGHS and CBC; relaxing a `>=` rule lowers its
    right-hand side by one step, relaxing a `<=` rule raises it.
    """
    groups: dict[str, list[tuple[Rule, Any]]] = defaultdict(list)
    for name, rule in lp.book.rules.items():
        constraint = lp.problem.get_constraint_by_name(name)
        if constraint is not None:  # rules that no plan can break have no row
            groups[rule.key].append((rule, constraint))
    out = []
    for key, members in groups.items():
        binding = [(r, c) for r, c in members if _binds(r, c)]
        if not binding:
            continue
        first = binding[0][0]
        price = None
        if with_prices:
            price = sum(
                (c.pi or 0.0) * val(r.step) * (-1 if r.sense == ">=" else 1) for r, c in members
            )
        ids = sorted({i for r, _ in binding for i in r.ids})
        out.append(
            BindingRule(
                rule=key,
                family=first.family,
                ids=ids,
                text=first.text,
                shadow_price_gbp=None if price is None else round(price, 2),
                unit=first.unit,
                sentence=_sentence(first, price),
            )
        )
    return sorted(out, key=lambda b: (b.shadow_price_gbp or 0.0, b.rule))


def _binds(rule: Rule, constraint: Any) -> bool:
    slack = val(constraint)  # lhs - rhs, with the constant folded in
    return abs(slack) <= 1e-6 * max(1.0, abs(rule.rhs))


def _sentence(rule: Rule, price: float | None) -> str:
    if price is None:
        return f"{rule.text} binds (no shadow price: whole-post plans have no duals)."
    relax = rule.relax[:1].upper() + rule.relax[1:]
    if price < -0.5:
        return f"{relax} would lower the council's net cost by £{-price:,.0f} a year."
    if price > 0.5:
        return f"{relax} would raise the council's net cost by £{price:,.0f} a year."
    return f"{rule.text} binds, but relaxing it a little would not change the council's net cost."


def diagnose(instance: StaffingInstance, options: SolveOptions) -> Diagnosis:
    """Which rules conflict and the smallest change to each that restores feasibility.

    The elastic model gives every rule a priced slack and minimises their weighted sum: the
    rules with slack are the cheapest joint repair. Then each rule is relaxed alone, the others
    held: those that can restore feasibility by themselves are reported with the smallest
    change that does. Joint-repair rules come first, then single-rule repairs, smallest first.
    """
    joint = _elastic(instance, options, None)
    if joint is None:
        return Diagnosis(
            summary="the elastic model could not be solved; no diagnosis", conflicts=[]
        )
    lp, moved = joint
    keys = list(dict.fromkeys(r.key for r in lp.book.rules.values()))
    alone: dict[str, float | None] = {}
    for key in keys[:MAX_ALONE_SOLVES]:
        solved = _elastic(instance, options, frozenset({key}))
        alone[key] = None if solved is None else solved[1].get(key, 0.0)
    chosen = [k for k in keys if k in moved] + sorted(
        (k for k in keys if k not in moved and alone.get(k) is not None),
        key=lambda k: (alone[k] or 0.0) * _unit_weight(lp, k),
    )
    conflicts = [
        _conflict(instance, lp, k, moved.get(k, 0.0), alone.get(k)) for k in chosen[:MAX_REPORTED]
    ]
    fixers = sum(1 for k in keys if alone.get(k) is not None)
    summary = (
        f"no plan meets every rule; the cheapest joint repair relaxes {len(moved)} rule(s) "
        f"({', '.join(moved)}); {fixers} rule(s) could restore feasibility alone"
    )
    if len(chosen) > MAX_REPORTED:
        summary += f"; the {MAX_REPORTED} smallest repairs are listed"
    return Diagnosis(summary=summary, conflicts=conflicts)


def _unit_weight(lp: model.StaffingLp, key: str) -> float:
    rule = next(r for r in lp.book.rules.values() if r.key == key)
    return rule.weight * val(rule.step)


def _conflict(
    instance: StaffingInstance,
    lp: model.StaffingLp,
    key: str,
    change: float,
    change_alone: float | None,
) -> Conflict:
    members = [r for r in lp.book.rules.values() if r.key == key]
    rule = members[0]
    return Conflict(
        rule=key,
        family=rule.family,
        ids=sorted({i for r in members for i in r.ids}),
        text=rule.text,
        change_in_combined_repair=round(change, 4),
        change_alone=None if change_alone is None else round(change_alone, 4),
        unit=rule.unit,
        sentence=_conflict_sentence(instance, lp, rule, change, change_alone),
    )


def _elastic(
    instance: StaffingInstance, options: SolveOptions, only: frozenset[str] | None
) -> tuple[model.StaffingLp, dict[str, float]] | None:
    """Solve the elastic model; return it with each relaxed rule key's change in its unit."""
    lp = model.build(instance, RuleBook(elastic=True, only=only))
    lp.problem.setObjective(
        pulp.lpSum(lp.book.rules[n].weight * s for n, s in lp.book.slacks.items())
    )
    run = pulp_backend.run(lp.problem, options)
    if not run.status.has_solution:
        return None
    moved: dict[str, float] = defaultdict(float)
    for name, slack in lp.book.slacks.items():
        amount = val(slack)
        if amount > 1e-6:
            rule = lp.book.rules[name]
            step = val(rule.step)
            moved[rule.key] += amount / step if step > 1e-9 else amount
    return lp, dict(moved)


def _conflict_sentence(
    instance: StaffingInstance, lp: model.StaffingLp, rule: Rule, change: float, alone: float | None
) -> str:
    alone_text = (
        "relaxing it alone cannot restore feasibility"
        if alone is None
        else f"relaxed alone it needs {amount(alone, rule.unit)}"
    )
    joint = (
        f"the cheapest joint repair relaxes it by {amount(change, rule.unit)}; "
        if change > 0
        else ""
    )
    detail = _DETAIL.get(rule.family, _no_detail)(instance, lp, rule)
    return f"{rule.text}: {joint}{alone_text}.{detail}"


def amount(value: float, unit: str) -> str:
    """A relaxation in words: '16.7 percentage points', '£30,000 more', '0.80 FTE'."""
    if unit.startswith("£1,000"):
        return f"£{value * 1000:,.0f}" + (" more" if unit.endswith("more") else "")
    if unit == "percentage point":
        return f"{value:.1f} percentage points"
    if unit == "school buying in":
        return f"{value:.1f} more schools buying in"
    if unit.startswith("0.01 "):
        return f"{value / 100:.3f} {unit.removeprefix('0.01 ')} less"
    return f"{value:,.2f} {unit}"


def _no_detail(instance: StaffingInstance, lp: model.StaffingLp, rule: Rule) -> str:
    return ""


def _band_detail(instance: StaffingInstance, lp: model.StaffingLp, rule: Rule) -> str:
    """How many FTE the band needs against how many can work in the category at all."""
    category = Category(rule.ids[0])
    band = instance.band(category)
    if band is None:
        return ""
    needed = band.min_share * val(lp.total_specialist_fte())
    mine = [f for f in instance.functions if f.category is category]
    holders = [g for g in instance.specialists() if any(can_deploy(g, f) for f in mine)]
    staff = sum(g.fte_available for g in holders)
    caps = [f.effective_max_fte for f in mine]
    room = (
        sum(c for c in caps if c is not None) if all(c is not None for c in caps) else float("inf")
    )
    skills = sorted({f.required_skill for f in mine if f.required_skill})
    skill_text = f" with skill {', '.join(f'`{s}`' for s in skills)}" if skills else ""
    room_text = "" if room == float("inf") else f"; its functions take at most {room:.1f} FTE"
    deployed = val(lp.total_specialist_fte())
    return (
        f" {CATEGORY_LABEL[category]} share of at least {band.min_share:.0%} of the {deployed:.1f} "
        f"specialist FTE deployed in the joint repair needs {needed:.1f} FTE{skill_text}; "
        f"{staff:.1f} FTE have it{room_text}."
    )


_DETAIL: dict[str, Callable[[StaffingInstance, model.StaffingLp, Rule], str]] = {
    "band_min": _band_detail
}
