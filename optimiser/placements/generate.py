"""Realistic, reproducible placement instances (the same seed gives the same instance).

Referrals cluster around towns in a 60 km square county; five DPS lots; day rates of £67-£220
(online tuition £36-£45 an hour); registered settings of about 25 places, unregistered ones of
4-12, online ones of 50-200; 2-5 days a week; placements from a few weeks to a school year.
"""

from __future__ import annotations

import numpy as np

from optimiser.placements.policy import Policy
from optimiser.placements.schema import (
    DEFAULT_LOTS,
    WEEKDAYS,
    Lot,
    Offer,
    PlacementInstance,
    PriceUnit,
    Provider,
    ProviderLot,
    Referral,
)

NEEDS = ("semh", "asd", "slcn", "medical", "mld")
LOT_IDS = [lot_id for lot_id, _ in DEFAULT_LOTS]
# Referral demand by lot: therapeutic and online popular, face-to-face scarcer (Oxfordshire).
LOT_DEMAND = np.array([0.2, 0.15, 0.25, 0.3, 0.1])
DAY_RATE = {
    "early_intervention": (67, 120),
    "interim_full_time": (150, 220),
    "therapeutic": (100, 200),
    "complex_bespoke": (150, 220),
}
ORIGIN = (440_000.0, 200_000.0)  # somewhere in the English midlands (BNG)


