"""Files in and out. The only module (with report.py) that touches the filesystem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from optimiser.core.collector import collector_paused
from optimiser.core.errors import InstanceError, Problem
from optimiser.files.parse import parse_instance
from optimiser.files.read import read_csv_folder, read_workbook
from optimiser.placements.schema import PlacementInstance
from optimiser.placements.solution import PlacementSolution
from optimiser.staffing.schema import StaffingInstance

MAX_FILE_BYTES = 256 * 1024 * 1024


def read_json(path: Path) -> Any:
    """Parse a JSON file; a bad file is an InstanceError that quotes none of its content."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InstanceError([Problem("(file)", f"file is larger than {MAX_FILE_BYTES} bytes")])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InstanceError([Problem("(file)", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InstanceError(
            [Problem("(file)", f"cannot read the file ({type(exc).__name__})")]
        ) from None
    try:
        with collector_paused(promote=False):  # as validating: a burst of small objects
            return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstanceError(
            [
                Problem(
                    "(file)", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
                )
            ]
        ) from None


def load_instance(path: Path | str) -> StaffingInstance | PlacementInstance:
    """Read and check an instance of any kind: a JSON file (its `kind` field says which), an
    .xlsx workbook, or a folder of CSV files (one per table)."""
    target = Path(path)
    if target.is_dir():
        return read_csv_folder(target)
    if target.suffix.lower() == ".xlsx":
        if not target.is_file():
            raise InstanceError([Problem("(file)", "file not found")])
        return read_workbook(target)
    return parse_instance(read_json(target))


def write_json(path: Path | str, model: BaseModel) -> None:
    """Write a model as indented JSON, making the folder."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(model.model_dump_json(indent=2) + "\n", encoding="utf-8")


def write_placements_csv(folder: Path | str, solution: PlacementSolution) -> None:
    """placements.csv, unplaced.csv and utilisation.csv in `folder`."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    placed = pd.DataFrame([p.model_dump(mode="json") for p in solution.placements])
    if not placed.empty:
        placed["weekdays"] = placed["weekdays"].map(" ".join)
    placed.to_csv(target / "placements.csv", index=False)
    unplaced = [u.model_dump(mode="json", exclude={"excluded", "full"}) for u in solution.unplaced]
    pd.DataFrame(unplaced, columns=["reference", "reason", "explanation", "penalty_gbp"]).to_csv(
        target / "unplaced.csv", index=False
    )
    pd.DataFrame([u.model_dump(mode="json") for u in solution.utilisation]).to_csv(
        target / "utilisation.csv", index=False
    )
