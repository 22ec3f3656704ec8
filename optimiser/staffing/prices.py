"""Binding rules with their prices, stated net, with the range over which each holds.

One step of relaxing a rule moves its limit by `step` (one FTE, one percentage point,
£1,000), up for a `<=` rule and down for a `>=` rule (d = +1 or -1). For a rule key with rows
m (the admin ratio has one row per function), the price of one step is

    price = sum_m (pi_m + carry_m) * step_m * d_m,

with `pi_m` the row's dual (dN/d limit with N's constants held) and `carry_m` the part of N's
constant that moves with the limit (a group's cost per FTE, a release cost, money that is not
ring-fenced). Ranging (HiGHS) bounds the steps over which it holds: by the 100% rule, moving
every row together keeps the basis for s steps while sum_m s * step_m / range_m <= 1. Where
that range is nil on one side (a degenerate plan), the price on that side comes from a small
re-solve; where a relaxing range is real but short (TINY to NIL steps), the re-solve stays
inside it and the range given is that short one (a re-solve past it would average two
prices); if the two sides differ the plan sits at a kink, and the price given is the
tightening one, the relaxing one beside it.

Under `max_strategic_value` the plan is the cheapest at the highest value: the prices of N are
taken with the value held at its optimum (and the sentence says so); the change in strategic
value per step comes from the value model (min -V), priced the same way.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import highspy

from optimiser.core.options import SolveOptions
from optimiser.core.rules import Rule
from optimiser.core.status import SolveStatus
from optimiser.staffing import backend as pulp_backend
from optimiser.staffing import model
from optimiser.staffing.extract import val
from optimiser.staffing.model import StaffingLp
from optimiser.staffing.ranging import (
    Row,
    RowState,
    bound_moves,
    highs_model,
    objective_change,
    ranges_of,
    ranging,
    room,
    row_room,
    rows,
)
from optimiser.staffing.schema import StaffingInstance
from optimiser.staffing.solution import BindingRule
from optimiser.staffing.wording import ONE_YEAR, gbp, net_change, opening, period, valid_for

log = logging.getLogger(__name__)

PROBE = 0.01  # a re-solve moves the limit by 1% of a step
NIL = 1e-3  # steps: a range shorter than this is re-solved instead (over PROBE steps, or
TINY = 1e-5  # within a relaxing range where it is real: longer than TINY steps)
WALK_TRIES = 6  # 1, 4, ..., 1,024 steps tried where a basis range is under one step
WALK_HALVES = 3  # then the gap between the last that holds and the first that fails halved
WALK_HOPS = 3  # bases past the end of a range of a step or more


@dataclass(frozen=True)
class Price:
    """What one step of relaxing a rule key does to an objective, each side of the plan."""

    relax: float  # change per step relaxed (negative: relaxing saves)
    tighten: float | None  # per step tightened, signed like `relax`; None: no plan if tightened
    steps: float | None  # steps over which `relax` holds; None: no ranging; inf: no end

    @property
    def kink(self) -> bool:
        """Whether relaxing and tightening differ by more than half a unit (a kink in the value)."""
        if self.tighten is None:
            return False
        return abs(self.relax - self.tighten) > 0.5 + 1e-6 * abs(self.tighten)


def grouped(lp: StaffingLp) -> dict[str, list[Row]]:
    """The rows of each rule key, in the model's order."""
    out: dict[str, list[Row]] = defaultdict(list)
    for row in rows(lp):
        out[row.rule.key].append(row)
    return dict(out)


def direction(rule: Rule) -> float:
    """+1 when relaxing raises the limit (a `<=` rule), -1 when it lowers it."""
    return 1.0 if rule.sense == "<=" else -1.0


def relax_moves(lp: StaffingLp, members: list[Row]) -> tuple[dict[str, tuple[Any, float]], float]:
    """One step of relaxing a key as bound moves {row name: (row, move)}, and the move of
    N's constant (sum of carry * step * d)."""
    moves: dict[str, tuple[Any, float]] = {}
    constant = 0.0
    for row in members:
        per_step = val(row.rule.step) * direction(row.rule)
        constant += row.rule.carry * per_step
        for constraint, per_unit in bound_moves(lp, row):
            _, before = moves.get(constraint.name, (constraint, 0.0))
            moves[constraint.name] = (constraint, before + per_unit * per_step)
    return moves, constant


