"""The four wrong prices, the share rounding and the admin ratio's scope, each on its own
small instance (tests/repro), with the right figure worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from optimiser import SolveStatus, parse_staffing, solve
from optimiser.staffing.schema import Category
from optimiser.staffing.solution import BindingRule, StaffingSolution

DATA = Path(__file__).resolve().parent / "repro"


def _solve(name: str) -> StaffingSolution:
    data = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    solution = solve(parse_staffing(data))
    assert solution.status is SolveStatus.OPTIMAL
    return solution


def _rule(solution: StaffingSolution, key: str) -> BindingRule:
    return next(b for b in solution.binding_rules if b.rule == key)


def test_money_that_is_not_ring_fenced() -> None:
    """The small instance with the DSG not ring-fenced: left-over money goes to the council,
    so each extra £1,000 of it lowers the net cost by £1,000 whether spent or not."""
    dsg = _rule(_solve("staffing_shadow_other_source"), "source_dsg")
    assert dsg.shadow_price_gbp == pytest.approx(-1_000, abs=1)
    assert "would save the council £1,000 a year" in dsg.sentence


def test_establishment_of_a_group_that_may_release_staff() -> None:
    """Advisers releasable at £40,000: one more FTE on the establishment is kept (£50,000)
    and lets traded work grow by 0.5 FTE (£30,000 of income): +£20,000. Released instead it
    would cost £40,000, so keeping it is cheaper."""
    rule = _rule(_solve("staffing_shadow_establishment"), "establishment_advisers")
    assert rule.shadow_price_gbp == pytest.approx(20_000, abs=1)
    assert rule.sentence.startswith(
        "One more FTE of Advisers on the establishment would add £20,000 a year"
    )
    assert rule.sentence.endswith(": it costs £50,000 and frees £30,000 elsewhere.")


def test_staff_availability_when_a_group_sits_wholly_on_one_function() -> None:
    """Consultants (2 FTE at £50,000) earn £80,000 an FTE on traded work without limit: one
    more FTE costs £50,000 and earns £80,000, saving £30,000."""
    rule = _rule(_solve("staffing_shadow_bound_absorbs_dual"), "available_consultants")
    assert rule.shadow_price_gbp == pytest.approx(-30_000, abs=1)
    assert rule.sentence == (
        "One more FTE of Consultants would save £30,000 a year (valid however far it is "
        "relaxed): it costs £50,000 and frees £80,000 elsewhere."
    )


def test_every_sentence_under_max_strategic_value() -> None:
    """Officers (3 FTE, release free) on a duty (min 1 FTE) and a project worth 2 an FTE,
    cap £200,000: value 4 (2 FTE on the project), net £150,000. One FTE less on the duty
    puts 1 more FTE on the project: value +2, net unchanged; with the value held at 4 it
    would instead release that FTE: net -£50,000. One more officer (£50,000, within the
    cap's £50,000 of room) adds 2 of value; held at 4, it is released at no cost."""
    solution = _solve("staffing_shadow_max_value")
    duty = _rule(solution, "min_fte_duty")
    assert duty.value_per_step == pytest.approx(2.0, abs=1e-6)
    assert duty.shadow_price_gbp == pytest.approx(-50_000, abs=1)
    assert duty.sentence == (
        "Each FTE less required on Statutory duty would raise the strategic value by 2.00 "
        "(valid for all 1.00 FTE); with the strategic value held at its optimum, it would "
        "save the council £50,000 a year."
    )
    officers = _rule(solution, "establishment_officers")
    assert officers.value_per_step == pytest.approx(2.0, abs=1e-6)
    assert "held at its optimum" in officers.sentence
    assert all("held at its optimum" in b.sentence for b in solution.binding_rules)


def test_shares_and_binds_from_unrounded_values() -> None:
    """The 4% core floor binds at 0.004583 core FTE against 0.114583 in all: the share is
    exactly 4%, and it binds."""
    core = next(
        c for c in _solve("staffing_share_rounding").categories if c.category is Category.CORE
    )
    assert core.share == pytest.approx(0.04, abs=1e-9)
    assert core.binds == "min"


def test_admin_ratio_applies_on_each_function() -> None:
    """0.4 admin FTE per specialist FTE on each function: the project (0.5 FTE) may carry
    0.2 admin FTE on its grant, the duty (2 FTE) needs 0.8. Staff cost 2.5 x 50,000 +
    30,000 = £155,000; the grant pays the project's 0.5 x 50,000 + 0.2 x 30,000 = £31,000:
    net £124,000 (service-wide, all 1.0 admin FTE could sit on the project: £115,000)."""
    assert _solve("staffing_admin_ratio_scope").net_cost_gbp == pytest.approx(124_000, abs=0.5)


def test_shares_of_a_tiny_plan_verify() -> None:
    """A £1 grant (not ring-fenced) on a core-plus function buys 1/30,000 FTE there; the 10%
    core floor then needs a ninth of that on core. Shares are reported unrounded (10%, 90%)
    and the verifier allows for the deployments' published rounding."""
    data = json.loads((DATA / "staffing_share_rounding.json").read_text(encoding="utf-8"))
    data["staff_groups"] = [
        {
            "id": f"g{i}",
            "name": f"Group {i}",
            "role": "specialist",
            "fte_available": 1.0,
            "cost_per_fte_gbp": 30_000,
        }
        for i in range(2)
    ]
    data["functions"] = [
        {"id": "f0", "name": "Function 0", "category": "core_plus"},
        {"id": "f1", "name": "Function 1", "category": "core"},
    ]
    data["bands"] = [{"category": "core", "min_share": 0.1, "max_share": 0.2}]
    data["funding_sources"] = [
        {"id": "s0", "name": "Grant", "amount_gbp": 1, "functions": ["f0"], "ring_fenced": False}
    ]
    solution = solve(parse_staffing(data))
    assert solution.status is SolveStatus.OPTIMAL
    core = next(c for c in solution.categories if c.category is Category.CORE)
    assert core.share == pytest.approx(0.1, abs=1e-9)
    assert core.binds == "min"
