"""Evidence for the team's record: for an unplaced referral and each lot it accepts, the
nearest providers of that lot and every rule each one fails, with the figures.

A provider that fails exactly one rule is a near miss ("17.6 km against a 10 km limit",
"does not support need `asd`", "full in weeks 3-9 with 16 of 16 places used"). The rules are
judged in bulk: for each lot, a k-d tree (scipy.spatial.cKDTree) over the lot's providers
finds each referral's NEAR nearest, and every rule is one array operation over the
(referral x candidate) matrix. Capacity is judged, for candidates that pass every other rule,
from the plan's use of each capacity row (explain.Load).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from optimiser.placements.model import PlacementModel
from optimiser.placements.pairs import Ints, grid_km
from optimiser.placements.schema import PlacementInstance, Provider
from optimiser.placements.solution import NearMiss, RuleFailure

NEAR = 8  # candidates per lot judged for each referral
SHOWN = 3  # near misses shown per lot


class Blocking(Protocol):
    """The plan's use of capacity, as the evidence reads it (explain._Room)."""

    def blocked(self, pairs: Ints) -> NDArray[np.bool_]:
        """Which of these pairs the plan leaves no room for."""

    def why(self, pair: int) -> str:
        """Why the plan leaves no room for one pair, with the weeks and places."""


Texts = dict[tuple[int, int], list[RuleFailure]]  # (row, candidate column) -> failures


@dataclass(frozen=True)
class ProviderArrays:
    """The providers' attributes the eligibility rules read, as arrays."""

    east: NDArray[np.float64]
    north: NDArray[np.float64]
    key_stages: NDArray[np.bool_]  # provider x key stage 0-5
    supports: NDArray[np.bool_]  # provider x need (the referrals' need ids)
    quality: Ints
    open_days: Ints
    registered: NDArray[np.bool_]
    online: NDArray[np.bool_]
    outreach: NDArray[np.bool_]
    radius: NDArray[np.float64]  # outreach radius, inf where none

    @classmethod
    def of(cls, inst: PlacementInstance, need_ids: tuple[str, ...]) -> ProviderArrays:
        """The providers' key stages and supported needs as arrays."""
        ps = inst.providers
        ks = np.zeros((len(ps), 6), dtype=bool)
        supports = np.zeros((len(ps), len(need_ids)), dtype=bool)
        for i, p in enumerate(ps):
            ks[i, p.key_stages] = True
            supports[i] = [n in p.needs_supported for n in need_ids]
        return cls(
            np.array([p.easting_m for p in ps]),
            np.array([p.northing_m for p in ps]),
            ks,
            supports,
            np.array([p.quality_rating for p in ps], dtype=np.int64),
            np.array([len(p.open_days) for p in ps], dtype=np.int64),
            np.array([p.registered_school for p in ps]),
            np.array([p.online for p in ps]),
            np.array([p.outreach for p in ps]),
            np.array([_radius(p) for p in ps]),
        )


def _radius(p: Provider) -> float:
    return np.inf if p.outreach_radius_km is None else p.outreach_radius_km


def candidates(
    model: PlacementModel, pa: ProviderArrays, lot: int, refs: Ints
) -> tuple[Ints, NDArray[np.float64]]:
    """Each referral's NEAR nearest providers of the lot (providers with no pupil travel
    first), as a (referral x candidate) matrix of provider indices (-1: none) and km."""
    inst = model.inst
    mine = np.array(
        [i for i, p in enumerate(inst.providers) if lot in _lots(model, p)], dtype=np.int64
    )
    placeless = mine[pa.online[mine] | pa.outreach[mine]][:NEAR]
    sited = mine[~(pa.online[mine] | pa.outreach[mine])]
    k = min(NEAR - len(placeless), len(sited))
    cols = np.full((len(refs), len(placeless) + max(k, 0)), -1, dtype=np.int64)
    cols[:, : len(placeless)] = placeless
    if k > 0:
        tree = cKDTree(np.column_stack([pa.east[sited], pa.north[sited]]))
        _, idx = tree.query(np.column_stack([model.ra.easting[refs], model.ra.northing[refs]]), k=k)
        cols[:, len(placeless) :] = sited[np.asarray(idx).reshape(len(refs), k)]
    km = grid_km(
        model.ra.easting[refs, None] - pa.east[cols], model.ra.northing[refs, None] - pa.north[cols]
    )
    return cols, km


