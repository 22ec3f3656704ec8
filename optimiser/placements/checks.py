"""Cross-entity checks of a placement instance that need no solver; every problem at once."""

from __future__ import annotations

from optimiser.core.errors import ProblemList, duplicate_ids
from optimiser.core.schema import UPN
from optimiser.placements.locks import check_locks
from optimiser.placements.schema import PlacementInstance, Provider


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
    check_locks(problems, instance, providers)
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
        elif (places := providers[o.provider].places) is not None and o.places_used > places:
            problems.add(
                f"offers[{i}].places_used",
                "uses more places than the provider has",
                o.provider,
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
