"""Eligible (referral, provider, lot) pairs and their costs, built from arrays.

Each eligibility rule is one vectorised mask over referrals for one provider and lot, so the
same definition decides the model's pairs and explains, for an unplaced referral, which rule
excluded each provider.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
from numpy.typing import NDArray

from optimiser.placements.reach import local_offers, within_reach
from optimiser.placements.schema import (
    Offer,
    PlacementInstance,
    Provider,
    ProviderLot,
    price_per_day,
)

Mask = NDArray[np.bool_]
Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True)
class ReferralArrays:
    """Column arrays of the referrals, in instance order."""

    easting: Floats
    northing: Floats
    key_stage: Ints
    days: Ints
    start: Ints
    end: Ints
    max_travel_km: Floats
    protected: Mask  # EHCP or looked after
    lots: Mask  # referral x lot: acceptable
    rank: Ints  # referral x lot: position in the referral's list (0: first choice)
    needs: Mask  # referral x need
    need_ids: tuple[str, ...]
    lot_index: dict[str, int]
    _last: dict[str, Floats] = field(default_factory=dict, compare=False, repr=False)
    position: Ints | None = None  # each row's referral in the instance (None: row i is i)
    offered_to: dict[tuple[str, str], Ints] = field(default_factory=dict, repr=False)
    most: Ints | None = None  # most days a week (None: `days`, no ranges)

    @classmethod
    def of(cls, inst: PlacementInstance) -> ReferralArrays:
        """The referrals' arrays from an instance."""
        refs = inst.referrals
        lot_index = {lot.id: i for i, lot in enumerate(inst.lots)}
        need_ids = tuple(sorted({n for r in refs for n in r.needs}))
        need_index = {n: i for i, n in enumerate(need_ids)}
        lots = np.zeros((len(refs), len(lot_index)), dtype=bool)
        needs = np.zeros((len(refs), len(need_ids)), dtype=bool)
        rank = np.zeros((len(refs), len(lot_index)), dtype=np.int64)
        row, col, place = _cells([[lot_index[x] for x in r.lots] for r in refs])
        lots[row, col], rank[row, col] = True, place
        row, col, _ = _cells([[need_index[x] for x in r.needs] for r in refs])
        needs[row, col] = True
        return cls(
            easting=np.array([r.easting_m for r in refs], dtype=float),
            northing=np.array([r.northing_m for r in refs], dtype=float),
            key_stage=np.array([r.key_stage for r in refs], dtype=np.int64),
            days=np.array([r.fewest_days for r in refs], dtype=np.int64),
            start=np.array([r.start_week for r in refs], dtype=np.int64),
            end=np.array([r.end_week for r in refs], dtype=np.int64),
            max_travel_km=np.array([r.max_travel_km for r in refs], dtype=float),
            protected=np.array([r.ehcp or r.looked_after for r in refs], dtype=bool),
            lots=lots,
            rank=rank,
            needs=needs,
            need_ids=need_ids,
            lot_index=lot_index,
            offered_to=_offered_to(inst),
            most=np.array([r.most_days for r in refs], dtype=np.int64),
        )

    @property
    def most_days(self) -> Ints:
        """Most days a week of each referral (its fewest where it gives no range)."""
        return self.days if self.most is None else self.most

    def with_extra_days(self, extra: int) -> ReferralArrays:
        """The arrays with `days` raised by `extra` (one option of a range of days)."""
        if not extra:
            return self
        return type(self)(**(vars(self) | {"days": self.days + extra}))  # caches shared

    def take(self, idx: Ints) -> ReferralArrays:
        """The rows idx (sorted) as arrays of their own; `position` keeps each row's referral."""
        return type(self)(
            self.easting[idx],
            self.northing[idx],
            self.key_stage[idx],
            self.days[idx],
            self.start[idx],
            self.end[idx],
            self.max_travel_km[idx],
            self.protected[idx],
            self.lots[idx],
            self.rank[idx],
            self.needs[idx],
            self.need_ids,
            self.lot_index,
            position=idx if self.position is None else self.position[idx],
            offered_to=self.offered_to,
            most=None if self.most is None else self.most[idx],
        )

    def with_offer(self, p: Provider, pl: ProviderLot) -> Mask:
        """Which rows' referrals hold an offer from this provider in this lot."""
        rows = np.arange(len(self.days)) if self.position is None else self.position
        return np.isin(rows, self.offered_to.get((p.id, pl.lot), np.zeros(0, np.int64)))

    def distance_km(self, p: Provider) -> Floats:
        """The pupils' journeys to one provider: none for online or outreach provision."""
        if p.online or p.outreach:
            return np.zeros(len(self.days))
        return self.separation_km(p)

    def separation_km(self, p: Provider) -> Floats:
        """Distances to one provider's base; the last provider's are kept (its lots reuse them)."""
        if p.id not in self._last:
            self._last.clear()
            self._last[p.id] = grid_km(self.easting - p.easting_m, self.northing - p.northing_m)
        return self._last[p.id]


