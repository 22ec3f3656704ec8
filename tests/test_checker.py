"""The solver-free checker: it counts every check, keeps only the failures' words, and fills a
template's `{}` fields only for a failure, with the values as given (never formatted again)."""

from __future__ import annotations

from optimiser.core.checker import Checker


def test_only_failures_are_kept_with_their_figures_and_values() -> None:
    chk = Checker()
    chk.that(True, "{}: never written", "R1")
    chk.that(False, "placement names unknown ids {}", "X{}")  # an id with braces, as typed
    chk.that(False, "a plain message with {braces} and no values")
    chk.at_most(3.0, 2.0, 0.5, "{} at {}: beyond outreach", "R2", "P{0}")
    chk.at_least(1.0, 2.0, 0.0, "quality below {}", 2)
    chk.close(10.0, 10.0 + 1e-9, 1e-6, "{}: charge", "R3")
    chk.pounds(100.0, 102.0, "{}: total cost", "R4")
    chk.pounds(1_000_000.0, 1_000_000.9, "{}: within £1", "R5")
    verdict = chk.verdict()
    assert verdict.checks == 8
    assert not verdict.passed
    assert verdict.violations == [
        "placement names unknown ids X{}",
        "a plain message with {braces} and no values",
        "R2 at P{0}: beyond outreach (3 > 2)",
        "quality below 2 (1 < 2)",
        "R4: total cost (100 != 102)",
    ]


def test_a_checker_with_no_failures_passes() -> None:
    chk = Checker()
    chk.that(True, "x")
    chk.pounds(5.0, 5.4, "{}", "within the £1 tolerance")
    assert chk.verdict().passed
    assert chk.verdict().checks == 2
