"""Days a week as a range (days_min, days_max): the model chooses the days, priced by them,
valued by policy.value_per_extra_day_gbp, counted in weekday places and the full-time rules."""

from __future__ import annotations

from typing import Any

import pytest

from optimiser import InstanceError, parse_placements
from optimiser.commissioning import shortlist
from optimiser.placements.verify import verify_placements
from tests.placements_helpers import instance, provider, referral, run, where

TWO_OR_THREE = {"days_min": 2, "days_max": 3}


def _ranged(ref: str, **kw: Any) -> dict[str, Any]:
    data = referral(ref, **kw)
    if "days_min" in kw:
        del data["days_per_week"]
    return data


@pytest.mark.parametrize(
    ("value", "days", "objective"),
    [(0.0, 2, 2_000.0), (50.0, 2, 2_000.0), (150.0, 3, 1_500.0)],
)
def test_range_priced_by_the_chosen_days(value: float, days: int, objective: float) -> None:
    """R attends two or three days a week for 10 weeks; A charges £100 a day. Two days cost
    2 x 10 x £100 = £2,000; three cost £3,000 less the value of the extra day, 1 x 10 x
    value. At value 0 or £50 (below the day rate) two days are cheaper (£2,000 against
    £3,000 or £2,500); at £150, three days cost £3,000 - £1,500 = £1,500. Min-cost flow still
    applies (one arc per number of days)."""
    data = instance([provider("A", 100)], [_ranged("R", **TWO_OR_THREE)])
    data["policy"]["value_per_extra_day_gbp"] = value
    sol = run(data)
    assert sol.backend == "flow"
    (pl,) = sol.placements
    assert pl.days_per_week == days
    assert len(pl.weekdays) == days
    assert pl.charge_gbp == pytest.approx(100 * days * 10)
    assert pl.days_value_gbp == pytest.approx(value * (days - 2) * 10)
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(objective)
    assert sol.verification is not None
    assert sol.verification.passed


@pytest.mark.parametrize("solver", ["highs", "cpsat"])
def test_range_counted_in_weekday_places(solver: str) -> None:
    """A takes one pupil a day, Monday to Friday (5 places a week), at £100 a day; value of
    an extra day £150. R1 attends two or three days, R2 two, R3 one, all 10 weeks.

    R1 at 3 days (net £3,000 - £1,500 = £1,500) + R2 (£2,000) + R3 (£1,000) needs 6 places a
    week: one too many. R1 at 2 days costs £500 more; leaving R3 unplaced costs
    300 x 1 x 10 = £3,000 instead of £1,000; so R1 takes 2 days. Objective £2,000 + £2,000 +
    £1,000 = £5,000. Without R3, R1 takes 3 days: £1,500 + £2,000 = £3,500."""
    a = provider("A", 100, places_per_weekday=1)
    refs = [_ranged("R1", **TWO_OR_THREE), referral("R2"), referral("R3", days_per_week=1)]
    data = instance([a], refs, value_per_extra_day_gbp=150.0)
    sol = run(data, solver)
    assert {p.reference: p.days_per_week for p in sol.placements} == {"R1": 2, "R2": 2, "R3": 1}
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(5_000)
    assert sol.verification is not None
    assert sol.verification.passed
    sol = run(instance([a], refs[:2], value_per_extra_day_gbp=150.0), solver)
    assert {p.reference: p.days_per_week for p in sol.placements} == {"R1": 3, "R2": 2}
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(3_500)


def test_range_judged_by_the_registration_rule_per_number_of_days() -> None:
    """An EHCP pupil attends three to five days a week (10 weeks); value of an extra day £150.
    U is unregistered (£100 a day): five days would be full time, which it may not take, so it
    offers three days (£3,000) or four (£4,000 - £1,500 = £2,500). B is registered (£200 a
    day): five days cost £10,000 - £3,000 = £7,000, four £8,000 - £1,500 = £6,500. Optimum:
    U at four days, £2,500."""
    u = provider("U", 100, registered_school=False)
    b = provider("B", 200)
    data = instance([u, b], [_ranged("R", days_min=3, days_max=5, ehcp=True)])
    data["policy"]["value_per_extra_day_gbp"] = 150.0
    sol = run(data)
    assert where(sol) == {"R": "U"}
    assert sol.placements[0].days_per_week == 4
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(2_500)


