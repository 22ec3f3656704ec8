"""round_all gives exactly what round() gives, figure by figure, in bulk."""

from __future__ import annotations

import math

import numpy as np

from optimiser.core.rounding import round_all


def _same(values: list[float], digits: int) -> None:
    got = round_all(np.array(values, dtype=np.float64), digits)
    want = [round(v, digits) for v in values]
    assert len(got) == len(want)
    for g, w, v in zip(got, want, values, strict=True):
        assert (math.isnan(g) and math.isnan(w)) or (
            g == w and math.copysign(1, g) == math.copysign(1, w)
        ), (v, g, w)
        assert type(g) is float


def test_random_pounds_kilometres_and_small_figures() -> None:
    rng = np.random.default_rng(3)
    for scale in (1.0, 100.0, 1e4, 1e6, 1e9):
        values = (rng.random(20_000) * scale).tolist() + (-rng.random(2_000) * scale).tolist()
        for digits in (0, 1, 2, 3):
            _same(values, digits)


def test_halves_and_figures_near_them() -> None:
    """Figures whose decimal is a half, or a hair either side of one in binary (2.675 is
    2.67499999... as a float): where scaling could round the wrong way."""
    base = [k / 1000 + 0.005 for k in range(-5_000, 5_000)] + [k / 8 for k in range(-400, 400)]
    near = [math.nextafter(x, math.inf) for x in base] + [
        math.nextafter(x, -math.inf) for x in base
    ]
    values = base + near + [2.675, 1.005, 0.285, 0.125, 0.375, 1234567.125, -2.675, 1e-320]
    for digits in (1, 2, 3):
        _same(values, digits)


def test_zeros_huge_and_not_numbers() -> None:
    values = [0.0, -0.0, -0.001, 1e300, -1e300, 2.0**60 + 0.5, math.inf, -math.inf, math.nan]
    _same(values, 2)
    assert round_all(np.zeros(0), 2) == []
