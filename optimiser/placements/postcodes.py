"""Postcodes instead of grid references, resolved through a lookup file the user supplies in
the format of the ONS Postcode Directory (columns `pcds`, `oseast1m`, `osnrth1m`; any other
columns are ignored). Nothing is guessed: a postcode missing from the file is an input
problem naming its row, and a postcode is never repeated in a message. Once resolved, the
postcode is dropped from the instance (the grid reference is all the model needs)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypeVar

import pandas as pd

from optimiser.core.errors import InstanceError, Problem, ProblemList
from optimiser.placements.schema import PlacementInstance, Provider, Referral

COLUMNS = ("pcds", "oseast1m", "osnrth1m")
SPACES = re.compile(r"\s+")
Lookup = dict[str, tuple[float, float]]
Located = TypeVar("Located", Referral, Provider)


def normalise(code: str) -> str:
    """Upper case, one space before the inward code (the last three characters): `pcds`."""
    compact = SPACES.sub("", code).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def read_lookup(path: Path | str) -> Lookup:
    """The lookup file as postcode -> (easting, northing) in metres; rows without a grid
    reference (ONS leaves them blank for some terminated postcodes) are left out."""
    try:
        frame = pd.read_csv(path, usecols=list(COLUMNS), dtype={"pcds": str})
    except FileNotFoundError:
        raise InstanceError([Problem("(postcode file)", "file not found")]) from None
    except ValueError:
        raise InstanceError(
            [Problem("(postcode file)", "needs the columns pcds, oseast1m and osnrth1m")]
        ) from None
    frame = frame.dropna()
    east = pd.to_numeric(frame["oseast1m"], errors="coerce")
    north = pd.to_numeric(frame["osnrth1m"], errors="coerce")
    ok = east.notna() & north.notna()
    codes = [normalise(c) for c in frame["pcds"][ok]]
    grid = zip(east[ok].astype(float), north[ok].astype(float), strict=True)
    return dict(zip(codes, grid, strict=True))


def resolve_postcodes(inst: PlacementInstance, lookup: Lookup) -> PlacementInstance:
    """Every referral's and provider's postcode replaced by its grid reference; every postcode
    not in the lookup reported at once, by row."""
    problems = ProblemList()
    referrals = [
        _resolved(x, f"referrals[{i}].postcode", lookup, problems)
        for i, x in enumerate(inst.referrals)
    ]
    providers = [
        _resolved(x, f"providers[{i}].postcode", lookup, problems)
        for i, x in enumerate(inst.providers)
    ]
    problems.raise_if_any("a postcode is not in the postcode lookup file")
    return inst.model_copy(update={"referrals": referrals, "providers": providers})


def _resolved(item: Located, path: str, lookup: Lookup, problems: ProblemList) -> Located:
    if item.postcode is None:
        return item
    grid = lookup.get(normalise(item.postcode))
    if grid is None:
        problems.add(path, "is not in the postcode lookup file")
        return item
    return item.model_copy(update={"postcode": None, "easting_m": grid[0], "northing_m": grid[1]})


def require_resolved(inst: PlacementInstance) -> None:
    """A postcode still in the instance has no grid reference yet: an input problem, never a
    distance from the grid's origin."""
    problems = ProblemList()
    message = "give a postcode lookup file (ONS Postcode Directory format) to resolve it"
    for i, r in enumerate(inst.referrals):
        if r.postcode is not None:
            problems.add(f"referrals[{i}].postcode", message)
    for i, p in enumerate(inst.providers):
        if p.postcode is not None:
            problems.add(f"providers[{i}].postcode", message)
    problems.raise_if_any("a postcode is not resolved")
