"""Binding rules with their shadow prices, and the diagnosis of an infeasible instance."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pulp

from optimiser.backends import pulp_backend
from optimiser.models import staffing as model
from optimiser.models.rules import Rule, RuleBook
from optimiser.models.staffing_extract import val
from optimiser.options import SolveOptions
from optimiser.schema.staffing import CATEGORY_LABEL, Category, StaffingInstance, can_deploy
from optimiser.schema.staffing_solution import BindingRule, Conflict, Diagnosis

log = logging.getLogger(__name__)

MAX_ALONE_SOLVES = 12


def binding_rules(lp: model.StaffingLp, with_prices: bool) -> list[BindingRule]:
    """Every rule that holds with no room, grouped by key, with its price per step of relaxing.

    PuLP's `pi` is d(objective)/d(rhs) for both HiGHS and CBC; relaxing a `>=` rule lowers its
    right-hand side by one step, relaxing a `<=` rule raises it.
    """
    groups: dict[str, list[tuple[Rule, Any]]] = defaultdict(list)
    for name, rule in lp.book.rules.items():
        groups[rule.key].append((rule, lp.problem.constraints[name]))
    out = []
    for key, members in groups.items():
        binding = [(r, c) for r, c in members if _binds(r, c)]
        if not binding:
            continue
        first = binding[0][0]
        price = None
        if with_prices:
            price = sum((c.pi or 0.0) * val(r.step) * (-1 if r.sense == ">=" else 1) for r, c in members)
        ids = sorted({i for r, _ in binding for i in r.ids})
        out.append(BindingRule(
            rule=key, family=first.family, ids=ids, text=first.text,
            shadow_price_gbp=None if price is None else round(price, 2), unit=first.unit,
            sentence=_sentence(first, price),
        ))
    return sorted(out, key=lambda b: (b.shadow_price_gbp or 0.0, b.rule))


def _binds(rule: Rule, constraint: Any) -> bool:
    slack = val(constraint)  # lhs - rhs, with the constant folded in
    return abs(slack) <= 1e-6 * max(1.0, abs(rule.rhs))


def _sentence(rule: Rule, price: float | None) -> str:
    if price is None:
        return f"{rule.text} binds (no shadow price: whole-post plans have no duals)."
    if price < -0.5:
        return f"{rule.relax} would lower the council's net cost by £{-price:,.0f} a year."
    if price > 0.5:
        return f"{rule.relax} would raise the council's net cost by £{price:,.0f} a year."
    return f"{rule.text} binds, but relaxing it a little would not change the council's net cost."


def diagnose(instance: StaffingInstance, options: SolveOptions) -> Diagnosis:
    """Which rules conflict and the smallest change to each that restores feasibility.

    The elastic model gives every rule a priced slack and minimises their weighted sum: the
    rules with slack are the cheapest joint repair. Each of them is then relaxed alone, the
    others held, to find the smallest change to it alone (or that it cannot restore feasibility).
    """
    joint = _elastic(instance, options, None)
    if joint is None:
        return Diagnosis(summary="the elastic model could not be solved; no diagnosis", conflicts=[])
    lp, moved = joint
    conflicts = []
    for key, change in list(moved.items())[:MAX_ALONE_SOLVES]:
        alone = _elastic(instance, options, frozenset({key}))
        change_alone = alone[1].get(key, 0.0) if alone is not None else None
        rule = next(r for r in lp.book.rules.values() if r.key == key)
        conflicts.append(Conflict(
            rule=key, family=rule.family, ids=sorted({i for r in lp.book.rules.values() if r.key == key for i in r.ids}),
            text=rule.text, change_in_combined_repair=round(change, 4),
            change_alone=None if change_alone is None else round(change_alone, 4), unit=rule.unit,
            sentence=_conflict_sentence(instance, lp, rule, change, change_alone),
        ))
    names = ", ".join(c.rule for c in conflicts)
    return Diagnosis(summary=f"{len(conflicts)} rule(s) conflict: {names}", conflicts=conflicts)


def _elastic(instance: StaffingInstance, options: SolveOptions,
             only: frozenset[str] | None) -> tuple[model.StaffingLp, dict[str, float]] | None:
    """Solve the elastic model; return it with each relaxed rule key's change in its unit."""
    lp = model.build(instance, RuleBook(elastic=True, only=only))
    lp.problem.setObjective(pulp.lpSum(lp.book.rules[n].weight * s for n, s in lp.book.slacks.items()))
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


def _conflict_sentence(instance: StaffingInstance, lp: model.StaffingLp, rule: Rule,
                       change: float, alone: float | None) -> str:
    alone_text = (
        "relaxing it alone cannot restore feasibility" if alone is None
        else f"relaxed alone it needs {alone:,.2f} {rule.unit}"
    )
    detail = _DETAIL.get(rule.family, _no_detail)(instance, lp, rule)
    return f"{rule.text}: the cheapest repair relaxes it by {change:,.2f} {rule.unit}; {alone_text}.{detail}"


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
    room = sum(c for c in caps if c is not None) if all(c is not None for c in caps) else float("inf")
    skills = sorted({f.required_skill for f in mine if f.required_skill})
    skill_text = f" with skill {', '.join(f'`{s}`' for s in skills)}" if skills else ""
    room_text = "" if room == float("inf") else f"; its functions take at most {room:.1f} FTE"
    return (f" {CATEGORY_LABEL[category]} share of at least {band.min_share:.0%} needs {needed:.1f} FTE"
            f"{skill_text}; {staff:.1f} FTE have it{room_text}.")


_DETAIL: dict[str, Callable[[StaffingInstance, model.StaffingLp, Rule], str]] = {"band_min": _band_detail}
