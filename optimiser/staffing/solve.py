"""check -> build -> run -> extract -> verify, for the staffing mix."""

from __future__ import annotations

import logging
import time

import pulp

from optimiser.core.options import SolveOptions
from optimiser.core.schema import Statistics
from optimiser.core.status import SolveStatus
from optimiser.core.verdict import judge
from optimiser.staffing import backend as pulp_backend
from optimiser.staffing import extract, model
from optimiser.staffing.explain import diagnose
from optimiser.staffing.prices import binding_rules, priced_over
from optimiser.staffing.schema import StaffingInstance
from optimiser.staffing.sensitivity import sensitivity
from optimiser.staffing.solution import StaffingSolution
from optimiser.staffing.solve_years import horizon_plan, infeasible_horizon
from optimiser.staffing.verify import verify_staffing

log = logging.getLogger(__name__)

TIE_BREAK = 1e-6
_WORST = [
    SolveStatus.OPTIMAL,
    SolveStatus.FEASIBLE,
    SolveStatus.NO_SOLUTION,
    SolveStatus.UNBOUNDED,
    SolveStatus.INFEASIBLE,
]


def solve_staffing(
    instance: StaffingInstance, options: SolveOptions | None = None
) -> StaffingSolution:
    """The cheapest deployment meeting every rule, verified; or a diagnosis of the conflict."""
    options = options or SolveOptions()
    started = time.perf_counter()
    lp = model.build(instance)
    build_seconds = time.perf_counter() - started
    status, run = optimise(lp, options)
    stats = Statistics(
        solver=run.solver,
        solver_version=run.solver_version,
        backend="pulp",
        build_seconds=round(build_seconds, 4),
        solve_seconds=round(run.seconds, 4),
        variables=lp.problem.numVariables(),
        constraints=lp.problem.numConstraints(),
        integer_variables=lp.integer_variables,
        objective_bound=run.bound,
        gap=run.gap,
    )
    log.info(
        "staffing solve: %d variables, %d constraints, status %s",
        stats.variables,
        stats.constraints,
        status.value,
    )
    base = StaffingSolution(
        instance=instance.name, status=status, objective=instance.objective, statistics=stats
    )
    if status is SolveStatus.INFEASIBLE:
        if instance.horizon:
            return infeasible_horizon(
                instance, base, options, lambda i: optimise(model.build(i), options)[0].has_solution
            )
        return base.model_copy(
            update={"diagnosis": diagnose(instance, options) if options.diagnose else None}
        )
    if not status.has_solution:
        return base
    return _verified(instance, lp, base, status, options)


def optimise(
    lp: model.StaffingLp, options: SolveOptions
) -> tuple[SolveStatus, pulp_backend.RunResult]:
    """min N; or max strategic value, then min N holding that value (two solves)."""
    statuses = []
    value = lp.strategic_value()
    if lp.instance.objective == "max_strategic_value" and any(c != 0 for c in value.values()):
        lp.problem.setObjective(-value)
        first = pulp_backend.run(lp.problem, options)
        if not first.status.has_solution:
            return first.status, first
        statuses.append(first.status)
        best = extract.val(value)
        lp.problem += (value >= best - 1e-7 * max(1.0, abs(best)), "hold_strategic_value")
    # A tie-break of a millionth of a pound per pound of general budget: among equally cheap
    # plans, traded income and other sources pay before the council (a readable ledger).
    lp.problem.setObjective(lp.net_cost() + TIE_BREAK * pulp.lpSum(lp.general.values()))
    run = pulp_backend.run(lp.problem, options)
    statuses.append(run.status)
    return max(statuses, key=_WORST.index), run


def _priced(instance: StaffingInstance) -> str:
    """What the sensitivity report's prices are a change in."""
    net = "the council's net cost"
    if instance.horizon:
        net += f" {priced_over(instance)}"
    if instance.objective == "max_strategic_value":
        return f"{net}, with the strategic value held at its optimum"
    return net


def _verified(
    instance: StaffingInstance,
    lp: model.StaffingLp,
    base: StaffingSolution,
    status: SolveStatus,
    options: SolveOptions,
) -> StaffingSolution:
    with_prices = (
        options.shadow_prices and lp.integer_variables == 0 and status is SolveStatus.OPTIMAL
    )
    binding = binding_rules(lp, with_prices, options) if options.shadow_prices else []
    if instance.horizon:
        plan = horizon_plan(lp, base, binding)
        if options.sensitivity:
            plan = plan.model_copy(update={"sensitivity": sensitivity(lp, _priced(instance))})
    else:
        rows = extract.functions(lp)
        plan = base.model_copy(
            update={
                "net_cost_gbp": round(extract.val(lp.net_cost()), 2),
                "strategic_value": round(extract.val(lp.strategic_value()), 4),
                "deployments": extract.deployments(lp),
                "groups": extract.groups(lp),
                "functions": rows,
                "categories": extract.categories(lp, rows),
                "ledger": extract.ledger(lp),
                "council": extract.council(lp),
                "traded_share": extract.traded_share(lp),
                "binding_rules": binding,
                "sensitivity": sensitivity(lp, _priced(instance)) if options.sensitivity else None,
            }
        )
    started = time.perf_counter()
    verdict = verify_staffing(instance, plan)
    stats = plan.statistics.model_copy(
        update={"verify_seconds": round(time.perf_counter() - started, 4)}
    )
    status, stats = judge(status, verdict, stats)
    if not verdict.passed:
        log.warning("time-limited staffing plan failed verification; reported as no_solution")
        return base.model_copy(update={"status": status, "statistics": stats})
    return plan.model_copy(update={"verification": verdict, "statistics": stats})


__all__ = ["solve_staffing"]