def _lots(model: PlacementModel, p: Provider) -> set[int]:
    return {model.ra.lot_index[pl.lot] for pl in p.lots}


Fails = dict[str, NDArray[np.bool_]]  # rule -> (referral x candidate) mask of failures


def rule_masks(
    model: PlacementModel,
    pa: ProviderArrays,
    where: tuple[int, Ints, Ints],
    km: NDArray[np.float64],
) -> tuple[Fails, NDArray[np.bool_]]:
    """Each eligibility rule (but the lot, which every candidate is approved for) as a mask of
    the candidates it excludes, and the (referral x candidate x need) needs unsupported.
    `where` is the lot and the (referral x candidate) grid: referrals and provider indices."""
    lot, refs, cols = where
    ra, pol = model.ra, model.inst.policy
    ks = ra.key_stage[refs, None]
    unsupported = ra.needs[refs][:, None, :] & ~pa.supports[cols]
    fails: Fails = {
        "key_stage": ~pa.key_stages[cols, ks],
        "needs": np.asarray(unsupported.any(axis=2), dtype=bool),
        "quality": pa.quality[cols] < pol.min_quality_rating,
        "travel": np.where(
            pa.online[cols],
            False,
            np.where(pa.outreach[cols], km > pa.radius[cols], km > ra.max_travel_km[refs, None]),
        )
        & (km > 1e-9),
        "open_days": pa.open_days[cols] < ra.days[refs, None],
        "registration": ~pa.registered[cols]
        & ((ra.days[refs] >= pol.full_time_days) & ra.protected[refs])[:, None],
        "offer": _no_offer(model, lot, refs, cols),
    }
    valid = cols >= 0
    return {name: mask & valid for name, mask in fails.items()}, unsupported


def _no_offer(model: PlacementModel, lot: int, refs: Ints, cols: Ints) -> NDArray[np.bool_]:
    """Under a call-off (policy.offers_only): the candidates that made no offer for the
    referral in this lot (a rule failure of its own, never "eligible")."""
    if not model.inst.policy.offers_only:
        return np.zeros(cols.shape, dtype=bool)
    lot_id, ra = model.inst.lots[lot].id, model.ra
    rows = refs if ra.position is None else ra.position[refs]
    missing = np.ones(cols.shape, dtype=bool)
    for pi in np.unique(cols[cols >= 0]).tolist():
        offered = ra.offered_to.get((model.inst.providers[pi].id, lot_id))
        if offered is not None:
            missing &= ~((cols == pi) & np.isin(rows, offered)[:, None])
    return missing


def failures_at(
    model: PlacementModel,
    masks: tuple[Fails, NDArray[np.bool_]],
    at: tuple[int, int],
    who: tuple[int, int, float],
    *,
    bits: int | None = None,
    shared: Shared | None = None,
) -> list[RuleFailure]:
    """The rules one candidate (at row, col: referral r, provider pi, km away) fails, with
    their figures (every unsupported need named). `bits`: which rules fail, one bit per rule
    in the order of the masks (read in bulk by the caller), else read here. `shared`: the
    failures already written, reused (they are frozen; a few hundred texts recur thousands
    of times)."""
    fails, unsupported = masks
    make = _maker(shared)
    (row, col), (r, pi, km) = at, who
    if bits is None:
        bits = sum(1 << k for k, mask in enumerate(fails.values()) if bool(mask[row, col]))
    out = []
    for k, name in enumerate(fails):
        if not bits >> k & 1:
            continue
        if name == "needs":
            out += [
                make("needs", f"does not support need `{model.ra.need_ids[n]}`")
                for n in np.flatnonzero(unsupported[row, col])
            ]
        else:
            out.append(make(name, _text(model, name, r, pi, km)))
    return out


Shared = dict[tuple[str, str], RuleFailure]


