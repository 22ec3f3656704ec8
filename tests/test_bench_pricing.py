"""bench.pricing's column generation ends at the whole network's optimum: its potentials
prove optimality only when no omitted arc can improve the flow."""

from __future__ import annotations

import pytest

from bench.pricing import _pence, priced
from optimiser.placements.backends.flow import flow_arrays, run_flow
from optimiser.placements.generate import generate_placements
from optimiser.placements.model import build


@pytest.mark.parametrize(("seed", "keep", "add"), [(0, 1, 0), (1, 2, 1), (2, 3, 2), (3, 1, 1)])
def test_priced_flow_reaches_the_whole_networks_optimum(seed: int, keep: int, add: int) -> None:
    model = build(generate_placements(300, 20, seed=seed, offers=False, moves=False))
    arrays = flow_arrays(model)
    whole = _pence(arrays, run_flow(arrays), model.n_referrals)
    total, rounds = priced(arrays, model.n_referrals, keep, add)
    assert total == whole
    assert len(rounds) >= 2  # one or two arcs a referral cannot be enough: arcs were added
