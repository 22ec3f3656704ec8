"""Cross-entity checks that need no solver. Each reports every problem it finds."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from optimiser.errors import ProblemList
from optimiser.schema.placements import PlacementInstance, Provider
from optimiser.schema.staffing import Role, StaffingInstance

# A unique pupil number: a check letter, 11 digits, then a digit or letter (DfE format).
UPN = re.compile(r"[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]")


def duplicate_ids(problems: ProblemList, path: str, ids: Iterable[str]) -> None:
    """Report each id that appears more than once in one list, and ids that differ only by
    '.', '-' and '_' (they would share a name in a written model)."""
    listed = list(ids)
    counts = Counter(listed)
    dupes = sorted(i for i, n in counts.items() if n > 1)
    if dupes:
        problems.add(path, "duplicate ids", *dupes)
    folded: dict[str, set[str]] = {}
    for i in counts:
        folded.setdefault(i.replace("-", "_").replace(".", "_"), set()).add(i)
    for clash in sorted(sorted(v) for v in folded.values() if len(v) > 1):
        problems.add(path, "ids differ only by '.', '-' or '_'", *clash)


def check_staffing(instance: StaffingInstance) -> None:
    """Raise InstanceError listing every cross-entity problem of a staffing instance."""
    problems = ProblemList()
    duplicate_ids(problems, "staff_groups", (g.id for g in instance.staff_groups))
    duplicate_ids(problems, "functions", (f.id for f in instance.functions))
    duplicate_ids(problems, "funding_sources", (s.id for s in instance.funding_sources))
    duplicate_ids(problems, "bands", (b.category.value for b in instance.bands))
    _check_references(problems, instance)
    _check_bands(problems, instance)
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


def check_placements(instance: PlacementInstance) -> None:
    """Raise InstanceError listing every cross-entity problem of a placement instance."""
    problems = ProblemList()
    duplicate_ids(problems, "lots", (lot.id for lot in instance.lots))
    duplicate_ids(problems, "providers", (p.id for p in instance.providers))
    _duplicate_references(problems, instance)
    upn_like = [i for i, r in enumerate(instance.referrals) if UPN.fullmatch(r.reference)]
    for i in upn_like:  # the reference itself is not repeated: it may be a real pupil number
        problems.add(
            f"referrals[{i}].reference",
            "looks like a unique pupil number; use a pseudonymous reference",
        )
    lots = {lot.id for lot in instance.lots}
    providers = {p.id: p for p in instance.providers}
    for i, p in enumerate(instance.providers):
        unknown = sorted({pl.lot for pl in p.lots} - lots)
        if unknown:
            problems.add(f"providers[{i}].lots", "refers to unknown lot ids", p.id, *unknown)
    for i, r in enumerate(instance.referrals):
        unknown = sorted(set(r.lots) - lots)
        if unknown:
            problems.add(f"referrals[{i}].lots", "refers to unknown lot ids", *unknown)
        if r.current_provider is not None and r.current_provider not in providers:
            problems.add(
                f"referrals[{i}].current_provider",
                "refers to an unknown provider",
                r.current_provider,
            )
    _check_offers(problems, instance, providers)
    problems.raise_if_any()


def _check_offers(
    problems: ProblemList, instance: PlacementInstance, providers: dict[str, Provider]
) -> None:
    references = {r.reference for r in instance.referrals}
    seen: set[tuple[str, str, str]] = set()
    for i, o in enumerate(instance.offers):
        key = (o.reference, o.provider, o.lot)
        if key in seen:
            problems.add(
                f"offers[{i}]",
                "duplicate offer for the same referral, provider and lot",
                o.provider,
                o.lot,
            )
        seen.add(key)
        if o.reference not in references:
            problems.add(f"offers[{i}].reference", "refers to an unknown referral")
        if o.provider not in providers:
            problems.add(f"offers[{i}].provider", "refers to an unknown provider", o.provider)
        elif o.lot not in {pl.lot for pl in providers[o.provider].lots}:
            problems.add(
                f"offers[{i}].lot", "the provider is not approved for this lot", o.provider, o.lot
            )


def _duplicate_references(problems: ProblemList, instance: PlacementInstance) -> None:
    """Duplicate referral references, by position: references are never repeated in errors."""
    first: dict[str, int] = {}
    for i, r in enumerate(instance.referrals):
        if r.reference in first:
            problems.add(
                f"referrals[{i}].reference",
                f"repeats the reference of referrals[{first[r.reference]}]",
            )
        else:
            first[r.reference] = i


def check_instance(instance: StaffingInstance | PlacementInstance) -> None:
    """The cross-entity checks of an instance of either kind."""
    if isinstance(instance, StaffingInstance):
        check_staffing(instance)
    else:
        check_placements(instance)
