"""Plans over years: a hand-worked two-year optimum, one year equal to today's plan, solver
agreement, whole posts, funding drivers and totals, the surplus share and the verifier."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings

from optimiser import InstanceError, SolveOptions, SolveStatus, parse_staffing, solve
from optimiser.staffing.solution import StaffingSolution, YearResult
from optimiser.staffing.verify import verify_staffing
from tests.helpers import raw
from tests.test_staffing_properties import _bands_valid, staffing_instances

BUNDLED_ONE_YEAR = ["staffing_small", "oxfordshire_2015_16", "oakfield_traded_offer"]
BUNDLED_YEARS = ["oxfordshire_2015_18", "bromley_outreach_pilot"]


def two_years(**extra: Any) -> dict[str, Any]:
    """Three groups, three functions, two years, no money but the council's."""
    data: dict[str, Any] = {
        "kind": "staffing",
        "name": "two_years",
        "staff_groups": [
            {
                "id": "advisers",
                "name": "Advisers",
                "role": "specialist",
                "fte_available": 2.0,
                "cost_per_fte_gbp": 50_000,
                "skills": ["advice"],
                "release_cost_per_fte_gbp": 30_000,
                "hire_cost_per_fte_gbp": 10_000,
            },
            {
                "id": "analysts",
                "name": "Analysts",
                "role": "specialist",
                "fte_available": 1.0,
                "cost_per_fte_gbp": 40_000,
                "skills": ["data"],
                "release_cost_per_fte_gbp": 45_000,
            },
            {
                "id": "officers",
                "name": "Project officers",
                "role": "specialist",
                "fte_available": 0.0,
                "cost_per_fte_gbp": 30_000,
                "skills": ["projects"],
                "hire_cost_per_fte_gbp": 10_000,
            },
        ],
        "functions": [
            {
                "id": "duty",
                "name": "Duty",
                "category": "core",
                "min_fte": 2.0,
                "required_skill": "advice",
            },
            {
                "id": "data",
                "name": "Data",
                "category": "core",
                "min_fte": 1.0,
                "required_skill": "data",
            },
            {
                "id": "project",
                "name": "Project",
                "category": "core_plus",
                "required_skill": "projects",
            },
        ],
        "years": [
            {"id": "y1"},
            {
                "id": "y2",
                "functions": [
                    {"id": "duty", "min_fte": 1.0},
                    {"id": "data", "min_fte": 0.0},
                    {"id": "project", "min_fte": 1.0},
                ],
            },
        ],
    }
    data.update(extra)
    return data


def group(year: YearResult, group_id: str) -> Any:
    return next(g for g in year.groups if g.group == group_id)


def test_hand_worked_two_years_hire_keep_release() -> None:
    """Advisers (2 FTE, £50,000, release £30,000): year 2 needs 1; keeping the second costs
    £50,000, releasing it £30,000 -> release 1 at the start of year 2.
    Analysts (1 FTE, £40,000, release £45,000): year 2 needs none; keeping costs £40,000 <
    £45,000 -> keep. Project officers (none, £30,000, hire £10,000): year 2 needs 1; hiring in
    year 2 costs £40,000, in year 1 £70,000 -> hire in year 2.
    Year 1: 2 x 50,000 + 40,000 = £140,000. Year 2: 50,000 + 30,000 + 40,000 + 30,000 + 10,000 =
    £160,000. Total £300,000; discounted at 3.5%: 140,000 + 160,000 / 1.035 = £294,589.37."""
    sol = solve(parse_staffing(two_years()))
    assert sol.status is SolveStatus.OPTIMAL
    y1, y2 = sol.years
    assert y1.net_cost_gbp == pytest.approx(140_000, abs=0.5)
    assert y2.net_cost_gbp == pytest.approx(160_000, abs=0.5)
    assert sol.net_cost_gbp == pytest.approx(300_000, abs=0.5)
    assert group(y2, "advisers").released_fte == pytest.approx(1.0)
    assert group(y2, "advisers").release_cost_gbp == pytest.approx(30_000)
    assert group(y2, "analysts").released_fte == pytest.approx(0.0)
    assert group(y2, "analysts").idle_fte == pytest.approx(1.0)
    assert group(y1, "officers").hired_fte == pytest.approx(0.0)
    assert group(y2, "officers").hired_fte == pytest.approx(1.0)
    assert group(y2, "officers").hire_cost_gbp == pytest.approx(10_000)
    assert sol.verification is not None
    assert sol.verification.passed
    discounted = solve(parse_staffing(two_years(discount=True)))
    assert discounted.net_cost_gbp == pytest.approx(300_000, abs=0.5)
    assert discounted.discounted_net_cost_gbp == pytest.approx(294_589.37, abs=0.5)


def test_most_change_a_year_keeps_the_adviser() -> None:
    """With at most 0 FTE of change a year the adviser stays: year 2 costs £20,000 more."""
    data = two_years()
    data["staff_groups"][0]["max_change_fte"] = 0.0
    sol = solve(parse_staffing(data))
    assert sol.net_cost_gbp == pytest.approx(320_000, abs=0.5)
    assert group(sol.years[1], "advisers").released_fte == pytest.approx(0.0)