def test_unplaced_range_costs_its_fewest_days() -> None:
    """No provider: the spot purchase is priced on the fewest days, 300 x 2 x 10 = £6,000."""
    data = instance([provider("A", 100, key_stages=[1])], [_ranged("R", **TWO_OR_THREE)])
    sol = run(data)
    assert sol.unplaced[0].penalty_gbp == pytest.approx(6_000)


def test_lock_within_the_range() -> None:
    """A lock of three days on a two-or-three-day referral is kept at 3 x 10 x £100 = £3,000
    (a locked placement's extra days carry no value); four days are refused."""
    three = {"provider": "A", "lot": "therapeutic", "weekdays": ["mon", "tue", "wed"]}
    data = instance([provider("A", 100)], [_ranged("R", lock=three, **TWO_OR_THREE)])
    sol = run(data)
    assert sol.placements[0].days_per_week == 3
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(3_000)
    four = three | {"weekdays": ["mon", "tue", "wed", "thu"]}
    with pytest.raises(InstanceError) as err:
        run(instance([provider("A", 100)], [_ranged("R", lock=four, **TWO_OR_THREE)]))
    assert [p.path for p in err.value.problems] == ["referrals[0].lock.weekdays"]


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ({"days_per_week": 2, "days_min": 2, "days_max": 3}, "not both"),
        ({"days_min": 3, "days_max": 2}, "days_min is above days_max"),
        ({"days_min": 2}, "give days_per_week, or days_min and days_max"),
    ],
)
def test_days_given_wrongly_are_input_problems(days: dict[str, int], message: str) -> None:
    data = instance([provider("A")], [_ranged("R", days_min=1, days_max=1)])
    data["referrals"][0] = {k: v for k, v in data["referrals"][0].items() if "days" not in k}
    data["referrals"][0].update(days)
    with pytest.raises(InstanceError) as err:
        parse_placements(data)
    assert message in str(err.value)


def test_verifier_refuses_days_outside_the_range() -> None:
    """A plan that gives the two-or-three-day pupil four days fails the verifier."""
    data = instance([provider("A", 100)], [_ranged("R", **TWO_OR_THREE)])
    inst = parse_placements(data)
    sol = run(data)
    pl = sol.placements[0].model_copy(
        update={"days_per_week": 4, "weekdays": ["mon", "tue", "wed", "thu"]}
    )
    bad = sol.model_copy(update={"placements": [pl]})
    verdict = verify_placements(inst, bad)
    assert not verdict.passed
    assert any("wrong number of days" in v for v in verdict.violations)


def test_shortlist_lists_each_number_of_days() -> None:
    """R attends two or three days (10 weeks); an extra day is valued at £150. A charges £100
    a day, B £120. Costs: A 3 days £3,000 - £1,500 = £1,500 (the plan), A 2 days £2,000
    (+£500), B 3 days £3,600 - £1,500 = £2,100 (+£600), B 2 days £2,400 (+£900)."""
    data = instance(
        [provider("A", 100), provider("B", 120)],
        [_ranged("R", **TWO_OR_THREE)],
        value_per_extra_day_gbp=150.0,
    )
    listed = shortlist(parse_placements(data), "R", run(data))
    assert [
        (a.provider, a.days_per_week, a.cost_gbp, a.extra_cost_gbp) for a in listed.alternatives
    ] == [
        ("A", 3, 1_500.0, 0.0),
        ("A", 2, 2_000.0, 500.0),
        ("B", 3, 2_100.0, 600.0),
        ("B", 2, 2_400.0, 900.0),
    ]
    assert listed.sentence.startswith(
        "Placed with Provider A, Therapeutic, 3 days a week, at £1,500. "
        "Next cheapest: Provider A, Therapeutic, 2 days a week, at £2,000;"
    )
