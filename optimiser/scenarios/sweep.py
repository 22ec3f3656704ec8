"""Scenario sweeps: the cartesian product of values for numeric fields, solved in parallel.

A field is a dotted path into the instance; list items are picked by position or by id (a
band by its category): `functions[outreach].traded.take_up_share`, `bands[traded].max_share`,
`providers[P0004].places`, `policy.budget_cap_gbp`. Values are `a,b,c` or `start:stop:step`
(both ends included).
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import pandas as pd

from optimiser.core.errors import InstanceError, OptimiserError, Problem
from optimiser.core.options import SolveOptions
from optimiser.files.frames import objective
from optimiser.files.parse import parse_instance
from optimiser.placements.solution import PlacementSolution
from optimiser.scenarios.settings import set_field
from optimiser.solve import Solution, solve
from optimiser.staffing.schema import Category
from optimiser.staffing.solution import StaffingSolution

MAX_POINTS = 100_000


@dataclass(frozen=True)
class Axis:
    """One swept field and its values."""

    path: str
    values: tuple[float, ...]


def parse_values(text: str) -> tuple[float, ...]:
    """`a,b,c` or `start:stop:step` (inclusive)."""
    try:
        if ":" in text:
            start, stop, step = (float(x) for x in text.split(":"))
            if step <= 0 or stop < start:
                raise ValueError
            count = math.floor((stop - start) / step + 1e-9) + 1
            return tuple(round(start + k * step, 10) for k in range(count))
        return tuple(float(x) for x in text.split(","))
    except ValueError:
        raise InstanceError([Problem("--vary", "values are a,b,c or start:stop:step")]) from None


def parse_axis(spec: str) -> Axis:
    """An axis from FIELD=VALUES."""
    path, _, values = spec.partition("=")
    if not values:
        raise InstanceError([Problem("--vary", "expected FIELD=VALUES")])
    return Axis(path.strip(), parse_values(values.strip()))


def scenarios(
    base: dict[str, Any], axes: Sequence[Axis], settings: Sequence[tuple[str, Any]] = ()
) -> list[tuple[dict[str, float], dict[str, Any]]]:
    """Each point of the product with its instance data (the base is never changed)."""
    total = math.prod(len(a.values) for a in axes)
    if total > MAX_POINTS:
        raise InstanceError([Problem("--vary", f"{total} points; at most {MAX_POINTS}")])
    fixed = copy.deepcopy(base)
    for path, value in settings:
        set_field(fixed, path, value)
    out = []
    for point in itertools.product(*(a.values for a in axes)):
        data = copy.deepcopy(fixed)
        for axis, value in zip(axes, point, strict=True):
            set_field(data, axis.path, value)
        out.append(({a.path: v for a, v in zip(axes, point, strict=True)}, data))
    return out


def _solve_point(data: dict[str, Any], options: SolveOptions) -> Solution | str:
    try:
        return solve(parse_instance(data), options)
    except InstanceError as exc:
        return "invalid: " + "; ".join(str(p) for p in exc.problems)
    except OptimiserError as exc:
        return f"{exc.code}: {exc}"


def run_sweep(
    base: dict[str, Any],
    axes: Sequence[Axis],
    settings: Sequence[tuple[str, Any]],
    options: SolveOptions,
    executor: Executor | None = None,
) -> pd.DataFrame:
    """One row per point: the varied values, status, objective and the kind's key figures."""
    points = scenarios(base, axes, settings)
    if executor is None:
        results = [_solve_point(d, options) for _, d in points]
    else:
        futures = [executor.submit(_solve_point, d, options) for _, d in points]
        results = [f.result() for f in futures]
    return pd.DataFrame(
        [{**values, **key_figures(r)} for (values, _), r in zip(points, results, strict=True)]
    )


def key_figures(result: Solution | str) -> dict[str, Any]:
    """A result's key figures as one row of the sweep table."""
    if isinstance(result, str):
        return {"status": "error", "objective": None, "error": result}
    row: dict[str, Any] = {"status": result.status.value, "objective": objective(result)}
    if not result.status.has_solution:  # no plan: its figures are blank, not 0
        return row
    if isinstance(result, StaffingSolution):
        shares = {c.category: c.share for c in result.categories}
        row.update({f"{c.value}_share": shares.get(c) for c in Category})
        row["traded_income_gbp"] = sum(f.income_gbp for f in result.functions)
        row["specialist_fte"] = sum(c.specialist_fte for c in result.categories)
        for year in result.years:  # a plan over years: each year's net cost and shares
            row[f"net_gbp[{year.year}]"] = year.net_cost_gbp
            row.update({f"{c.category.value}_share[{year.year}]": c.share for c in year.categories})
    elif isinstance(result, PlacementSolution) and result.totals is not None:
        t = result.totals
        row.update({"placed": t.placed, "unplaced": t.unplaced, "spend_gbp": t.spend_gbp})
    return row


def crossings(
    df: pd.DataFrame, x: str, y: str = "objective", by: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Where `y` changes sign along `x` (linear interpolation), within each group of `by`:
    for a council's net cost, the break-even point."""
    out = []
    groups = df.groupby(list(by)) if by else [((), df)]
    for key, group in groups:
        g = group.dropna(subset=[y]).sort_values(x)
        xs, ys = g[x].to_list(), g[y].to_list()
        for (x0, y0), (x1, y1) in itertools.pairwise(zip(xs, ys, strict=True)):
            if y0 == 0 or (y0 > 0) != (y1 > 0):
                at = x0 if y0 == 0 else x0 + (x1 - x0) * y0 / (y0 - y1)
                labels = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
                out.append({**labels, x: at})
                break
    return out
