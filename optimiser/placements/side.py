"""Side rules over the whole plan: one registry entry per rule, keyed by `SideRule`.

Each entry says when the rule applies, writes its linear rows once (over the pair columns y and,
where it needs it, the placed-count column Y), and says why a referral it stops is unplaced.
Everything else is derived from the entry: the MIP's rows (placements.linear), the rows the
Lagrangian backend relaxes (those over y alone, `relaxable_rows`), the blockers that keep
min-cost flow out (placements.model.flow_blockers) and the unplaced reason (placements.explain).

A new side rule is one entry here, its policy field (placements.schema) and its independent
re-check (placements.verify).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from optimiser.placements.pairs import Floats, Ints

if TYPE_CHECKING:
    from optimiser.placements.model import PlacementModel

INF = float("inf")


class SideRule(StrEnum):
    """The side rules; each value is also the reason code of a referral the rule stops."""

    BUDGET_CAP = "budget_cap"
    PROVIDER_SHARE_CAP = "provider_share_cap"
    MINIMUM_AVERAGE_QUALITY = "minimum_average_quality"


@dataclass(frozen=True)
class SideRow:
    """lo <= sum_k coef_k y_{pairs_k} + placed * Y <= hi; `scale` makes coefficients whole."""

    rule: SideRule
    name: str
    pairs: Ints
    coef: Floats
    lo: float
    hi: float
    scale: float
    placed: float = 0.0  # coefficient of Y, the number of placements

    def as_upper(self, n_pairs: int) -> tuple[Floats, float] | None:
        """The row as a . y <= b over every pair, when it has that shape (one finite side, no Y)."""
        if self.placed != 0.0 or np.isfinite(self.lo) == np.isfinite(self.hi):
            return None
        a = np.zeros(n_pairs)
        sign = 1.0 if np.isfinite(self.hi) else -1.0
        a[self.pairs] = sign * self.coef
        return a, float(self.hi if sign > 0 else -self.lo)


# A referral's open candidates (pairs with room), the pairs chosen -> a sentence, or None.
Reason = Callable[["PlacementModel", Ints, list[int]], str | None]


@dataclass(frozen=True)
class Rule:
    """A side rule min-cost flow cannot express: when it applies, its rows and its reason."""

    key: SideRule
    text: str  # as it reads in "min-cost flow cannot express ..."
    applies: Callable[[PlacementModel], bool]
    rows: Callable[[PlacementModel], list[SideRow]]
    reason: Reason
    uses_placed: bool = False  # its rows need the placed-count column Y


def _budget_rows(model: PlacementModel) -> list[SideRow]:
    """sum_i (charge_i + travel_i) y_i <= budget (pence)."""
    cap = model.inst.policy.budget_cap_gbp
    assert cap is not None
    spend = model.pairs.charge + model.pairs.travel
    every = np.arange(len(model.pairs))
    return [SideRow(SideRule.BUDGET_CAP, "budget", every, spend, -INF, float(cap), 100.0)]


def _budget_reason(model: PlacementModel, chosen: Ints, open_: list[int]) -> str | None:
    cap, pairs = model.inst.policy.budget_cap_gbp, model.pairs
    assert cap is not None
    spend = float((pairs.charge[chosen] + pairs.travel[chosen]).sum())
    cheapest = min(float(pairs.charge[i] + pairs.travel[i]) for i in open_)
    if spend + cheapest <= cap + 1e-6:
        return None
    return (
        f"the budget cap of £{cap:,.0f} is reached (£{spend:,.0f} committed; the cheapest "
        f"eligible placement costs £{cheapest:,.0f})."
    )


def _share_rows(model: PlacementModel) -> list[SideRow]:
    """For each provider p with pairs or locked placements (hundredths), L locked placements in
    all, L_p of them at p, Y = sum_i y_i the new ones:
        sum_{i at p} y_i - share * Y <= share * L - L_p     where L_p <= share * L
        sum_{i at p} y_i <= 0                               where L_p >  share * L
    that is, (new at p + L_p) <= share * (Y + L), locked placements counted; a provider whose
    locked placements alone exceed its share takes no new placement (so that placing no one
    new always keeps the rule)."""
    share = model.inst.policy.max_provider_share
    assert share is not None
    prov, out = model.pairs.prov, []
    held = np.bincount(model.locked, minlength=len(model.inst.providers))
    for pi in np.union1d(np.unique(prov), np.flatnonzero(held)):
        mine = np.flatnonzero(prov == pi)
        name = f"share({model.inst.providers[int(pi)].id})"
        room = share * len(model.locked) - float(held[pi])
        over = room < -1e-9
        row = SideRow(
            SideRule.PROVIDER_SHARE_CAP,
            name,
            mine,
            np.ones(len(mine)),
            -INF,
            0.0 if over else room,
            100.0,
            0.0 if over else -share,
        )
        out.append(row)
    return out


def _share_reason(model: PlacementModel, chosen: Ints, open_: list[int]) -> str | None:
    share, prov = model.inst.policy.max_provider_share, model.pairs.prov
    assert share is not None
    held = np.bincount(model.locked, minlength=len(model.inst.providers))
    counts = np.bincount(prov[chosen], minlength=len(model.inst.providers)) + held
    limit = share * (len(chosen) + len(model.locked) + 1)
    over = held > share * len(model.locked) + 1e-9
    if any(not over[int(prov[i])] and counts[int(prov[i])] + 1 <= limit + 1e-9 for i in open_):
        return None
    return f"every eligible provider with room is at the cap of {share:.0%} of placements."


def _locked_margin(model: PlacementModel, q_min: float) -> float:
    """M = max(0, sum over locked placements of (q_p - q_min))."""
    ratings = np.array([p.quality_rating for p in model.inst.providers], dtype=float)
    return max(0.0, float((ratings[model.locked] - q_min).sum()))


def _quality_rows(model: PlacementModel) -> list[SideRow]:
    """sum_i (q_p(i) - q_min) y_i >= -M (tenths), M = max(0, sum over locked placements of
    (q_p - q_min)): the average rating of every placement, locked ones included, is at least
    q_min; where the locked placements alone fall short of it, the new placements meet it on
    their own (so that placing no one new always keeps the rule)."""
    q_min = model.inst.policy.min_average_quality
    assert q_min is not None
    every = np.arange(len(model.pairs))
    margin, lo = model.quality - q_min, -_locked_margin(model, q_min)
    return [SideRow(SideRule.MINIMUM_AVERAGE_QUALITY, "quality", every, margin, lo, INF, 10.0)]


def _quality_reason(model: PlacementModel, chosen: Ints, open_: list[int]) -> str | None:
    q_min = model.inst.policy.min_average_quality
    assert q_min is not None
    now = float((model.quality[chosen] - q_min).sum()) + _locked_margin(model, q_min)
    if any(now + model.quality[i] - q_min >= -1e-9 for i in open_):
        return None
    return f"every eligible provider with room is rated below the minimum average of {q_min:g}."


RULES: dict[SideRule, Rule] = {
    SideRule.BUDGET_CAP: Rule(
        SideRule.BUDGET_CAP,
        "a budget cap",
        lambda m: m.inst.policy.budget_cap_gbp is not None,
        _budget_rows,
        _budget_reason,
    ),
    SideRule.PROVIDER_SHARE_CAP: Rule(
        SideRule.PROVIDER_SHARE_CAP,
        "a provider share cap",
        lambda m: m.inst.policy.max_provider_share is not None,
        _share_rows,
        _share_reason,
        uses_placed=True,
    ),
    SideRule.MINIMUM_AVERAGE_QUALITY: Rule(
        SideRule.MINIMUM_AVERAGE_QUALITY,
        "a minimum average quality",
        lambda m: m.inst.policy.min_average_quality is not None,
        _quality_rows,
        _quality_reason,
    ),
}


def active_rules(model: PlacementModel) -> list[Rule]:
    """The rules the instance's policy sets, in registry order."""
    return [rule for rule in RULES.values() if rule.applies(model)]


def side_rows(model: PlacementModel) -> list[SideRow]:
    """Every row of every active rule."""
    return [row for rule in active_rules(model) for row in rule.rows(model)]


def relaxable(rule: SideRule, model: PlacementModel) -> bool:
    """Whether the rule's rows are all a . y <= b over the pairs (the Lagrangian can relax it)."""
    return all(row.as_upper(len(model.pairs)) is not None for row in RULES[rule].rows(model))


def relaxable_rows(model: PlacementModel) -> list[tuple[str, Floats, float]]:
    """(name, a, b) for each active row of the shape a . y <= b, in a fixed order."""
    out = []
    for row in side_rows(model):
        upper = row.as_upper(len(model.pairs))
        if upper is not None:
            out.append((row.name, *upper))
    return out


def side_reason(model: PlacementModel, chosen: Ints, open_: list[int]) -> tuple[str | None, str]:
    """The first active rule that stops every open candidate: its reason code and sentence."""
    for rule in active_rules(model):
        text = rule.reason(model, chosen, open_)
        if text is not None:
            return rule.key.value, text
    return None, ""
