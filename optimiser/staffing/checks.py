"""Cross-entity checks of a staffing instance that need no solver; every problem at once."""

from __future__ import annotations

from optimiser.core.errors import ProblemList, duplicate_ids
from optimiser.staffing import model
from optimiser.staffing.checks_years import check_years
from optimiser.staffing.schema import Role, StaffingInstance


def check_staffing(instance: StaffingInstance) -> None:
    """Raise InstanceError listing every cross-entity problem of a staffing instance."""
    problems = ProblemList()
    duplicate_ids(problems, "staff_groups", (g.id for g in instance.staff_groups))
    duplicate_ids(problems, "functions", (f.id for f in instance.functions))
    duplicate_ids(problems, "funding_sources", (s.id for s in instance.funding_sources))
    duplicate_ids(problems, "bands", (b.category.value for b in instance.bands))
    _check_references(problems, instance)
    _check_bands(problems, instance)
    check_years(problems, instance)
    if not problems.items:  # the model is built only from an instance that is otherwise sound
        _check_rule_names(problems, instance)
    problems.raise_if_any()


def _check_references(problems: ProblemList, instance: StaffingInstance) -> None:
    function_ids = {f.id for f in instance.functions}
    for i, source in enumerate(instance.funding_sources):
        unknown = sorted(set(source.functions) - function_ids)
        if unknown:
            problems.add(
                f"funding_sources[{i}].functions",
                "refers to unknown function ids",
                source.id,
                *unknown,
            )
    skills = {s for g in instance.staff_groups if g.role is Role.SPECIALIST for s in g.skills}
    for i, function in enumerate(instance.functions):
        if function.required_skill is not None and function.required_skill not in skills:
            problems.add(
                f"functions[{i}].required_skill",
                "no specialist staff group has this skill",
                function.id,
                function.required_skill,
            )


def _check_bands(problems: ProblemList, instance: StaffingInstance) -> None:
    if sum(b.min_share for b in instance.bands) > 1 + 1e-9:
        problems.add(
            "bands",
            "minimum shares add up to more than 100%",
            *(b.category.value for b in instance.bands),
        )
    if len(instance.bands) == 3 and sum(b.max_share for b in instance.bands) < 1 - 1e-9:
        problems.add(
            "bands",
            "maximum shares add up to less than 100%",
            *(b.category.value for b in instance.bands),
        )


def _check_rule_names(problems: ProblemList, instance: StaffingInstance) -> None:
    """Each name in fixed_rules / relaxable_rules is a rule, a rule key or a family of this
    instance's model, and no name is in both lists (the model is built only when they are
    given)."""
    if not instance.fixed_rules and not instance.relaxable_rules:
        return
    book = model.build(instance).book
    known = {n for r in book.rules.values() for n in (r.name, r.key, r.family)}
    both = set(instance.fixed_rules) & set(instance.relaxable_rules)
    for field in ("fixed_rules", "relaxable_rules"):
        for i, name in enumerate(getattr(instance, field)):
            if name not in known:
                problems.add(
                    f"{field}[{i}]",
                    "names no rule of this instance: use a rule name from a solution's binding "
                    "rules or diagnosis (min_fte_<function id>, council_cap, ...) or a family "
                    "(function_min, band_max, ...)",
                )
            elif name in both:
                problems.add(f"{field}[{i}]", "is in both fixed_rules and relaxable_rules")
