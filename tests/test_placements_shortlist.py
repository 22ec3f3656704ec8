"""Shortlists: extra costs from the residual network checked against re-solving with each
pair fixed, on random instances; a hand-worked shortlist."""

from __future__ import annotations

import numpy as np
import pytest

from optimiser import SolveOptions, parse_placements, solve
from optimiser.commissioning import shortlist
from optimiser.placements import model as placement_model
from optimiser.placements.generate import generate_placements
from optimiser.placements.shortlist import _choice, _residual_extra, _resolve_extra
from tests.placements_helpers import instance, provider, referral, run


@pytest.mark.parametrize("seed", range(6))
def test_reduced_costs_match_resolving_with_the_pair_fixed(seed: int) -> None:
    """Every eligible pair of up to eight referrals (placed and unplaced) on a random 40 x 8
    instance that min-cost flow solves exactly: the residual-network extra cost equals the
    objective re-solved with the referral locked to that pair, less the plan's objective."""
    inst = generate_placements(40, 8, seed, start_weeks=4, offers=False)
    plan = solve(inst)
    built = placement_model.build(inst)
    assert not placement_model.flow_blockers(built)
    assert plan.totals is not None
    choice = _choice(built, plan)
    compared = 0
    for r in range(0, 40, 5):
        mine = np.flatnonzero(built.pairs.ref == r)
        if len(mine) == 0:
            continue
        fast = _residual_extra(built, choice, r, mine)
        slow, kinds = _resolve_extra(
            inst, built, mine, plan.totals.objective_gbp, (SolveOptions(solver="highs"), None)
        )
        np.testing.assert_allclose(fast, slow, atol=0.02)
        assert set(kinds) <= {"exact", "cannot_be_forced"}
        compared += len(mine)
    assert compared > 0


def test_hand_worked_shortlist() -> None:
    """A (£100/day, 1 place), B (£120/day), C (£150/day); R1 and R2 both 2 days x 10 weeks.

    Plan: one of them at A (£2,000), the other at B (£2,400); objective £4,400. For R1 at A:
    B instead costs £2,400 for R1 and frees A for R2 (£2,000 instead of £2,400): extra £0;
    C instead: £3,000 + £2,000 = £5,000, extra £600. C is 30 km away: travel is free here.
    A fourth provider D is quality 1 below the floor of 2: excluded, with its figures."""
    provs = [
        provider("A", 100, places=1),
        provider("B", 120),
        provider("C", 150, easting_m=30_000.0),
        provider("D", 90, quality_rating=1),
    ]
    data = instance(
        provs, [referral("R1", max_travel_km=40.0), referral("R2")], min_quality_rating=2
    )
    inst = parse_placements(data)
    plan = run(data)
    at_a = next(p.reference for p in plan.placements if p.provider == "A")
    s = shortlist(inst, "R1", plan)
    extra = {a.provider: a.extra_cost_gbp for a in s.alternatives}
    assert s.method == "reduced_costs"
    if at_a == "R1":
        assert extra == {"A": 0.0, "B": 0.0, "C": 600.0}
    else:
        assert extra == {"B": 0.0, "A": 0.0, "C": 600.0}
    assert [(e.provider, [f.text for f in e.failures]) for e in s.excluded] == [
        ("D", ["quality 1 below the floor of 2"])
    ]


def test_shortlist_of_a_replanned_plan_keeps_its_locks() -> None:
    """A (£100/day, 1 place) holds R1, locked; B costs £150/day. R2 goes to B (£3,000). Its
    shortlist: B chosen; A cannot be chosen (the locked pupil holds its only place), although
    it is cheaper; the plan's locks come from the plan itself (placements marked locked)."""
    lock = {"provider": "A", "lot": "therapeutic", "weekdays": ["mon", "tue"]}
    data = instance(
        [provider("A", 100, places=1), provider("B", 150)],
        [referral("R1", lock=lock), referral("R2")],
    )
    plan = run(data)
    register = instance(
        [provider("A", 100, places=1), provider("B", 150)], [referral("R1"), referral("R2")]
    )
    s = shortlist(parse_placements(register), "R2", plan)
    assert s.placed_with == "B"
    assert {a.provider: a.extra_cost_gbp for a in s.alternatives} == {"B": 0.0, "A": None}
    assert s.sentence == (
        "Placed with Provider B, Therapeutic, at £3,000. Provider A (£2,000) cannot be chosen "
        "instead: locked placements hold its places in these weeks."
    )


