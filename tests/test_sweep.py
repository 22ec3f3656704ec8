"""Scenario sweeps: paths, values, products, break-even, and the command with its plot."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from optimiser import InstanceError
from optimiser.cli import app
from optimiser.core.options import SolveOptions
from optimiser.scenarios.settings import set_field
from optimiser.scenarios.sweep import (
    Axis,
    crossings,
    parse_axis,
    parse_values,
    run_sweep,
)
from tests.helpers import INSTANCES, raw

TAKE_UP = "functions[outreach].traded.take_up_share"
PRICE = "functions[outreach].traded.price_per_school_gbp"
OPEN_BOOKS = [("council_budget_cap_gbp", None), ("traded_must_recover_cost", False)]


def test_values_and_axes() -> None:
    assert parse_values("4000,5000") == (4000.0, 5000.0)
    assert parse_values("0.5:0.6:0.05") == (0.5, 0.55, 0.6)
    assert parse_axis(f"{TAKE_UP}=0.3:0.4:0.1") == Axis(TAKE_UP, (0.3, 0.4))
    with pytest.raises(InstanceError):
        parse_values("1:0:1")


def test_paths_pick_items_by_id_category_or_position() -> None:
    data = raw("oxfordshire_2015_16")
    set_field(data, "funding_sources[grant_lac].amount_gbp", 1.0)
    set_field(data, "bands[traded].max_share", 0.35)
    set_field(data, "staff_groups[0].fte_available", 20.0)
    set_field(data, "council_budget_cap_gbp", None)
    assert data["funding_sources"][0]["amount_gbp"] == 1.0
    assert next(b for b in data["bands"] if b["category"] == "traded")["max_share"] == 0.35
    assert data["staff_groups"][0]["fte_available"] == 20.0
    assert data["council_budget_cap_gbp"] is None
    for bad in ("functions[nothing].min_fte", "functions[co01]", "nonsense..x"):
        with pytest.raises(InstanceError):
            set_field(data, bad, 1.0)


def test_oakfield_break_even_take_up() -> None:
    """Net cost = fixed cost - schools * (price - variable cost per school): at £4,500 it is
    zero at about 63% take-up (the minutes); at £4,000 about 85%, at £5,000 about 50%."""
    axes = [
        Axis(TAKE_UP, tuple(round(0.3 + 0.01 * k, 2) for k in range(71))),
        Axis(PRICE, (4000.0, 4500.0, 5000.0)),
    ]
    df = run_sweep(raw("oakfield_traded_offer"), axes, OPEN_BOOKS, SolveOptions())
    assert len(df) == 71 * 3
    assert set(df["status"]) == {"optimal"}
    found = {row[PRICE]: row[TAKE_UP] for row in crossings(df, TAKE_UP, by=[PRICE])}
    assert found[4000.0] == pytest.approx(0.85, abs=0.005)
    assert found[4500.0] == pytest.approx(0.63, abs=0.005)
    assert found[5000.0] == pytest.approx(0.50, abs=0.005)


def test_infeasible_points_stay_in_the_table() -> None:
    axes = [Axis(TAKE_UP, (0.5, 0.7))]
    df = run_sweep(raw("oakfield_traded_offer"), axes, [], SolveOptions())
    assert list(df["status"]) == ["infeasible", "optimal"]
    assert pd.isna(df["objective"][0])
    assert pd.isna(df["traded_income_gbp"][0])  # blank where there is no plan, not 0
    assert pd.isna(df["specialist_fte"][0])
    assert df["traded_income_gbp"][1] > 0


def test_sweep_command_writes_table_and_plot(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "sweep",
            str(INSTANCES / "oakfield_traded_offer.json"),
            "--vary",
            f"{TAKE_UP}=0.40:0.90:0.05",
            "--vary",
            f"{PRICE}=4000,5000",
            "--set",
            "council_budget_cap_gbp=null",
            "--set",
            "traded_must_recover_cost=false",
            "--out",
            str(tmp_path),
            "--jobs",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"The council net cost crosses zero at {TAKE_UP} =" in " ".join(result.output.split())
    table = pd.read_csv(tmp_path / "sweep.csv")
    assert len(table) == 11 * 2
    assert (tmp_path / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_grant_falling_year_by_year_raises_the_net_cost(tmp_path: Path) -> None:
    axes = [Axis("funding_sources[grant_lac].amount_gbp", (665_000.0, 532_000.0, 399_000.0))]
    df = run_sweep(raw("oxfordshire_2015_16"), axes, [], SolveOptions())
    costs = list(df["objective"])
    assert costs[0] <= costs[1] <= costs[2]
    assert costs[2] > costs[0]
    bad = CliRunner().invoke(
        app,
        [
            "sweep",
            str(INSTANCES / "oxfordshire_2015_16.json"),
            "--vary",
            "functions[nope].min_fte=1,2",
            "--out",
            str(tmp_path),
        ],
    )
    assert bad.exit_code == 2
    assert "no list item with that id" in bad.output