def price(lp: StaffingLp, members: list[Row], ranges: Any, carry: bool = True) -> Price:
    """The price of one step of relaxing the key whose rows are `members`."""
    moves, constant = relax_moves(lp, members)
    if not carry:  # the value model: N's constant is not its objective (its cap still moves)
        constant = 0.0
    dual = constant + sum((c.pi or 0.0) * move for c, move in moves.values())
    if ranges is None:
        return Price(dual, dual, None)
    relax_span, tighten_span = _spans(list(moves.values()), ranges)
    short = TINY < relax_span <= NIL  # real but short: the price past it is another one
    probed = None if relax_span > NIL else _probe(lp, moves, constant, +1.0, dual, span=relax_span)
    relax = dual if probed is None else probed
    tighten: float | None = dual
    if tighten_span <= NIL:
        tighten = _probe(lp, moves, constant, -1.0, dual)
    steps = walk(lp, moves, constant, relax, relax_span if relax_span > NIL or short else 0.0)
    return Price(relax, tighten, steps if steps > NIL or (short and steps > TINY) else None)


def _spans(moves: list[tuple[Any, float]], ranges: Any) -> tuple[float, float]:
    """Steps each way over which every moved row keeps its basis (the 100% rule)."""
    relax_load = tighten_load = 0.0
    for constraint, move in moves:
        if move == 0:
            continue
        ahead = room(constraint, ranges, upward=move > 0)
        behind = room(constraint, ranges, upward=move < 0)
        relax_load += abs(move) / ahead if ahead > 0 else math.inf
        tighten_load += abs(move) / behind if behind > 0 else math.inf
    return (
        1.0 / relax_load if relax_load > 0 else math.inf,
        1.0 / tighten_load if tighten_load > 0 else math.inf,
    )


class _Walker:
    """Re-solves of the plan's LP with a rule key's rows moved t steps, from the plan's own
    basis, put back afterwards."""

    def __init__(self, model: Any, moves: dict[str, tuple[Any, float]], constant: float):
        self.model, self.constant = model, constant
        self.rows = [(c.index, m) for c, m in moves.values() if m != 0]
        data = model.getLp()
        self.saved = [(float(data.row_lower_[i]), float(data.row_upper_[i])) for i, _ in self.rows]
        self.basis = model.getBasis()
        self.before = float(model.getInfo().objective_function_value)

    def holds(self, t: float, price: float) -> bool:
        """Whether relaxing t steps changes N by exactly price * t (N is convex in the
        limit, so the price then holds all the way to t)."""
        for (i, move), (lower, upper) in zip(self.rows, self.saved, strict=True):
            self.model.changeRowBounds(i, lower + t * move, upper + t * move)
        self.model.setBasis(self.basis)
        self.model.run()
        if self.model.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return False
        change = float(self.model.getInfo().objective_function_value) - self.before
        return abs(change + self.constant * t - price * t) <= (0.5 + 1e-6 * abs(price)) * t

    def span_here(self, t: float, price: float) -> float | None:
        """Steps on from t (just solved) over which the basis there holds, if its price is
        `price` (the 100% rule over the moved rows); None otherwise."""
        solution, ranges = self.model.getSolution(), ranges_of(self.model)
        dual = self.constant + sum(solution.row_dual[i] * m for i, m in self.rows)
        if ranges is None or abs(dual - price) > 0.5 + 1e-6 * abs(price):
            return None
        load = 0.0
        for (i, move), (lower, upper) in zip(self.rows, self.saved, strict=True):
            is_lower = math.isinf(upper)
            bound = (lower if is_lower else upper) + t * move
            state = RowState(i, bound, float(solution.row_value[i]), is_lower, lower == upper)
            ahead = row_room(state, ranges, upward=move > 0)
            load += abs(move) / ahead if ahead > 0 else math.inf
        return 1.0 / load if load > 0 else math.inf

    def restore(self) -> None:
        for (i, _), (lower, upper) in zip(self.rows, self.saved, strict=True):
            self.model.changeRowBounds(i, lower, upper)
        self.model.setBasis(self.basis)  # the plan's own basis: later ranging reads the same
        self.model.run()