def grid_km(d_east: Floats, d_north: Floats) -> Floats:
    """Straight-line distances in km from differences of grid references in metres: the
    formula of schema.separation_km, in arrays, to the same bits (both take a correctly
    rounded square root; np.hypot, which this replaced, differs in the last bit for about one
    distance in six and takes three times as long; a journey within that last bit of a
    referral's limit, or a travel cost at exactly half a penny, could go either way, and now
    goes the verifier's way)."""
    km: Floats = np.sqrt(d_east * d_east + d_north * d_north) / 1000
    return km


def _cells(lists: list[list[int]]) -> tuple[Ints, Ints, Ints]:
    """Row i's list as cells (i, value) with each value's place in its list, as arrays."""
    sizes = np.fromiter(map(len, lists), np.int64, len(lists))
    col = np.fromiter(chain.from_iterable(lists), np.int64, int(sizes.sum()))
    row = np.repeat(np.arange(len(lists), dtype=np.int64), sizes)
    place = np.arange(len(col), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return row, col, place


RuleMask = Callable[[PlacementInstance, ReferralArrays, Provider, ProviderLot], Mask]


def _lot(inst: PlacementInstance, ra: ReferralArrays, p: Provider, pl: ProviderLot) -> Mask:
    """The referral accepts the lot."""
    return ra.lots[:, ra.lot_index[pl.lot]]


def _key_stage(inst: PlacementInstance, ra: ReferralArrays, p: Provider, pl: ProviderLot) -> Mask:
    """The provider serves the referral's key stage (key stages 0-5: a lookup table)."""
    served = np.zeros(6, dtype=bool)
    served[p.key_stages] = True
    return served[ra.key_stage]


def _needs(inst: PlacementInstance, ra: ReferralArrays, p: Provider, pl: ProviderLot) -> Mask:
    """The provider supports every need of the referral."""
    unsupported = [i for i, n in enumerate(ra.need_ids) if n not in p.needs_supported]
    if not unsupported:
        return np.ones(len(ra.days), dtype=bool)
    return np.asarray(~ra.needs[:, unsupported].any(axis=1))


def _quality(inst: PlacementInstance, ra: ReferralArrays, p: Provider, pl: ProviderLot) -> Mask:
    """The provider's quality-assurance rating meets the minimum."""
    return np.full(len(ra.days), p.quality_rating >= inst.policy.min_quality_rating)


def _travel(inst: PlacementInstance, ra: ReferralArrays, p: Provider, pl: ProviderLot) -> Mask:
    """Online; outreach within the provider's own radius (if it has one) of the pupil's school;
    otherwise within the referral's maximum travel distance."""
    if p.online:
        return np.ones(len(ra.days), dtype=bool)
    if p.outreach:
        if p.outreach_radius_km is None:
            return np.ones(len(ra.days), dtype=bool)
        return np.asarray(ra.separation_km(p) <= p.outreach_radius_km + 1e-9)
    return np.asarray(ra.separation_km(p) <= ra.max_travel_km + 1e-9)


def _offer(inst: PlacementInstance, ra: ReferralArrays, p: Provider, pl: ProviderLot) -> Mask:
    """Under a call-off (policy.offers_only), the provider submitted an offer for the referral."""
    if not inst.policy.offers_only:
        return np.ones(len(ra.days), dtype=bool)
    return ra.with_offer(p, pl)


def _offered_to(inst: PlacementInstance) -> dict[tuple[str, str], Ints]:
    """(provider, lot) -> the positions of the referrals it made an offer for."""
    position = {r.reference: i for i, r in enumerate(inst.referrals)}
    out: dict[tuple[str, str], list[int]] = {}
    for o in inst.offers:
        if o.reference in position:
            out.setdefault((o.provider, o.lot), []).append(position[o.reference])
    return {key: np.array(sorted(v), np.int64) for key, v in out.items()}


def _open_days(inst: PlacementInstance, ra: ReferralArrays, p: Provider, pl: ProviderLot) -> Mask:
    """The provider is open on at least as many days as the referral attends (its fewest, or
    the days of one option of its range)."""
    return np.asarray(ra.days <= len(p.open_days))


def _registration(
    inst: PlacementInstance, ra: ReferralArrays, p: Provider, pl: ProviderLot
) -> Mask:
    """An unregistered provider takes no EHCP or looked-after pupil full time."""
    if p.registered_school:
        return np.ones(len(ra.days), dtype=bool)
    full_time = ra.days >= inst.policy.full_time_days
    return np.asarray(~(full_time & ra.protected))


RULES: dict[str, RuleMask] = {
    "lot": _lot,
    "key_stage": _key_stage,
    "needs": _needs,
    "quality": _quality,
    "travel": _travel,
    "open_days": _open_days,
    "registration": _registration,
    "offer": _offer,
}

RULE_TEXT = {
    "lot": "not approved for an acceptable lot",
    "key_stage": "does not serve the key stage",
    "needs": "does not support every need",
    "quality": "quality rating below the minimum",
    "travel": "beyond the maximum travel distance",
    "open_days": "not open enough days a week",
    "registration": "unregistered: takes no EHCP or looked-after pupil full time",
    "offer": "made no offer for this referral (call-off)",
}


@dataclass(frozen=True)
class Pairs:
    """Eligible (referral, provider, lot) pairs as parallel arrays."""

    ref: Ints
    prov: Ints
    lot: Ints  # index into instance.lots
    cost: Floats  # total cost of the placement, £ (charge + travel + move + preference)
    charge: Floats  # provider charge, £
    travel: Floats  # travel cost, £
    move: Floats  # move penalty, £
    preference: Floats  # lot rank x policy.lot_rank_cost_gbp, £
    days_value: Floats  # extra days x weeks x policy.value_per_extra_day_gbp (taken off), £
    days: Ints  # days a week of this option (a range gives one pair per number of days)
    distance_km: Floats
    use: Ints  # places used at any one time
    offered: Mask

    def __len__(self) -> int:
        return len(self.ref)


def build_pairs(inst: PlacementInstance, ra: ReferralArrays | None = None) -> Pairs:
    """Every eligible pair with its cost; an offer replaces the provider's derived charge. A
    referral with a range of days has one pair per number of days it may attend (each judged
    by the rules with those days, priced for them); an offer quotes its fewest days."""
    ra = ra or ReferralArrays.of(inst)
    span = int((ra.most_days - ra.days).max(initial=0))
    options = [ra.with_extra_days(k) for k in range(span + 1)]
    index = {p.id: i for i, p in enumerate(inst.providers)}
    current = np.array(
        [index.get(r.current_provider, -1) if r.current_provider else -1 for r in inst.referrals],
        dtype=np.int64,
    )
    position = {r.reference: i for i, r in enumerate(inst.referrals)}
    offers: dict[tuple[str, str], dict[int, Offer]] = {}
    for o in inst.offers:
        offers.setdefault((o.provider, o.lot), {})[position[o.reference]] = o
    pieces = _Pieces()
    within = within_reach(inst, (ra.easting, ra.northing), ra.max_travel_km)
    for pi, p in enumerate(inst.providers):
        near = within[pi]
        mine = options if near is None else [option.take(near) for option in options]
        for pl in p.lots:
            for k, option in enumerate(mine):
                if k > 0 and inst.policy.offers_only:
                    break  # a call-off offer quotes the fewest days only
                bids = offers.get((p.id, pl.lot), {}) if k == 0 else {}
                idx, km, bid = _chunk(inst, option, (p, pl), local_offers(bids, near))
                at = (pi, ra.lot_index[pl.lot], k, price_per_day(pl, inst.policy))
                pieces.add(idx if near is None else near[idx], km, at, bid)
    return _priced(inst, ra, pieces, current)


@dataclass
class _Pieces:
    """The eligible pairs, piece by piece (one per provider, lot and days a week): only the
    referral rows and journeys are kept per pair until the pieces are joined; the rest is
    one figure per piece, or per offer."""

    refs: list[Ints] = field(default_factory=list)
    kms: list[Floats] = field(default_factory=list)
    at: list[tuple[int, int, int, float]] = field(default_factory=list)  # prov, lot, extra, £/day
    bids: list[tuple[int, float, int]] = field(default_factory=list)  # pair, £, places
    count: int = 0

    def add(
        self, refs: Ints, km: Floats, at: tuple[int, int, int, float], bids: list[tuple[int, Offer]]
    ) -> None:
        """One piece, its offers at their place in the piece."""
        self.bids += [(self.count + k, o.total_cost_gbp, o.places_used) for k, o in bids]
        self.refs.append(refs)
        self.kms.append(km)
        self.at.append(at)
        self.count += len(refs)


def _priced(inst: PlacementInstance, ra: ReferralArrays, pieces: _Pieces, current: Ints) -> Pairs:
    """The pieces joined, every figure of every pair priced in one go: the charge (days x
    weeks at the lot's price per day, or the offer's total), travel (£/km x km x 2 x days x
    weeks), the move penalty, the lot preference and the value of extra days, and their sum."""
    pol = inst.policy
    sizes = np.fromiter(map(len, pieces.refs), np.int64, len(pieces.refs))
    ref = np.concatenate(pieces.refs) if pieces.refs else np.zeros(0, np.int64)
    km = np.concatenate(pieces.kms) if pieces.kms else np.zeros(0)
    pieces.refs.clear()  # the pieces freed as soon as they are joined
    pieces.kms.clear()
    at = np.array(pieces.at, dtype=float).reshape(-1, 4)
    prov, lot, extra = (np.repeat(at[:, j].astype(np.int64), sizes) for j in range(3))
    days = (ra.days[ref] + extra).astype(np.int64)
    weeks = (ra.end - ra.start + 1).astype(float)[ref]
    charge = np.repeat(at[:, 3], sizes) * days * weeks
    use, offered = np.ones(len(ref), dtype=np.int64), np.zeros(len(ref), dtype=bool)
    if pieces.bids:
        k, total, places = (np.array(x) for x in zip(*pieces.bids, strict=True))
        charge[k], use[k], offered[k] = total, places, True
    travel = pol.travel_cost_per_km_gbp * km * 2.0 * (days * weeks)
    moved = (current[ref] >= 0) & (current[ref] != prov)
    move = np.where(moved, pol.move_penalty_gbp, 0.0)
    preference = (pol.lot_rank_cost_gbp * ra.rank[ref, lot]).astype(float)
    value = (pol.value_per_extra_day_gbp * extra * weeks).astype(float)
    return Pairs(
        ref=ref.astype(np.int64),
        prov=prov,
        lot=lot,
        cost=charge + travel + move + preference - value,
        charge=charge,
        travel=travel,
        move=move,
        preference=preference,
        days_value=value,
        days=days,
        distance_km=km.astype(float),
        use=use,
        offered=offered,
    )


def _chunk(
    inst: PlacementInstance,
    ra: ReferralArrays,
    at: tuple[Provider, ProviderLot],
    bids: dict[int, Offer],
) -> tuple[Ints, Floats, list[tuple[int, Offer]]]:
    """The eligible rows of one provider and lot, for the days a week in `ra.days` (one
    option of each referral's range: rows outside their range are left out), their journeys
    and their offers (at their place among the rows; an offer does not override eligibility)."""
    p, pl = at
    ok = ra.days <= ra.most_days
    for rule in RULES.values():
        ok &= rule(inst, ra, p, pl)
    idx = np.flatnonzero(ok)
    found = []
    for ri, o in bids.items():
        k = int(np.searchsorted(idx, ri))
        if k < len(idx) and idx[k] == ri:
            found.append((k, o))
    return idx, ra.distance_km(p)[idx], found