def test_turnover_is_replaced_by_hires() -> None:
    """Half the advisers leave each year: year 1 starts with 1 and needs 2, so 1 is hired
    (£10,000); year 2 starts with 1 and needs 1: nothing. Year 1: 100,000 + 10,000 + 40,000;
    year 2: 50,000 + 40,000 + 40,000 (officers hired) -> £280,000."""
    data = two_years()
    data["staff_groups"][0]["turnover_share"] = 0.5
    sol = solve(parse_staffing(data))
    y1, y2 = sol.years
    assert group(y1, "advisers").turnover_fte == pytest.approx(1.0)
    assert group(y1, "advisers").hired_fte == pytest.approx(1.0)
    assert group(y2, "advisers").retained_fte == pytest.approx(1.0)
    assert sol.net_cost_gbp == pytest.approx(280_000, abs=0.5)


def test_first_infeasible_year_is_named() -> None:
    """A year-2 cap of £100,000 is below the cheapest year 2 (£160,000)."""
    data = two_years()
    data["years"][1]["cap_gbp"] = 100_000
    sol = solve(parse_staffing(data))
    assert sol.status is SolveStatus.INFEASIBLE
    assert sol.first_infeasible_year == "y2"
    assert sol.diagnosis is not None
    assert sol.diagnosis.summary.startswith("from y2:")
    assert any("y2" in c.ids for c in sol.diagnosis.conflicts)


@pytest.mark.parametrize("name", BUNDLED_ONE_YEAR)
def test_one_year_horizon_equals_the_one_year_plan(name: str) -> None:
    data = raw(name)
    today = solve(parse_staffing(data))
    data["years"] = [{"id": "2015-16"}]
    horizon = solve(parse_staffing(data))
    assert horizon.status is today.status
    assert horizon.net_cost_gbp == pytest.approx(today.net_cost_gbp, abs=0.5)
    assert horizon.years[0].net_cost_gbp == pytest.approx(today.net_cost_gbp, abs=0.5)


