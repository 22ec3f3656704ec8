"""Placements at scale: `python -m bench.scale [--quick]`.

For seeded generated instances (600 x 80; with the full run also 20,000 x 500 and a national
50,000 x 8,000) and three variants (no side constraints; a budget cap plus a minimum average
quality; places counted per weekday with pupils on 2-3 days a week) and, when named with
--variants, a fourth (`offers`: call-off bids, some using two places, a generalised assignment
problem), each method runs in a fresh process (so peak memory is its own; an `engine` row with
a limit measures only its parent, the solve runs in a child):

  engine      optimiser end to end: read the file, validate, build, solve, explain, verify,
              with the 60 s limit (so under the engine's supervisor, in a child process)
  engine_nl   the same without a time limit (in-process: no child, no pickling)
  flow        bare OR-Tools min-cost flow on prepared arrays (the limit, where it applies)
  highs       HiGHS through highspy on a prepared sparse matrix (the best direct MIP)
  pulp_cbc    a straightforward PuLP model solved by CBC, as an analyst would write it
  pulp_highs  the same PuLP model solved by HiGHS (PuLP's highspy interface)
  cpsat       the MIP's rows as a CP-SAT model (8 workers), from the same arrays

and the table gives each figure with its ratio to `flow` (no side constraints) or `highs`
(others), measured in this one run, and checks that every method found the same optimum.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZES_QUICK = [(600, 80)]
SIZES_FULL = [(600, 80), (20_000, 500), (50_000, 8_000)]
GAP = 1e-3  # 0.1%
TIME_LIMIT = 60.0
METHODS = ("engine", "engine_nl", "flow", "highs", "pulp_cbc", "pulp_highs", "cpsat")
VARIANTS = ("plain", "budget_quality", "weekday", "offers")


def make_instance(n: int, m: int, variant: str, folder: Path) -> Path:
    from bench.instances import with_binding_side_rules  # noqa: PLC0415
    from optimiser.placements.generate import generate_placements  # noqa: PLC0415

    national = m >= 5_000
    kw: dict[str, Any] = {
        "start_weeks": 4,
        "offers": variant == "offers",  # call-off bids, some using two places (a GAP)
        "moves": False,
        "side_km": 450.0 if national else 60.0,
    }
    if variant == "weekday":
        kw.update(weekday_places=True, days=(2, 3))
    instance = generate_placements(n, m, seed=7, **kw)
    if variant == "budget_quality":
        instance = with_binding_side_rules(instance)
    path = folder / f"{variant}_{n}x{m}.json"
    path.write_text(instance.model_dump_json())
    return path


def child(method: str, path: str) -> dict[str, Any]:
    """One method on one instance, in this (fresh) process."""
    from optimiser import SolveOptions, parse_placements, solve  # noqa: PLC0415
    from optimiser.files.io import read_json  # noqa: PLC0415
    from optimiser.placements.model import build  # noqa: PLC0415

    started, cpu = time.perf_counter(), time.process_time()
    data = read_json(Path(path))  # the engine's reader, as `optimiser solve FILE` reads
    loaded = time.perf_counter()
    instance = parse_placements(data)
    validated = time.perf_counter()
    out: dict[str, Any] = {
        "method": method,
        "load": loaded - started,
        "validate": validated - loaded,
    }
    if method in ("engine", "engine_nl"):
        limit = TIME_LIMIT if method == "engine" else None  # engine_nl: in-process, no limit
        sol = solve(instance, SolveOptions(time_limit_seconds=limit, mip_gap=GAP))
        s = sol.statistics
        out.update(
            status=sol.status.value,
            objective=sol.totals.objective_gbp if sol.totals else None,
            build=s.build_seconds,
            solve=s.solve_seconds,
            verify=s.verify_seconds,
            backend=sol.backend,
            gap=s.gap,
            total=time.perf_counter() - started,
            cpu=time.process_time() - cpu,  # this process only: with a limit, not the child
        )
    else:
        model = build(instance)
        out.update(_direct(method, model))
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def _direct(method: str, model: Any) -> dict[str, Any]:
    from optimiser.placements.model import flow_blockers, objective  # noqa: PLC0415

    if method == "flow":
        from optimiser.placements.backends.flow import choice_of, flow_arrays, run_flow  # noqa: PLC0415

        if flow_blockers(model):
            return {"status": "n/a", "note": ", ".join(flow_blockers(model))}  # codes
        arrays = flow_arrays(model)
        t, cpu = time.perf_counter(), time.process_time()
        flows = run_flow(arrays)
        solve_s, cpu = time.perf_counter() - t, time.process_time() - cpu
        choice = choice_of(model, flows)
        return {
            "status": "optimal",
            "objective": objective(model, choice),
            "solve": solve_s,
            "total": solve_s,
            "cpu": cpu,
        }
    if method == "highs":
        return _highs(model, lp=not flow_blockers(model))
    if method == "cpsat":
        return _cpsat(model)
    return _pulp(model, method)


def _cpsat(model: Any) -> dict[str, Any]:
    from optimiser import SolveOptions  # noqa: PLC0415
    from optimiser.placements.backends.cpsat import solve_cpsat  # noqa: PLC0415
    from optimiser.placements.model import objective  # noqa: PLC0415

    plan = solve_cpsat(model, SolveOptions(time_limit_seconds=TIME_LIMIT, mip_gap=GAP))
    found = plan.status.has_solution
    return {
        "status": plan.status.value,
        "objective": objective(model, plan.choice) if found else None,
        "solve": plan.seconds,
        "total": plan.seconds,
    }


def _highs(model: Any, *, lp: bool) -> dict[str, Any]:
    """The MIP, or with no side constraint the LP (its optimum is integral: a network)."""
    import highspy  # noqa: PLC0415

    from optimiser.placements.backends.highs import highs_lp, map_highs_status  # noqa: PLC0415
    from optimiser.placements.linear import linear_form  # noqa: PLC0415

    t = time.perf_counter()
    form = linear_form(model)
    problem = highs_lp(form)
    if lp:
        problem.integrality_ = []
    built = time.perf_counter() - t
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", GAP)
    h.setOptionValue("time_limit", TIME_LIMIT)
    t = time.perf_counter()
    h.passModel(problem)
    h.run()
    solve_s = time.perf_counter() - t
    info = h.getInfo()
    status = map_highs_status(h.getModelStatus(), info.primal_solution_status)
    return {
        "status": status.value,
        "objective": info.objective_function_value if status.has_solution else None,
        "build": built,
        "solve": solve_s,
        "total": built + solve_s,
    }


def _pulp(model: Any, method: str) -> dict[str, Any]:
    """What an analyst would write: a PuLP variable per eligible pair, a constraint per rule."""
    import pulp  # noqa: PLC0415

    from optimiser.placements.linear import linear_form  # noqa: PLC0415

    t = time.perf_counter()
    form = linear_form(model)
    prob = pulp.LpProblem("placements", pulp.LpMinimize)
    upper = form.col_upper
    x = [
        pulp.LpVariable(
            f"x{j}",
            0,
            upper[j],
            cat=pulp.LpBinary if upper[j] == 1 else pulp.LpInteger,
        )
        for j in range(form.n_cols)
    ]
    prob += pulp.lpSum(c * x[j] for j, c in enumerate(form.c) if c) + form.offset
    a = form.a
    for k in range(a.shape[0]):
        expr = pulp.lpSum(
            v * x[j]
            for j, v in zip(
                a.indices[a.indptr[k] : a.indptr[k + 1]],
                a.data[a.indptr[k] : a.indptr[k + 1]],
                strict=True,
            )
        )
        lo, hi = form.lo[k], form.hi[k]
        if lo == hi:
            prob += expr == hi
        elif hi != float("inf"):
            prob += expr <= hi
        if lo != float("-inf") and lo != hi:
            prob += expr >= lo
    built = time.perf_counter() - t
    t = time.perf_counter()
    if method == "pulp_highs":
        solver: Any = pulp.HiGHS(msg=False, timeLimit=TIME_LIMIT, gapRel=GAP)
    else:
        solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=TIME_LIMIT, gapRel=GAP)
    prob.solve(solver)
    solve_s = time.perf_counter() - t
    status = (
        "optimal" if prob.sol_status == pulp.LpSolutionOptimal else pulp.LpSolution[prob.sol_status]
    )
    return {
        "status": status.lower(),
        "objective": pulp.value(prob.objective),
        "build": built,
        "solve": solve_s,
        "total": built + solve_s,
    }


def run(method: str, path: Path) -> dict[str, Any]:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.scale", "--child", method, str(path)],
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT + 120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"method": method, "status": "timeout", "note": f"over {TIME_LIMIT + 120:.0f} s"}
    if done.returncode != 0:
        return {"method": method, "status": "error", "note": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("METHOD", "FILE"))
    parser.add_argument("--sizes", help="e.g. 20000x500,600x80 (default: all of the run)")
    parser.add_argument("--variants", help=f"some of {','.join(VARIANTS)}")
    parser.add_argument("--methods", help=f"some of {','.join(METHODS)}")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    sizes = SIZES_QUICK if args.quick else SIZES_FULL
    if args.sizes:
        sizes = [(int(a), int(b)) for a, b in (s.split("x") for s in args.sizes.split(","))]
    variants = args.variants.split(",") if args.variants else list(VARIANTS)
    with tempfile.TemporaryDirectory() as folder:
        for n, m in sizes:
            for variant in variants:
                if variant == "offers" and not args.variants:
                    continue  # the generalised-assignment rows: asked for by name
                national = m >= 5_000
                if variant != "plain" and national:
                    continue
                methods = ["engine", "engine_nl", "flow"] if national else list(METHODS)
                if args.methods:
                    methods = [x for x in methods if x in args.methods.split(",")]
                path = make_instance(n, m, variant, Path(folder))
                rows = [run(method, path) for method in methods]
                _print(n, m, variant, rows)


def _print(n: int, m: int, variant: str, rows: list[dict[str, Any]]) -> None:
    ref_name = "flow" if variant == "plain" else "highs"
    ref = next((r for r in rows if r["method"] == ref_name and r.get("total")), None)
    best = next(
        (r["objective"] for r in rows if r["method"] == ref_name and r.get("objective")), None
    )
    print(f"\n{variant} · {n:,} referrals x {m:,} providers (ratios to {ref_name})")
    print(
        f"{'method':10} {'status':12} {'objective £':>15} {'load':>6} {'valid.':>6} {'build':>7} "
        f"{'solve':>8} {'verify':>6} {'total s':>8} {'x ' + ref_name:>8} {'peak MB':>8}  same"
        "  (cpu s, x)"
    )
    cpu_ref = ref.get("cpu") if ref else None
    for r in rows:
        ratio = f"{r['total'] / ref['total']:.2f}" if ref and r.get("total") else "-"
        obj = r.get("objective")
        same = (
            "-"
            if obj is None or best is None
            else ("yes" if abs(obj - best) <= GAP * abs(best) + 1 else "NO")
            if math.isfinite(obj) and math.isfinite(best)
            else "-"
        )
        shown = "-" if obj is None else f"{obj:,.0f}"
        cells = [_s(r.get(k)) for k in ("load", "validate")]
        cells += [_s(r.get("build"), 7), _s(r.get("solve"), 8), _s(r.get("verify"))]
        cells += [_s(r.get("total"), 8), f"{ratio:>8}", _s(r.get("peak_mb"), 8, 0)]
        note = f"  ({r['note']})" if r.get("note") else ""
        if r.get("gap") is not None and r.get("status") != "optimal":
            note += f"  (gap {r['gap']:.2%})"
        if r.get("cpu") and cpu_ref:
            note += f"  ({r['cpu']:.2f}, {r['cpu'] / cpu_ref:.2f})"
        status = str(r.get("status"))[:12]
        print(f"{r['method']:10} {status:12} {shown:>15} {' '.join(cells)}  {same}{note}")


def _s(value: Any, width: int = 6, digits: int = 2) -> str:
    return f"{value:>{width}.{digits}f}" if isinstance(value, int | float) else f"{'-':>{width}}"


if __name__ == "__main__":
    main()
