"""An independent check of priced sentences: move the instance's own figure behind a rule
by a small step and re-solve from scratch.

Each family maps to the instance field a person would change (one more FTE available, a
band one point wider, £1,000 more of a source, ...). Cost recovery has no such field: its
row's right-hand side (zero) is moved in a freshly built model instead.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pulp

from optimiser import SolveOptions, SolveStatus, parse_staffing
from optimiser.staffing import backend, model
from optimiser.staffing.solution import BindingRule
from optimiser.staffing.solve import TIE_BREAK

OPTIONS = SolveOptions(shadow_prices=False, diagnose=False)


def _find(items: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    found: dict[str, Any] = next(i for i in items if i[key] == value)
    return found


def _group(data: dict[str, Any], delta: float, ids: list[str]) -> bool:
    _find(data["staff_groups"], "id", ids[0])["fte_available"] += delta
    return True


def _min_deployed(data: dict[str, Any], delta: float, ids: list[str]) -> bool:
    _find(data["staff_groups"], "id", ids[0])["min_deployed_fte"] -= delta
    return True


def _function_min(data: dict[str, Any], delta: float, ids: list[str]) -> bool:
    """Lower whichever minimum binds (stated, or cases / cases per FTE); False where the two
    are within a step of each other (the other would take over)."""
    f = _find(data["functions"], "id", ids[0])
    stated = float(f.get("min_fte", 0.0))
    demand: dict[str, Any] = f.get("demand") or {"cases": 0.0, "cases_per_fte": 1.0}
    by_demand = float(demand["cases"]) / float(demand["cases_per_fte"])
    if by_demand >= stated:
        demand["cases"] = demand["cases"] - delta * demand["cases_per_fte"]
    else:
        f["min_fte"] = stated - delta
    return abs(by_demand - stated) > abs(delta)


def _function_max(data: dict[str, Any], delta: float, ids: list[str]) -> bool:
    _find(data["functions"], "id", ids[0])["max_fte"] += delta
    return True


def _take_up(data: dict[str, Any], delta: float, ids: list[str]) -> bool:
    traded = _find(data["functions"], "id", ids[0])["traded"]
    traded["take_up_share"] += delta / traded["schools_in_scope"]
    return bool(0 <= traded["take_up_share"] <= 1)


def _admin(data: dict[str, Any], delta: float, ids: list[str]) -> bool:
    data["admin_per_specialist_fte"] -= 0.01 * delta
    return True


def _band(side: str, sign: float) -> Any:
    def move(data: dict[str, Any], delta: float, ids: list[str]) -> bool:
        band = _find(data["bands"], "category", ids[0])
        band[side] = round(band[side] + sign * 0.01 * delta, 12)
        return bool(0 <= band[side] <= 1)

    return move


def _source(data: dict[str, Any], delta: float, ids: list[str]) -> bool:
    _find(data["funding_sources"], "id", ids[0])["amount_gbp"] += 1000 * delta
    return True


def _cap(data: dict[str, Any], delta: float, ids: list[str]) -> bool:
    data["council_budget_cap_gbp"] += 1000 * delta
    return True


FIELD_OF_FAMILY = {
    "staff_available": _group,
    "establishment": _group,
    "min_deployed": _min_deployed,
    "function_min": _function_min,
    "function_max": _function_max,
    "take_up": _take_up,
    "admin_ratio": _admin,
    "band_min": _band("min_share", -1.0),
    "band_max": _band("max_share", +1.0),
    "funding_amount": _source,
    "council_cap": _cap,
}


def optimum(data: dict[str, Any], value_held: float | None = None) -> tuple[float, float] | None:
    """(net cost, strategic value) of the instance as given, solved as the engine does."""
    return _solve_model(copy.deepcopy(data), None, 0.0, value_held)


def held(value: float) -> float:
    """The value the engine holds in its second solve under max_strategic_value."""
    return value - 1e-7 * max(1.0, abs(value))


def relaxed_optimum(
    data: dict[str, Any], rule: BindingRule, delta: float, value_held: float | None = None
) -> tuple[float, float] | None:
    """(net cost, strategic value: the first solve's highest, under max_strategic_value) of the
    instance with `rule` relaxed by `delta` steps
    (negative: tightened); None where the move leaves the field's range or the plan is gone.

    With `value_held`, the net cost is minimised with the strategic value held at least there
    (the second of the two solves under max_strategic_value).
    """
    moved = copy.deepcopy(data)
    if rule.family in FIELD_OF_FAMILY:
        if not FIELD_OF_FAMILY[rule.family](moved, delta, rule.ids):
            return None
        return _solve_model(moved, None, 0.0, value_held)
    return _solve_model(moved, rule.rule, delta * 1000.0, value_held)


def _solve_model(
    data: dict[str, Any], row: str | None, shift: float, value_held: float | None
) -> tuple[float, float] | None:
    """Build the model afresh from the moved instance (`row`'s zero limit lowered by `shift`
    pounds of allowed shortfall) and solve it: under max_strategic_value the highest value
    first, unless `value_held` fixes it; then the lowest net cost at that value."""
    try:
        instance = parse_staffing(data)
    except Exception:
        return None
    lp = model.build(instance)
    if row is not None:
        lp.problem.get_constraint_by_name(row).constant += shift  # lhs - rhs >= 0, rhs = -shift
    value = lp.strategic_value()
    best: float | None = None
    if value_held is None and instance.objective == "max_strategic_value":
        lp.problem.setObjective(-value)
        if backend.run(lp.problem, OPTIONS).status is not SolveStatus.OPTIMAL:
            return None
        best = float(pulp.value(value) or 0.0)
        value_held = best - 1e-7 * max(1.0, abs(best))
    if value_held is not None:
        lp.problem += (value >= value_held, "held")
    lp.problem.setObjective(lp.net_cost() + TIE_BREAK * pulp.lpSum(lp.general.values()))
    if backend.run(lp.problem, OPTIONS).status is not SolveStatus.OPTIMAL:
        return None
    reached = float(pulp.value(value) or 0.0) if best is None else best
    return float(pulp.value(lp.net_cost())), reached


_MONEY = re.compile(r"£([\d,]+)")


def stated_net_change(sentence: str) -> float:
    """The change in the council's net cost per step relaxed that a sentence states."""
    first = sentence.split(" The plan sits at a kink", maxsplit=1)[0]
    held = first.split("held at its optimum, ")[-1]
    said = held.split(" would ", 1)[1]
    if said.startswith("not change the council's net cost") or "would not change" in held:
        return 0.0
    found = _MONEY.search(said)
    assert found is not None, sentence
    figure = float(found.group(1).replace(",", ""))
    return -figure if said.startswith("save") else figure


def stated_value_change(sentence: str) -> float:
    """The strategic value gained per step relaxed that a sentence states."""
    found = re.search(r"strategic value by ([\d,.]+)", sentence)
    return 0.0 if found is None else float(found.group(1).replace(",", ""))