# Found by this test on a fresh machine: HiGHS returned a free release of 0.000001 of a whole
# post (within its integrality tolerance), which the verifier rightly refused as off the step.
RELEASE_OFF_THE_STEP = {
    "kind": "staffing",
    "name": "random",
    "staff_groups": [
        {
            "id": "g0",
            "name": "Group 0",
            "role": "specialist",
            "fte_available": 3.0,
            "cost_per_fte_gbp": 30000,
            "skills": ["a"],
            "release_cost_per_fte_gbp": 0,
        },
        {
            "id": "g1",
            "name": "Group 1",
            "role": "specialist",
            "fte_available": 3.0,
            "cost_per_fte_gbp": 30000,
            "skills": ["a"],
        },
    ],
    "functions": [
        {
            "id": "f0",
            "name": "Function 0",
            "category": "core",
            "min_fte": 0.5,
            "strategic_value_per_fte": 0,
        },
        {
            "id": "f1",
            "name": "Function 1",
            "category": "core",
            "min_fte": 0.0,
            "strategic_value_per_fte": 1,
        },
    ],
    "bands": [],
    "funding_sources": [],
    "admin_per_specialist_fte": 0.0,
    "traded_must_recover_cost": False,
    "objective": "max_strategic_value",
    "fte_step": 1.0,
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(staffing_instances())
@example(data=RELEASE_OFF_THE_STEP)
def test_one_year_horizon_equals_the_one_year_plan_on_random_instances(
    data: dict[str, Any],
) -> None:
    assume(_bands_valid(data))
    options = SolveOptions(diagnose=False)
    today = solve(parse_staffing(data), options)
    horizon = solve(parse_staffing({**data, "years": [{"id": "only"}]}), options)
    assert horizon.status is today.status
    if today.status is SolveStatus.OPTIMAL:
        assert horizon.net_cost_gbp == pytest.approx(today.net_cost_gbp, abs=1.0, rel=1e-6)


@pytest.mark.parametrize("name", [*BUNDLED_YEARS, "two_years"])
def test_highs_and_cbc_agree_over_years(name: str) -> None:
    data = two_years() if name == "two_years" else raw(name)
    instance = parse_staffing(data)
    highs = solve(instance, SolveOptions(solver="highs"))
    cbc = solve(instance, SolveOptions(solver="cbc"))
    assert highs.status is cbc.status is SolveStatus.OPTIMAL
    assert highs.discounted_net_cost_gbp == pytest.approx(
        cbc.discounted_net_cost_gbp, abs=1.0, rel=1e-5
    )


def test_whole_posts_on_oxfordshire_one_year_are_feasible_and_whole() -> None:
    data = raw("oxfordshire_2015_16")
    data["fte_step"] = 1.0
    sol = solve(parse_staffing(data))
    assert sol.status is SolveStatus.OPTIMAL
    assert sol.statistics.integer_variables > 0
    for g in sol.groups:
        assert g.released_fte == pytest.approx(round(g.released_fte), abs=1e-6)
        assert g.retained_fte - g.available_fte == pytest.approx(
            round(g.retained_fte - g.available_fte), abs=1e-6
        )


def test_whole_posts_on_oxfordshire_over_three_years() -> None:
    sol = solve(parse_staffing(raw("oxfordshire_2015_18")))
    assert sol.status is SolveStatus.OPTIMAL
    assert [y.year for y in sol.years] == ["2015-16", "2016-17", "2017-18"]
    for year in sol.years:
        for g in year.groups:
            assert g.hired_fte == pytest.approx(round(g.hired_fte), abs=1e-6)
            assert g.released_fte == pytest.approx(round(g.released_fte), abs=1e-6)
    assert sol.verification is not None
    assert sol.verification.passed


def test_esg_follows_the_pupils_of_paragraph_41() -> None:
    """A quarter of the ESG: (£214,000 + £87 x maintained pupils) and £15 x all pupils."""
    sol = solve(parse_staffing(raw("oxfordshire_2015_18")))
    pupils = {"2015-16": 44_095, "2016-17": 37_048, "2017-18": 30_000}
    for year in sol.years:
        have = {s.source: s.available_gbp for s in year.sources}
        assert have["esg_general"] == pytest.approx(0.25 * (214_000 + 87 * pupils[year.year]))
        assert have["esg_retained"] == pytest.approx(0.25 * 15 * 89_443)


def test_surplus_share_on_the_sliding_scale() -> None:
    """Council: 50% of the first £100,000 of traded surplus, 25% of the rest."""
    sol = solve(parse_staffing(raw("oxfordshire_2015_18")))
    for year in sol.years:
        share = year.traded_share
        assert share is not None
        s = share.surplus_gbp
        expected = 0.5 * min(s, 100_000) + 0.25 * max(s - 100_000, 0.0)
        assert share.council_gbp == pytest.approx(expected, abs=1.0)
        assert share.kept_gbp == pytest.approx(s - expected, abs=1.0)


def test_pilot_money_is_spread_within_its_total_and_years() -> None:
    sol = solve(parse_staffing(raw("bromley_outreach_pilot")))
    drawn = [next(s.available_gbp for s in y.sources if s.source == "pilot") for y in sol.years]
    assert sum(drawn) <= 800_000 + 0.5
    assert max(drawn) <= 420_000 + 0.5
    assert drawn[2] == 0.0


def test_bromley_break_even_contribution() -> None:
    """Year three costs (68,000 + 6 x 46,000 + 27,000) x 1.02^2 + 18,000 = £403,988.40 for
    1 lead, 6 practitioners (30 children at 5 each) and 1 administrator (whole posts), paid
    by 75 schools: £5,386.51 a school; the sweep finds the same break-even."""
    from optimiser.scenarios.sweep import Axis, crossings, run_sweep

    path = "years[2020-21].functions[outreach].price_per_school_gbp"
    df = run_sweep(
        raw("bromley_outreach_pilot"),
        [Axis(path, (5000.0, 5300.0, 5400.0, 5600.0))],
        [("years[2020-21].cap_gbp", 1_000_000)],
        SolveOptions(),
    )
    found = crossings(df, path, y="net_gbp[2020-21]")
    assert found[0][path] == pytest.approx(403_988.40 / 75, abs=0.5)


def test_verifier_catches_a_broken_flow() -> None:
    sol = solve(parse_staffing(two_years()))
    y2 = sol.years[1]
    groups = [
        g.model_copy(update={"released_fte": 0.0}) if g.group == "advisers" else g
        for g in y2.groups
    ]
    broken = sol.model_copy(
        update={"years": [sol.years[0], y2.model_copy(update={"groups": groups})]}
    )
    verdict = verify_staffing(parse_staffing(two_years()), broken)
    assert not verdict.passed
    assert any("establishment" in v for v in verdict.violations)


def test_verifier_catches_a_grant_paying_beyond_its_fte_cap() -> None:
    data = raw("oxfordshire_2015_18")
    instance = parse_staffing(data)
    sol: StaffingSolution = solve(instance)
    year = sol.years[0]
    ledger = [
        e.model_copy(update={"amount_gbp": e.amount_gbp + 50_000})
        if e.source == "grant_lac" and e.centre == "co05"
        else e
        for e in year.ledger
    ]
    broken = sol.model_copy(
        update={"years": [year.model_copy(update={"ledger": ledger}), *sol.years[1:]]}
    )
    assert not verify_staffing(instance, broken).passed


def test_years_refer_to_known_ids_and_flows_need_years() -> None:
    data = two_years()
    data["years"][1]["funding"] = [{"id": "nowhere", "amount_gbp": 1.0}]
    data["years"][1]["functions"].append({"id": "ghost", "min_fte": 1.0})
    with pytest.raises(InstanceError) as err:
        parse_staffing(data)
    paths = {p.path for p in err.value.problems}
    assert "years[1].funding[0].id" in paths
    assert "years[1].functions[3].id" in paths
    flat = two_years()
    del flat["years"]
    with pytest.raises(InstanceError) as err2:
        parse_staffing(flat)
    assert {p.path for p in err2.value.problems} == {"staff_groups[0]", "staff_groups[2]"}
