"""Postcodes resolved through a user-supplied lookup file (ONS Postcode Directory columns)."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimiser import InstanceError, parse_placements, resolve_postcodes, solve
from tests.placements_helpers import instance, provider, referral

LOOKUP = (
    "pcd7,pcds,oseast1m,osnrth1m\nOX1 1AA,OX1 1AA,451000,206000\nOX4 9ZZ,OX4 9ZZ,455000,203000\n"
)


def test_postcodes_become_grid_references(tmp_path: Path) -> None:
    """R at OX1 1AA, P at OX4 9ZZ: 4 km east and 3 km south, so 5 km apart. With travel at
    £1/km, 2 days x 10 weeks: travel 5 x 2 x 2 x 10 = £200; charge £2,000; objective £2,200.
    The postcode is written in any case and spacing."""
    (tmp_path / "onspd.csv").write_text(LOOKUP)
    data = instance(
        [provider("P", postcode="ox49zz")],
        [referral("R", postcode="OX1 1AA")],
        travel_cost_per_km_gbp=1.0,
    )
    inst = resolve_postcodes(parse_placements(data), tmp_path / "onspd.csv")
    assert inst.referrals[0].postcode is None
    sol = solve(inst)
    assert sol.placements[0].travel_km == pytest.approx(5.0)
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(2_200)


def test_unknown_postcode_names_the_row_never_the_postcode(tmp_path: Path) -> None:
    (tmp_path / "onspd.csv").write_text(LOOKUP)
    data = instance(
        [provider("P", postcode="OX4 9ZZ")],
        [referral("R1", postcode="OX1 1AA"), referral("R2", postcode="SW1A 1AA")],
    )
    with pytest.raises(InstanceError) as err:
        resolve_postcodes(parse_placements(data), tmp_path / "onspd.csv")
    assert [p.path for p in err.value.problems] == ["referrals[1].postcode"]
    assert "SW1A" not in str(err.value.problems[0])


def test_unresolved_postcode_is_refused_at_solve() -> None:
    data = instance([provider("P")], [referral("R", postcode="OX1 1AA")])
    with pytest.raises(InstanceError) as err:
        solve(parse_placements(data))
    assert [p.path for p in err.value.problems] == ["referrals[0].postcode"]


def test_lookup_without_the_columns(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("postcode,x,y\nOX1 1AA,1,2\n")
    data = instance([provider("P")], [referral("R", postcode="OX1 1AA")])
    with pytest.raises(InstanceError) as err:
        resolve_postcodes(parse_placements(data), tmp_path / "bad.csv")
    assert "pcds" in str(err.value.problems[0])