def generate_placements(
    n_referrals: int,
    n_providers: int,
    seed: int,
    *,
    weekday_places: bool = False,
    start_weeks: int = 30,
    offers: bool = True,
    moves: bool = True,
    days: tuple[int, ...] = (2, 3, 3, 4, 5),
    side_km: float = 60.0,
) -> PlacementInstance:
    """`start_weeks`: placements start in weeks 1..start_weeks (4 or fewer, with placements of
    at least 4 weeks, makes every placement overlap: one term's intake)."""
    rng = np.random.default_rng(seed)
    towns = _towns(rng, max(3, n_providers // 10), side_km * 1000)
    providers = [_provider(rng, i, towns, weekday_places) for i in range(n_providers)]
    referrals = [_referral(rng, i, towns, start_weeks, days) for i in range(n_referrals)]
    if moves:
        referrals = _current_placements(rng, referrals, providers)
    return PlacementInstance(
        name=f"generated_{n_referrals}x{n_providers}_s{seed}",
        description=f"Generated: {n_referrals} referrals, {n_providers} providers, seed {seed}.",
        lots=[Lot(id=i, name=n) for i, n in DEFAULT_LOTS],
        providers=providers,
        referrals=referrals,
        offers=_offers(rng, referrals, providers) if offers else [],
        policy=Policy(
            min_quality_rating=2,
            unplaced_cost_per_day_gbp=300,
            travel_cost_per_km_gbp=0.45,
            move_penalty_gbp=1_500,
            hours_per_day=3,
        ),
    )


def _towns(rng: np.random.Generator, k: int, side_m: float) -> np.ndarray:
    xy = rng.uniform(0, side_m, size=(k, 2)) + ORIGIN
    weight = rng.pareto(1.5, size=k) + 1
    return np.column_stack([xy, weight / weight.sum()])


def _near_town(rng: np.random.Generator, towns: np.ndarray, spread_m: float) -> tuple[float, float]:
    t = towns[rng.choice(len(towns), p=towns[:, 2])]
    return float(round(t[0] + rng.normal(0, spread_m))), float(
        round(t[1] + rng.normal(0, spread_m))
    )


def _provider(
    rng: np.random.Generator, i: int, towns: np.ndarray, weekday_places: bool
) -> Provider:
    kind = rng.choice(["registered", "unregistered", "online"], p=[0.25, 0.6, 0.15])
    if kind == "online":
        lots = [
            ProviderLot(
                lot="online_tuition", price_gbp=float(rng.integers(36, 46)), per=PriceUnit.HOUR
            )
        ]
        places, days, x, y = int(rng.integers(50, 201)), list(WEEKDAYS), 0.0, 0.0
    else:
        choice = (
            ["interim_full_time", "complex_bespoke", "therapeutic"]
            if kind == "registered"
            else ["early_intervention", "therapeutic", "complex_bespoke"]
        )
        chosen = rng.choice(choice, size=int(rng.integers(1, 3)), replace=False)
        lots = [
            ProviderLot(lot=str(lot), price_gbp=float(rng.integers(*DAY_RATE[str(lot)]) + 1))
            for lot in chosen
        ]
        places = int(rng.integers(20, 31)) if kind == "registered" else int(rng.integers(4, 13))
        n_days = 5 if kind == "registered" else int(rng.integers(3, 6))
        days = sorted(rng.choice(WEEKDAYS, size=n_days, replace=False), key=WEEKDAYS.index)
        x, y = _near_town(rng, towns, 4_000)
    low = int(rng.integers(1, 4))
    per_day = max(1, round(places * 0.6)) if weekday_places and kind != "online" else None
    return Provider(
        id=f"P{i:04d}",
        name=f"{kind.title()} provider {i}",
        lots=lots,
        places=places,
        places_per_weekday=per_day,
        open_days=list(days),
        easting_m=x,
        northing_m=y,
        online=kind == "online",
        key_stages=list(range(low, min(5, low + int(rng.integers(2, 4))) + 1)),
        registered_school=kind == "registered",
        quality_rating=int(rng.integers(2, 6)),
        needs_supported=sorted(
            rng.choice(NEEDS, size=int(rng.integers(2, 6)), replace=False).tolist()
        ),
    )


def _referral(
    rng: np.random.Generator,
    i: int,
    towns: np.ndarray,
    start_weeks: int,
    day_choices: tuple[int, ...],
) -> Referral:
    first = LOT_IDS[rng.choice(5, p=LOT_DEMAND)]
    lots = [first]
    if rng.random() < 0.5:
        lots.append(LOT_IDS[rng.choice(5, p=LOT_DEMAND)])
    days = (
        5
        if 5 in day_choices and "interim_full_time" in lots and rng.random() < 0.7
        else int(rng.choice(list(day_choices)))
    )
    start = int(rng.integers(1, start_weeks + 1))
    weeks = int(rng.choice([4, 6, 8, 12, 13, 26, 39]))
    x, y = _near_town(rng, towns, 3_000)
    n_needs = int(rng.choice([0, 1, 1, 2]))
    return Referral(
        reference=f"R{i:05d}",
        lots=sorted(set(lots)),
        key_stage=int(rng.choice([1, 2, 3, 4], p=[0.1, 0.2, 0.35, 0.35])),
        days_per_week=days,
        start_week=start,
        end_week=min(52, start + weeks - 1),
        easting_m=x,
        northing_m=y,
        max_travel_km=float(rng.choice([10, 15, 20, 25])),
        ehcp=bool(rng.random() < 0.3),
        looked_after=bool(rng.random() < 0.1),
        needs=sorted(rng.choice(NEEDS, size=n_needs, replace=False).tolist()),
        priority=int(rng.choice([1, 1, 1, 2])),
    )


def _current_placements(
    rng: np.random.Generator, referrals: list[Referral], providers: list[Provider]
) -> list[Referral]:
    """About 5% are already placed somewhere (a move then costs the move penalty)."""
    out = []
    for r in referrals:
        moved = rng.random() < 0.05
        current = providers[int(rng.integers(len(providers)))].id
        out.append(r.model_copy(update={"current_provider": current}) if moved else r)
    return out


def _offers(
    rng: np.random.Generator, referrals: list[Referral], providers: list[Provider]
) -> list[Offer]:
    """A few call-off bids: about 2% of referrals get one, from a provider approved for a lot
    they accept, sometimes using two places (a 2:1 package)."""
    out = []
    for r in referrals:
        if rng.random() >= 0.02:
            continue
        fitting = [(p, pl) for p in providers for pl in p.lots if pl.lot in r.lots]
        if not fitting:
            continue
        p, pl = fitting[int(rng.integers(len(fitting)))]
        total = float(round(rng.uniform(120, 260) * r.fewest_days * r.weeks, 2))
        out.append(
            Offer(
                reference=r.reference,
                provider=p.id,
                lot=pl.lot,
                total_cost_gbp=total,
                places_used=int(rng.choice([1, 1, 2])),
            )
        )
    return out