def walk(
    lp: StaffingLp, moves: dict[str, tuple[Any, float]], constant: float, price: float, span: float
) -> float:
    """Steps over which `price` holds, past the end of HiGHS's basis range.

    A degenerate plan changes basis while its price stays, so the basis range understates
    it. Under one step: try the chord at t = 1, 4, 16, ... steps and narrow down between the
    last that holds and the first that does not. Otherwise: re-solve just past the range's
    end and, while the price there is the same, add that basis's range (a few times).
    """
    model = highs_model(lp)
    if model is None or math.isinf(span):
        return span
    walker = _Walker(model, moves, constant)
    good = _chords(walker, price, span) if span < 1.0 else _hops(walker, price, span)
    walker.restore()
    return good


def _chords(walker: _Walker, price: float, span: float) -> float:
    good, bad, t = span, None, 1.0
    for _ in range(WALK_TRIES):
        if not walker.holds(t, price):
            bad = t
            break
        good, t = t, t * 4
    for _ in range(WALK_HALVES if bad is not None else 0):
        middle = (good + (bad or good)) / 2
        good, bad = (middle, bad) if walker.holds(middle, price) else (good, middle)
    return math.inf if bad is None else good


def _hops(walker: _Walker, price: float, span: float) -> float:
    good = span
    for _ in range(WALK_HOPS):
        t = good + PROBE
        more = walker.span_here(t, price) if walker.holds(t, price) else None
        if more is None:
            break
        good = t + more
        if math.isinf(good):
            break
    return good


def _probe(
    lp: StaffingLp,
    moves: dict[str, tuple[Any, float]],
    constant: float,
    way: float,
    dual: float,
    *,
    span: float = 0.0,
) -> float | None:
    """One-sided price per step from a re-solve with every row moved by PROBE steps, or by
    half the basis range where that range is real but shorter (past it the price is another
    one: a re-solve over PROBE steps would give the average of the two); None when that
    leaves no plan (tightening a rule that has no room at all)."""
    size = span / 2 if span > TINY else PROBE
    change = objective_change(lp, [(c, way * size * m) for c, m in moves.values()])
    if change is None:
        return dual
    if math.isinf(change):
        return None
    return way * change / size + constant


def value_model(instance: StaffingInstance, options: SolveOptions) -> StaffingLp | None:
    """The first of the two solves under max_strategic_value: min -V over every rule."""
    lp = model.build(instance)
    value = lp.strategic_value()
    if not any(c != 0 for c in value.values()):
        return None
    lp.problem.setObjective(-value)
    run = pulp_backend.run(lp.problem, options)
    return lp if run.status is SolveStatus.OPTIMAL else None


def binding_rules(
    lp: StaffingLp, with_prices: bool, options: SolveOptions | None = None
) -> list[BindingRule]:
    """Every rule key with a binding row, with its net price per step and its sentence.

    Under `max_strategic_value` (and with `options` to solve by), the value model is solved
    on the same instance: its duals give the strategic value gained per step.
    """
    value_lp = None
    if with_prices and options is not None and lp.instance.objective == "max_strategic_value":
        value_lp = value_model(lp.instance, options)
    ranges = ranging(lp) if with_prices else None
    value_rows = grouped(value_lp) if value_lp is not None and with_prices else {}
    value_ranges = ranging(value_lp) if value_lp is not None and with_prices else None
    out, over = [], priced_over(lp.instance)
    for key, members in grouped(lp).items():
        binding = [r for r in members if r.binds]
        if not binding:
            continue
        net = price(lp, members, ranges) if with_prices else None
        gain = None
        if key in value_rows and value_lp is not None:
            gain = price(value_lp, value_rows[key], value_ranges, carry=False)
        out.append(_binding(key, [r.rule for r in binding], (net, gain), over))
    return sorted(out, key=lambda b: (b.shadow_price_gbp or 0.0, b.rule))


