"""Batch solves from scripts and the command line, locally and on a Dask LocalCluster."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from optimiser import load_instance
from optimiser.cli import app
from optimiser.core.options import SolveOptions
from optimiser.files.frames import frames, objective
from optimiser.scenarios.batch import executor_for, run_batch, solve_many
from tests.helpers import INSTANCES

BUNDLED = sorted(str(p) for p in INSTANCES.glob("*.json"))


def test_solve_many_in_parallel_matches_serial() -> None:
    instances = [load_instance(p) for p in BUNDLED]
    serial = solve_many(instances)
    parallel = solve_many(instances, jobs=2)
    assert [s.instance for s in parallel] == [i.name for i in instances]
    assert [objective(s) for s in parallel] == pytest.approx(
        [objective(s) for s in serial], abs=0.01
    )


def test_frames_for_scripts() -> None:
    staffing = frames(solve_many([load_instance(INSTANCES / "oxfordshire_2015_16.json")])[0])
    assert set(staffing) == {
        "allocation",
        "groups",
        "functions",
        "categories",
        "ledger",
        "binding_rules",
    }
    assert isinstance(staffing["categories"], pd.DataFrame)
    assert staffing["categories"]["share"].sum() == pytest.approx(1.0)
    placements = frames(solve_many([load_instance(INSTANCES / "dps_small.json")])[0])
    assert list(placements["unplaced"]["reference"]) == ["DPS-020"]
    assert len(placements["placements"]) == 19


def test_batch_goes_on_after_a_failure(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"kind": "staffing", "name": "x"}')
    rows = run_batch(
        [BUNDLED[0], str(bad), BUNDLED[1]], SolveOptions(), str(tmp_path / "out"), None
    )
    assert [r.status for r in rows] == ["optimal", "invalid", "optimal"]
    assert rows[1].error is not None
    assert "required field is missing" in rows[1].error
    assert rows[1].error.startswith("2 input problem(s): staff_groups: required field is missing; ")
    assert rows[1].error.endswith("functions: required field is missing")
    assert rows[1].instance == "broken"  # unreadable: named by its file
    assert rows[0].instance == load_instance(BUNDLED[0]).name
    assert (tmp_path / "out" / f"{Path(BUNDLED[0]).stem}.json").is_file()


def test_batch_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["batch", *BUNDLED, "--jobs", "2", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert list(summary.columns) == [
        "instance",
        "kind",
        "status",
        "objective",
        "build_seconds",
        "solve_seconds",
        "seconds",
        "error",
        "file",
    ]
    assert set(summary["status"]) == {"optimal"}
    assert len(summary) == len(BUNDLED)
    first = json.loads((tmp_path / f"{Path(BUNDLED[0]).stem}.json").read_text())
    assert first["status"] == "optimal"


def test_the_same_batch_on_a_dask_cluster() -> None:
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
        ) as cluster,
        executor_for(cluster=cluster.scheduler_address) as pool,
    ):
        rows = run_batch(BUNDLED, SolveOptions(), None, pool)
        many = solve_many([load_instance(BUNDLED[0])], executor=pool)
    local = run_batch(BUNDLED, SolveOptions(), None, None)
    assert [r.objective for r in rows] == pytest.approx([r.objective for r in local], abs=0.01)
    assert objective(many[0]) == pytest.approx(local[0].objective, abs=0.01)
