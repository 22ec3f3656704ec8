"""The placement linear form: named column blocks, the side-rule registry, readable LP files."""

from __future__ import annotations

import json
from pathlib import Path

import highspy
import pytest
from typer.testing import CliRunner

from optimiser import parse_placements, solve
from optimiser.cli import app
from optimiser.placements.linear import Block, linear_form
from optimiser.placements.model import Structure, build, flow_blockers
from optimiser.placements.side import RULES, SideRule, relaxable
from tests.helpers import INSTANCES
from tests.placements_helpers import instance, provider, referral, run

runner = CliRunner()


def _three(**policy: object) -> dict[str, object]:
    provs = [provider("A", 100.0, quality_rating=4), provider("B", 120.0, quality_rating=2)]
    refs = [referral(f"R{k}") for k in range(3)]
    return instance(provs, refs, **policy)


def test_every_side_rule_has_one_registry_entry() -> None:
    assert set(RULES) == set(SideRule)
    assert all(rule.key is key for key, rule in RULES.items())


def test_blockers_come_from_the_registry() -> None:
    model = build(
        parse_placements(_three(budget_cap_gbp=5000, max_provider_share=0.5, min_average_quality=3))
    )
    assert flow_blockers(model) == [
        SideRule.BUDGET_CAP,
        SideRule.PROVIDER_SHARE_CAP,
        SideRule.MINIMUM_AVERAGE_QUALITY,
    ]
    assert relaxable(SideRule.BUDGET_CAP, model)
    assert relaxable(SideRule.MINIMUM_AVERAGE_QUALITY, model)
    assert not relaxable(SideRule.PROVIDER_SHARE_CAP, model)


def test_placed_count_is_its_own_integer_block() -> None:
    """With a share cap, Y is one integer column bounded by the number of referrals (3); the
    pair columns are 0/1. Without one, there is no Y column at all."""
    form = linear_form(build(parse_placements(_three(max_provider_share=0.5))))
    placed = form.blocks[Block.PLACED]
    assert (placed.size, placed.upper, placed.integer) == (1, 3.0, True)
    assert form.col_upper[form.columns(Block.ASSIGN)].tolist() == [1.0] * 6
    assert form.col_upper[placed.start] == 3.0
    plain = linear_form(build(parse_placements(_three())))
    assert Block.PLACED not in plain.blocks
    assert plain.n_cols == 6


def test_share_cap_optimum_on_both_mip_backends() -> None:
    """Three referrals, A £100/day and B £120/day, 2 days x 10 weeks: A costs £2,000 and B
    £2,400 a placement; unplaced, £300 x 2 x 10 = £6,000. A share cap of 50% holds both
    providers to half the placements: three placed would need A <= 1.5 and B <= 1.5, so two
    are placed, one at each: 2,000 + 2,400 + 6,000 = £10,400."""
    data = _three(max_provider_share=0.5)
    for solver in ("highs", "cpsat"):
        sol = run(data, solver)
        assert sol.totals is not None
        assert sol.totals.objective_gbp == pytest.approx(10400.0)


def test_unplaced_reason_comes_from_the_rule() -> None:
    """A budget of £2,500 pays for one placement at A (£2,000); the other two are stopped by
    the budget cap and say so."""
    sol = run(_three(budget_cap_gbp=2500))
    assert sorted(u.reason for u in sol.unplaced) == ["budget_cap", "budget_cap"]


def test_weekday_blocker_is_structure() -> None:
    model = build(parse_placements(json.loads((INSTANCES / "outreach_primary.json").read_text())))
    assert Structure.WEEKDAY_PLACES in flow_blockers(model)


def test_write_lp_names_rows_and_columns_and_reads_back(tmp_path: Path) -> None:
    """The county model written by `solve --write-lp` names rows and columns from ids, and
    HiGHS reading the file back finds the optimum the engine reports."""
    path = tmp_path / "county.lp"
    county = INSTANCES / "county_600x80.json"
    result = runner.invoke(app, ["solve", str(county), "--write-lp", str(path)])
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert " once(R00000):" in text
    assert "y(R00000,P0004,complex_bespoke)" in text
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(path))
    h.run()
    sol = solve(parse_placements(json.loads(county.read_text())))
    assert sol.totals is not None
    assert h.getInfo().objective_function_value == pytest.approx(sol.totals.objective_gbp, rel=1e-6)


def test_write_lp_staffing(tmp_path: Path) -> None:
    path = tmp_path / "staffing.lp"
    staffing = INSTANCES / "staffing_small.json"
    result = runner.invoke(app, ["solve", str(staffing), "--write-lp", str(path)])
    assert result.exit_code == 0, result.output
    assert "admin_statutory:" in path.read_text()
