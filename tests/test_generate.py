"""The generator makes what the issue describes: towns, five lots, realistic prices and sizes."""

from __future__ import annotations

from optimiser.placements.generate import generate_placements
from optimiser.placements.schema import PriceUnit


def test_realistic_ranges() -> None:
    inst = generate_placements(2000, 100, seed=3)
    assert len(inst.referrals) == 2000
    assert len(inst.providers) == 100
    assert {lot.id for lot in inst.lots} == {
        "early_intervention",
        "interim_full_time",
        "online_tuition",
        "therapeutic",
        "complex_bespoke",
    }
    for p in inst.providers:
        for pl in p.lots:
            if pl.per is PriceUnit.HOUR:
                assert 36 <= pl.price_gbp <= 45
                assert p.online
            else:
                assert 67 <= pl.price_gbp <= 220
        assert p.places is not None
        if p.online:
            assert 50 <= p.places <= 200
        elif p.registered_school:
            assert 20 <= p.places <= 30
        else:
            assert 4 <= p.places <= 12
    days = {r.days_per_week for r in inst.referrals}
    assert days <= {2, 3, 4, 5}
    assert {2, 3, 5} <= days
    weeks = [r.weeks for r in inst.referrals]
    assert min(weeks) <= 6
    assert max(weeks) >= 26
    assert all(r.reference.startswith("R") and r.reference[1:].isdigit() for r in inst.referrals)


def test_one_terms_intake_overlaps_in_time() -> None:
    """Starts in weeks 1-4 and placements of at least 4 weeks: every capacity row covers all
    its candidates, so time is no obstacle to min-cost flow (a 2-place offer may still be)."""
    from optimiser.placements.model import Structure, build, flow_blockers

    inst = generate_placements(300, 30, seed=5, start_weeks=4)
    assert Structure.NOT_OVERLAPPING not in flow_blockers(build(inst))
    spread = generate_placements(300, 30, seed=5, start_weeks=30)
    assert Structure.NOT_OVERLAPPING in flow_blockers(build(spread))
