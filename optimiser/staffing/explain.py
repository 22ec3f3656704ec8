"""The diagnosis of an infeasible instance: which rules that may bend conflict, and how far.

Only rules a diagnosis may relax get elastic slack (statutory minimums are fixed unless the
instance says otherwise, `fixed_rules` / `relaxable_rules`). When no plan meets the fixed rules
alone, the diagnosis says so and names the fixed rules in conflict, from a second elastic
model in which every rule may bend. Each repair is stated in the rule's own unit, no further
than the rule can move (a ratio never below zero), with the rule's year where it has one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pulp

from optimiser.core.options import SolveOptions
from optimiser.core.rules import EVERY_RULE, Rule, RuleBook
from optimiser.staffing import backend as pulp_backend
from optimiser.staffing import model
from optimiser.staffing.extract import val
from optimiser.staffing.schema import CATEGORY_LABEL, Category, StaffingInstance, can_deploy
from optimiser.staffing.solution import Conflict, Diagnosis
from optimiser.staffing.wording import clamp, opening, relaxation

log = logging.getLogger(__name__)

MAX_ALONE_SOLVES = 200
MAX_REPORTED = 10
TRACE = 0.01  # of a step: 0.0001 of the admin ratio, 0.01 FTE or percentage point, £10
MAX_TRACE_ROUNDS = 3


def diagnose(instance: StaffingInstance, options: SolveOptions) -> Diagnosis:
    """Which rules conflict and the smallest change to each that restores feasibility.

    The elastic model gives every rule that may bend a priced slack and minimises their
    weighted sum: the rules with slack are the cheapest joint repair. Then each such rule is
    relaxed alone, the others held: those that can restore feasibility by themselves are
    reported with the smallest change that does. Joint-repair rules come first, then
    single-rule repairs, smallest first. When the rules that may bend cannot restore
    feasibility, the conflict is among fixed rules: the diagnosis says so and names them.
    """
    joint = _elastic(instance, options, None)
    if joint is None:
        return _among_fixed(instance, options)
    lp, moved = joint
    keys = [k for k in dict.fromkeys(r.key for r in lp.book.rules.values()) if k in _bendable(lp)]
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
        f"The cheapest joint repair relaxes {_count(len(moved))} ({', '.join(moved)}); "
        f"{_count(fixers)} could restore feasibility alone"
    )
    if len(chosen) > MAX_REPORTED:
        summary += f"; the {MAX_REPORTED} smallest repairs are listed"
    return Diagnosis(summary=summary + _fixed_note(lp) + ".", conflicts=conflicts)


def _count(n: int) -> str:
    return f"{n} rule" if n == 1 else f"{n} rules"


def _book(instance: StaffingInstance, only: frozenset[str] | None, bend_all: bool) -> RuleBook:
    """An elastic rule book with the instance's word on which rules may bend."""
    fixed = frozenset() if bend_all else frozenset(instance.fixed_rules)
    bendable = frozenset({EVERY_RULE}) if bend_all else frozenset(instance.relaxable_rules)
    return RuleBook(elastic=True, only=only, fixed=fixed, bendable=bendable)


def _bendable(lp: model.StaffingLp) -> set[str]:
    return {r.key for r in lp.book.rules.values() if lp.book.may_relax(r)}


def _fixed_note(lp: model.StaffingLp) -> str:
    held = sorted({r.key for r in lp.book.rules.values() if not lp.book.may_relax(r)})
    if not held:
        return ""
    return f"; {_count(len(held))} may not be relaxed and {'is' if len(held) == 1 else 'are'} held"


def _among_fixed(instance: StaffingInstance, options: SolveOptions) -> Diagnosis:
    """No relaxation of the rules that may bend helps: name the fixed rules in conflict."""
    every = _elastic(instance, options, None, bend_all=True)
    if every is None:
        return Diagnosis(
            summary="The elastic model could not be solved; no diagnosis.", conflicts=[]
        )
    lp, moved = every
    fixed = [k for k in moved if k not in _bendable_by_instance(instance, lp)]
    conflicts = [_conflict(instance, lp, k, moved[k], None) for k in fixed[:MAX_REPORTED]]
    summary = (
        "The conflict is among rules that may not be relaxed (statutory minimums and rules "
        "the instance marks fixed): relaxing every rule that may bend cannot restore "
        f"feasibility; the cheapest repair would change {_count(len(fixed))} of the fixed "
        f"rules ({', '.join(fixed)})."
    )
    return Diagnosis(summary=summary, conflicts=conflicts, among_fixed=True)