def priced_over(instance: StaffingInstance) -> str:
    """What the prices are a change in: the net cost of the year, or over the years (the
    objective, discounted when discounting is on)."""
    rate = instance.discount_rate if instance.discount else None
    return period([y.id for y in instance.years], rate)


def _binding(
    key: str, rules: list[Rule], prices: tuple[Price | None, Price | None], over: str
) -> BindingRule:
    net, gain = prices
    first = rules[0]
    shown = None if net is None else (net.tighten if net.kink and net.tighten else net.relax)
    return BindingRule(
        rule=key,
        family=first.family,
        ids=sorted({i for r in rules for i in r.ids}),
        text=first.text,
        year=first.year,
        shadow_price_gbp=None if shown is None else round(shown, 2),
        relax_price_gbp=round(net.relax, 2) if net is not None and net.kink else None,
        valid_steps=_steps(net),
        value_per_step=None if gain is None else round(-gain.relax, 6),
        unit=first.unit,
        sentence=sentence(first, net, gain, over),
    )


def _steps(net: Price | None) -> float | None:
    if net is None or net.steps is None or math.isinf(net.steps):
        return None
    return round(net.steps, 6)


def sentence(rule: Rule, net: Price | None, gain: Price | None = None, over: str = ONE_YEAR) -> str:
    """The rule's price in words, net of its own cost, with its range and any kink; `over`
    says what the price changes ('a year', or over the years of a plan over years)."""
    if net is None:
        return opening(
            rule, f"{rule.text} binds (no shadow price: whole-post plans have no duals)."
        )
    if gain is not None:
        return _value_sentence(rule, net, gain, over)
    if abs(net.relax) <= 0.5 and not net.kink:
        if rule.own > 0:
            return opening(
                rule,
                f"{rule.relax} would not change the council's net cost: it costs "
                f"{gbp(rule.own)} and frees as much elsewhere.",
            )
        return opening(
            rule,
            f"{rule.text} binds, but relaxing it a little would not change the council's net cost.",
        )
    text = opening(
        rule,
        f"{rule.relax} would {_effect(rule, net.relax, over)}{valid_for(net.steps, rule)}"
        f"{_own(rule, net.relax)}.",
    )
    if net.tighten is None:
        text += " Tightening it at all would leave no plan."
    elif net.kink:
        text += (
            " The plan sits at a kink of this rule: tightening it as much would "
            f"{net_change(-net.tighten, over)}, the price given."
        )
    return text


def _effect(rule: Rule, price: float, over: str) -> str:
    if rule.own <= 0:
        return net_change(price, over)
    return f"{'add' if price > 0 else 'save'} {gbp(price)} {over}"


def _own(rule: Rule, price: float) -> str:
    """': it costs £66,000 and frees £63,395 elsewhere' for a rule that brings its own cost."""
    if rule.own <= 0:
        return ""
    if rule.carry != rule.own and abs(price - rule.carry) <= 0.5:
        return f": it would be released, at {gbp(rule.carry)}"
    frees = rule.own - price
    freed = f"frees {gbp(frees)} elsewhere" if frees > 0.5 else "frees nothing elsewhere"
    return f": it costs {gbp(rule.own)} and {freed}"


def _value_sentence(rule: Rule, net: Price, gain: Price, over: str) -> str:
    """Under max_strategic_value: the value gained, then N's price with the value held."""
    value = -gain.relax
    first = (
        f"would raise the strategic value by {value:,.2f}{valid_for(gain.steps, rule)}"
        if value > 0.005
        else "would not raise the strategic value"
    )
    held = (
        f"it would {net_change(net.relax, over)}"
        if abs(net.relax) > 0.5
        else "it would not change the council's net cost"
    )
    return opening(
        rule, f"{rule.relax} {first}; with the strategic value held at its optimum, {held}."
    )
