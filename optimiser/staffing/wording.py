"""Figures in words for the staffing sentences: a rule's change in its own unit, money.

Every figure is one that can exist: a change is clamped to how far the rule can move (`most`
steps: a ratio never below zero, a share never below 0% or above 100%, a minimum never
below nothing).
"""

from __future__ import annotations

import numpy as np

from optimiser.core.rules import Rule


def clamp(steps: float, rule: Rule) -> float:
    """`steps` of relaxing, no further than the rule can go."""
    steps = max(steps, 0.0)
    return steps if rule.most is None else min(steps, rule.most)


def number(value: float, decimals: int) -> str:
    """`value` to `decimals` places, or to two significant figures when that shows nothing
    (0.0016 FTE, not 0.00 FTE; 0.000049, never 4.9e-05)."""
    if 0 < abs(value) < 0.5 * 10**-decimals:
        return np.format_float_positional(value, precision=2, fractional=False, trim="-")
    return f"{value:,.{decimals}f}"


def amount(value: float, unit: str) -> str:
    """A relaxation in words: '16.7 percentage points', '£30,000 more', '0.80 FTE'."""
    if unit.startswith("£1,000"):
        return f"£{value * 1000:,.0f}" + (" more" if unit.endswith("more") else "")
    if unit == "percentage point":
        return f"{number(value, 1)} percentage points"
    if unit == "school buying in":
        return f"{number(value, 1)} more schools buying in"
    if unit.startswith("0.01 "):
        return f"{number(value / 100, 3)} {unit.removeprefix('0.01 ')} less"
    return f"{number(value, 2)} {unit}"


def relaxation(steps: float, rule: Rule) -> str:
    """How far a rule is relaxed, in its own unit, as far as it can go."""
    return amount(clamp(steps, rule), rule.unit)


def gbp(value: float) -> str:
    """Whole pounds: '£2,605'."""
    return f"£{abs(value):,.0f}"


ONE_YEAR = "a year"


def period(horizon: list[str], discount_rate: float | None) -> str:
    """What a price is a change in: the net cost of one year ('a year'), or of a plan over
    years, the objective: 'over 2015-16 to 2017-18', discounted to its first year at the rate
    when discounting is on."""
    if not horizon:
        return ONE_YEAR
    span = f"over {horizon[0]} to {horizon[-1]}"
    if discount_rate is None:
        return span
    return f"{span}, discounted to {horizon[0]} at {discount_rate:.1%} a year"


def net_change(price: float, over: str = ONE_YEAR) -> str:
    """'save the council £1,800 a year' (price < 0) or 'cost the council £1,800 a year more';
    over years, 'save the council £1,800 over 2015-16 to 2017-18'."""
    if price < 0:
        return f"save the council {gbp(price)} {over}"
    if over == ONE_YEAR:
        return f"cost the council {gbp(price)} a year more"
    return f"cost the council {gbp(price)} more {over}"


def valid_for(steps: float | None, rule: Rule) -> str:
    """' (valid for up to 3.20 FTE)': how far the price holds; '' where it is not known."""
    if steps is None:
        return ""
    if rule.most is not None and steps >= rule.most - 1e-9:
        return f" (valid for all {amount(rule.most, rule.unit)})"
    if steps == float("inf"):
        return " (valid however far it is relaxed)"
    return f" (valid for up to {amount(steps, rule.unit)})"


def capitalised(text: str) -> str:
    """The text with its first letter upper case."""
    return text[:1].upper() + text[1:]


def year_prefix(rule: Rule) -> str:
    """ "In <year>, " for a rule of one year, else nothing."""
    return f"In {rule.year}, " if rule.year else ""


def opening(rule: Rule, words: str) -> str:
    """A sentence's opening, naming the year where the rule has one (once: a rule's words
    that already start with its year lose that start)."""
    prefix = year_prefix(rule)
    if not prefix:
        return capitalised(words)
    return prefix + words.removeprefix(f"{rule.year}: ")