def _maker(shared: Shared | None) -> Callable[[str, str], RuleFailure]:
    """A rule failure for (rule, text), the one already in `shared` when there is one."""
    if shared is None:
        return lambda rule, text: RuleFailure(rule=rule, text=text)

    def make(rule: str, text: str) -> RuleFailure:
        found = shared.get((rule, text))
        if found is None:
            found = shared[rule, text] = RuleFailure(rule=rule, text=text)
        return found

    return make


def _bits(fails: Fails) -> Ints:
    """Per (referral x candidate), the rules it fails as bits, in the order of the masks."""
    bits = np.zeros(next(iter(fails.values())).shape, dtype=np.int64)
    for k, mask in enumerate(fails.values()):
        bits |= mask.astype(np.int64) << k
    return bits


def static_failures(
    model: PlacementModel,
    pa: ProviderArrays,
    where: tuple[int, Ints, Ints],
    km: NDArray[np.float64],
) -> Texts:
    """Every rule each failing candidate of one lot fails, with its figures."""
    _, refs, cols = where
    masks = rule_masks(model, pa, where, km)
    failing = np.logical_or.reduce(list(masks[0].values()))
    return {
        (int(row), int(col)): failures_at(
            model, masks, (row, col), (int(refs[row]), int(cols[row, col]), float(km[row, col]))
        )
        for row, col in zip(*np.nonzero(failing), strict=True)
    }


def _text(model: PlacementModel, rule: str, r: int, pi: int, km: float) -> str:
    """The figures of one failed rule (km rounded as the near miss's and the shortlist's
    distance_km, so that a sentence and its table read the same figure)."""
    inst, ra, km = model.inst, model.ra, round(km, 2)
    p = inst.providers[pi]
    if rule == "key_stage":
        served = ", ".join(map(str, p.key_stages))
        return f"does not serve key stage {int(ra.key_stage[r])} (serves {served})"
    if rule == "quality":
        floor = inst.policy.min_quality_rating
        return f"quality {p.quality_rating} below the floor of {floor}"
    if rule == "travel" and p.outreach:
        return f"{km:.1f} km beyond its outreach radius of {p.outreach_radius_km:g} km"
    if rule == "travel":
        return f"{km:.1f} km against a {float(ra.max_travel_km[r]):g} km limit"
    if rule == "offer":
        return "made no offer for this referral (call-off)"
    if rule == "open_days":
        fewest = "at least " if ra.most_days[r] > ra.days[r] else ""
        return f"open {len(p.open_days)} days a week; the pupil attends {fewest}{int(ra.days[r])}"
    return "unregistered: takes no EHCP or looked-after pupil full time"


def _pair_keys(model: PlacementModel) -> tuple[Ints, Ints]:
    """Sorted (referral, provider, lot) keys of the eligible pairs and the pair of each."""
    n_p, n_l = len(model.inst.providers), len(model.inst.lots)
    pairs = model.pairs
    keys = (pairs.ref * n_p + pairs.prov) * n_l + pairs.lot
    order = np.argsort(keys, kind="stable")
    return keys[order], order.astype(np.int64)