def _bendable_by_instance(instance: StaffingInstance, lp: model.StaffingLp) -> set[str]:
    book = _book(instance, None, bend_all=False)
    return {r.key for r in lp.book.rules.values() if book.may_relax(r)}


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
    fixed = not _book(instance, None, bend_all=False).may_relax(rule)
    return Conflict(
        rule=key,
        family=rule.family,
        ids=sorted({i for r in members for i in r.ids}),
        text=rule.text,
        year=rule.year,
        relaxable=not fixed,
        change_in_combined_repair=round(clamp(change, rule), 4),
        change_alone=None if change_alone is None else round(clamp(change_alone, rule), 4),
        unit=rule.unit,
        sentence=_conflict_sentence(instance, lp, rule, change, change_alone, fixed=fixed),
    )


def _elastic(
    instance: StaffingInstance,
    options: SolveOptions,
    only: frozenset[str] | None,
    bend_all: bool = False,
) -> tuple[model.StaffingLp, dict[str, float]] | None:
    """Solve the elastic model; return it with each relaxed rule key's change in steps. A
    joint repair (`only` None) comes without its traces (_without_traces)."""
    lp = model.build(instance, _book(instance, only, bend_all))
    if not lp.book.slacks:
        return None
    lp.problem.setObjective(
        pulp.lpSum(lp.book.rules[n].weight * s for n, s in lp.book.slacks.items())
    )
    if not pulp_backend.run(lp.problem, options).status.has_solution:
        return None
    moved = _moved(lp)
    return lp, moved if only is not None else _without_traces(lp, options, moved)


def _moved(lp: model.StaffingLp) -> dict[str, float]:
    """Each relaxed rule key's change in steps, from the solved elastic model.

    Rules sharing a key share one parameter (the admin ratio on each function): relaxing it
    by d steps relaxes every row by d, so the key's change is the largest of its rows'.
    """
    moved: dict[str, float] = {}
    for name, slack in lp.book.slacks.items():
        amount = val(slack)
        if amount > 1e-6:
            rule = lp.book.rules[name]
            step = val(rule.step)
            steps = amount / step if step > 1e-9 else amount
            moved[rule.key] = max(moved.get(rule.key, 0.0), steps)
    return moved


def _without_traces(
    lp: model.StaffingLp, options: SolveOptions, moved: dict[str, float]
) -> dict[str, float]:
    """The joint repair without relaxations of less than TRACE of a step, when the plan is
    still possible without them: their slack is held at zero and the model solved again.

    Such a trace (0.000049 off an admin ratio of 0.3) is no change a person would make. It is
    what a solve stopped at the MIP's relative gap leaves (an incumbent within 0.01% of the
    cheapest repair, which relaxes one rule fewer), or the cheapest way in the slack's
    weights past a whole step of releasing staff. Dropped, the repair moves the rules left
    (the council's cap £2 more). A trace the re-check cannot do without is kept: it is needed.
    """
    for _ in range(MAX_TRACE_ROUNDS):
        traces = {key for key, steps in moved.items() if steps < TRACE}
        held = [s for n, s in lp.book.slacks.items() if lp.book.rules[n].key in traces]
        if not held:
            break
        for slack in held:
            slack.upBound = 0.0
        if not pulp_backend.run(lp.problem, options).status.has_solution:
            for slack in held:
                slack.upBound = None
            pulp_backend.run(lp.problem, options)  # the repair with the needed traces
            return _moved(lp)
        moved = _moved(lp)
    return moved


def _conflict_sentence(
    instance: StaffingInstance,
    lp: model.StaffingLp,
    rule: Rule,
    change: float,
    alone: float | None,
    *,
    fixed: bool,
) -> str:
    if fixed:
        alone_text = "it may not be relaxed"
    elif alone is None:
        alone_text = "relaxing it alone cannot restore feasibility"
    else:
        alone_text = f"relaxed alone it needs {relaxation(alone, rule)}"
    verb = "would have to relax" if fixed else "relaxes"
    joint = (
        f"the cheapest joint repair {verb} it by {relaxation(change, rule)}; " if change > 0 else ""
    )
    detail = _DETAIL.get(rule.family, _no_detail)(instance, lp, rule)
    return opening(rule, f"{rule.text}: {joint}{alone_text}.{detail}")


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
        f" At {band.min_share:.0%} of the {deployed:.1f} specialist FTE deployed in the joint "
        f"repair, {CATEGORY_LABEL[category]} work needs {needed:.1f} FTE{skill_text}; "
        f"{staff:.1f} FTE have it{room_text}."
    )


_DETAIL: dict[str, Callable[[StaffingInstance, model.StaffingLp, Rule], str]] = {
    "band_min": _band_detail
}