def test_shortlist_sentence_names_providers_and_lots() -> None:
    """R1 (2 days x 10 weeks, complex or bespoke) goes to P0001 at £100 a day (£2,000); P0002
    at £120 a day (£2,400) is next, adding £400. The sentence reads with the instance's names
    of the providers and the lot, never their ids or lot codes."""
    provs = [
        provider("P0001", 100, lot="complex_bespoke", name="Oak Tree Learning"),
        provider("P0002", 120, lot="complex_bespoke", name="Riverside Centre"),
    ]
    s = shortlist(
        parse_placements(instance(provs, [referral("R1", lots=["complex_bespoke"])])), "R1"
    )
    assert s.sentence == (
        "Placed with Oak Tree Learning, Complex or bespoke, at £2,000. Next cheapest: "
        "Riverside Centre, Complex or bespoke, at £2,400; choosing it instead adds £400 to "
        "the plan."
    )


class _Clock:
    """A clock read at the shortlist's start (0 s) and before each re-solve, cheapest pair
    first: A at 0 s and B at 0.3 s start with 1 s and 0.7 s of a 1 s limit left; C at 0.6 s
    would have 0.4 s, under the 0.5 s a re-solve needs, and is not started."""

    def __init__(self) -> None:
        self.readings = [0.0, 0.0, 0.3, 0.6]

    def monotonic(self) -> float:
        return self.readings.pop(0)


def test_a_time_limit_holds_for_the_whole_shortlist(monkeypatch: pytest.MonkeyPatch) -> None:
    """R (2 days x 10 weeks) at A (£2,000), B (£2,400) or C (£3,000) under a budget cap of
    £10,000 (a side rule: re-solving, not reduced costs). The plan places R at A. With a 1 s
    limit for the whole shortlist, the cheapest placements (A, the plan's, and B) are worked
    out first: B +£400, exact; C is not worked out, and the notes say so."""
    from optimiser.placements import shortlist as module

    provs = [provider("A", 100), provider("B", 120), provider("C", 150)]
    data = instance(provs, [referral("R")], budget_cap_gbp=10_000.0)
    inst = parse_placements(data)
    plan = run(data)
    unlimited = module.shortlist(inst, plan, "R")
    assert [(a.provider, a.extra_cost_gbp, a.extra) for a in unlimited.alternatives] == [
        ("A", 0.0, "exact"),
        ("B", 400.0, "exact"),
        ("C", 1_000.0, "exact"),
    ]
    assert unlimited.notes == []
    monkeypatch.setattr(module, "time", _Clock())
    s = module.shortlist(inst, plan, "R", options=SolveOptions(time_limit_seconds=1.0))
    assert s.method == "resolve"
    assert [(a.provider, a.extra_cost_gbp, a.extra) for a in s.alternatives] == [
        ("A", 0.0, "exact"),
        ("B", 400.0, "exact"),
        ("C", None, "not_worked_out"),
    ]
    assert [a.extra_words for a in s.alternatives] == [None, None, "not worked out in time"]
    assert s.notes == [
        "1 of 3 providers' extra costs were not worked out within the time limit of 1 s (the "
        "cheapest placements were worked out first)."
    ]
    only_a = _Clock()
    only_a.readings = [0.0, 0.0, 0.6]  # B, the next cheapest, would start with 0.4 s left
    monkeypatch.setattr(module, "time", only_a)
    s = module.shortlist(inst, plan, "R", options=SolveOptions(time_limit_seconds=1.0))
    assert [a.extra for a in s.alternatives] == ["exact", "not_worked_out", "not_worked_out"]
    assert s.sentence.endswith(
        "what choosing it instead adds to the plan was not worked out within the time limit."
    )
    assert "Next cheapest: Provider B, Therapeutic, at £2,400;" in s.sentence
