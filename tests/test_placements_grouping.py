"""explain._grouped orders items by key exactly as a stable argsort does, for keys that fit
16 bits (sorted as such) and for keys that do not."""

from __future__ import annotations

import numpy as np
import pytest

from optimiser.placements import explain


@pytest.mark.parametrize(
    ("n", "size"), [(1, 10), (300, 5_000), (1 << 16, 50_000), (70_000, 50_000)]
)
def test_grouped_matches_a_stable_sort(n: int, size: int) -> None:
    keys = np.random.default_rng(n).integers(0, n, size).astype(np.int64)
    starts, order = explain._grouped(keys, n)
    want = np.argsort(keys, kind="stable")
    assert np.array_equal(order, want)
    assert np.array_equal(starts, np.searchsorted(keys[want], np.arange(n + 1)))
    assert starts.dtype == np.int64
    assert order.dtype == np.int64


def test_grouped_with_no_items() -> None:
    starts, order = explain._grouped(np.zeros(0, dtype=np.int64), 4)
    assert starts.tolist() == [0, 0, 0, 0, 0]
    assert order.tolist() == []