def gather(
    model: PlacementModel, blocking: Blocking, refs: list[int]
) -> dict[int, tuple[list[NearMiss], str]]:
    """Near misses per acceptable lot and the record sentence of each referral in refs. Per
    lot, in arrays: the rules' masks, each candidate's count of failed rules (capacity counted
    for candidates passing every other rule), the candidates shown (failing none or one rule,
    nearest first; else those failing fewest); texts are written for the shown ones only."""
    pa = ProviderArrays.of(model.inst, model.ra.need_ids)
    keys = _pair_keys(model)
    misses: dict[int, list[NearMiss]] = {r: [] for r in refs}
    sentences: dict[int, list[str]] = {r: [] for r in refs}
    shared: Shared = {}
    make = _maker(shared)
    every = np.array(refs, dtype=np.int64)
    for lot in range(len(model.inst.lots)):
        mine = every[model.ra.lots[every, lot]]
        if len(mine) == 0:
            continue
        cols, km = candidates(model, pa, lot, mine)
        masks = rule_masks(model, pa, (lot, mine, cols), km)
        count = np.sum(list(masks[0].values()), axis=0)
        full = _full(model, (blocking, keys), lot, mine, (cols, count))
        for row, c in full:
            count[row, c] += 1
        shown = _shown(count, km, cols)
        travel = np.where(pa.online[cols] | pa.outreach[cols], 0.0, km).tolist()
        bits, ids, kms = _bits(masks[0]).tolist(), cols.tolist(), km.tolist()
        lot_id, provider_ids = model.inst.lots[lot].id, [p.id for p in model.inst.providers]
        for row, r in enumerate(mine.tolist()):
            lot_misses = [
                NearMiss(
                    lot=lot_id,
                    provider=provider_ids[ids[row][c]],
                    distance_km=round(travel[row][c], 2),
                    failures=[make("capacity", blocking.why(full[row, c]))]
                    if (row, c) in full
                    else failures_at(
                        model,
                        masks,
                        (row, c),
                        (r, ids[row][c], kms[row][c]),
                        bits=bits[row][c],
                        shared=shared,
                    ),
                )
                for c in shown[row]
            ]
            misses[r] += lot_misses
            sentences[r].append(_sentence(model, r, lot, lot_misses))
    return {r: (misses[r], " ".join(sentences[r])) for r in refs}


def _full(
    model: PlacementModel,
    lookup: tuple[Blocking, tuple[Ints, Ints]],
    lot: int,
    mine: Ints,
    grid: tuple[Ints, Ints],
) -> dict[tuple[int, int], int]:
    """Candidates passing every static rule that the plan leaves no room at: (row, col) ->
    their pair (judged in bulk; the words are written for the candidates shown only)."""
    blocking, (keys, pair_of) = lookup
    cols, count = grid
    n_p, n_l = len(model.inst.providers), len(model.inst.lots)
    rows, cs = np.nonzero((count == 0) & (cols >= 0))
    wanted = (mine[rows] * n_p + cols[rows, cs]) * n_l + lot
    k = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
    found = keys[k] == wanted if len(keys) else np.zeros(len(wanted), dtype=bool)
    pair = pair_of[k[found]]
    blocked = blocking.blocked(pair)
    cells = zip(rows[found][blocked].tolist(), cs[found][blocked].tolist(), strict=True)
    return dict(zip(cells, pair[blocked].tolist(), strict=True))


def _shown(count: Ints, km: NDArray[np.float64], cols: Ints) -> list[list[int]]:
    """Per row, the columns shown: failing none or one rule if any does (fewest, nearest
    first), else those failing fewest; SHOWN at most."""
    if cols.shape[1] == 0:
        return [[] for _ in range(len(cols))]
    big = np.iinfo(np.int64).max // 4
    count = np.where(cols >= 0, count, big)
    low = (count <= 1).any(axis=1, keepdims=True)
    least = count.min(axis=1, keepdims=True)
    keep = np.where(low, count <= 1, count == least) & (cols >= 0)
    key = np.where(keep, count * 1e7 + km, np.inf)
    order = np.argsort(key, axis=1, kind="stable")[:, :SHOWN]
    return [[int(c) for c in order[row] if np.isfinite(key[row, c])] for row in range(len(cols))]


def _sentence(model: PlacementModel, r: int, lot: int, misses: list[NearMiss]) -> str:
    """One lot's evidence in a sentence for the team's record."""
    inst = model.inst
    ref, name = inst.referrals[r], inst.lots[lot].name
    if not misses:
        return f"No {name} provider is on the framework."
    first = misses[0]
    who = inst.providers[model.provider_index[first.provider]].name
    where = f"{who} ({first.distance_km:.1f} km)" if first.distance_km else f"{who} (no travel)"
    if not first.failures:
        return f"{name}: {where} is eligible and has room."
    weeks = f"weeks {ref.start_week}–{ref.end_week}"
    reach = f" within {ref.max_travel_km:g} km" if first.distance_km else ""
    why = "; ".join(f.text for f in first.failures)
    return f"No {name} provider{reach} could take the pupil in {weeks}; nearest: {where}: {why}."
