"""Which referrals a provider can reach: a k-d tree (scipy.spatial.cKDTree) over the pupils'
schools finds, per provider, the referrals near enough to pass the travel rule, so that pair
building judges those rather than every referral (placements/pairs.py). A superset only: the
rules still decide each pair."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from optimiser.placements.schema import Offer, PlacementInstance

Ints = NDArray[np.int64]
Floats = NDArray[np.float64]

# Above this share of the area within a provider's reach, judging every referral costs less
# than finding the near ones (20,000 x 500 on a 60 km square, 25 km journeys: half the
# referrals each, and the search costs more than it saves; national, 450 km: 1%, 10x less work).
REACH_SHARE = 0.1


def within_reach(
    inst: PlacementInstance, schools: tuple[Floats, Floats], journeys: Floats
) -> list[Ints | None]:
    """Per provider, the (sorted) referral rows near enough to pass the travel rule, found
    with a k-d tree (scipy.spatial.cKDTree) over the pupils' schools: within the longest
    journey any referral allows of a sited provider, within an outreach provider's radius;
    None (every row) for online provision and outreach without a radius. A superset: the
    travel rule itself still decides each pair, so only the work shrinks (a national
    instance's 8,000 providers each judge a few hundred of 50,000 referrals, not all).
    `schools`: the referrals' eastings and northings (m); `journeys`: their longest, km."""
    far = float(journeys.max(initial=0.0))
    radius = [
        None
        if p.online or (p.outreach and p.outreach_radius_km is None)
        else (p.outreach_radius_km if p.outreach else far)
        for p in inst.providers
    ]
    asked = [i for i, r in enumerate(radius) if r is not None]
    out: list[Ints | None] = [None] * len(inst.providers)
    if not asked or not len(journeys) or reach_share(schools, far) > REACH_SHARE:
        return out
    tree = cKDTree(np.column_stack(schools))
    centres = np.array([(inst.providers[i].easting_m, inst.providers[i].northing_m) for i in asked])
    metres = np.array([float(radius[i] or 0.0) * 1000.0 + 1.0 for i in asked])  # 1 m to spare
    found = tree.query_ball_point(centres, metres, return_sorted=True)
    for i, rows in zip(asked, found, strict=True):
        out[i] = np.asarray(rows, dtype=np.int64)
    return out


def reach_share(schools: tuple[Floats, Floats], far: float) -> float:
    """The share of the referrals' area that one sited provider's reach covers (a circle of
    the longest journey against the bounding box of the schools)."""
    width = float(np.ptp(schools[0])) + 1.0
    height = float(np.ptp(schools[1])) + 1.0
    return float(np.pi * (far * 1000.0) ** 2 / (width * height))


def local_offers(bids: dict[int, Offer], near: Ints | None) -> dict[int, Offer]:
    """Offers keyed by their referral's row among `near` (offers from beyond it are dropped:
    an offer does not override the travel rule)."""
    if near is None or not bids:
        return bids
    out = {}
    for ri, o in bids.items():
        k = int(np.searchsorted(near, ri))
        if k < len(near) and near[k] == ri:
            out[k] = o
    return out
