"""Charts drawn on the server as SVG (they print, and need no script): category shares
against their bands, places used by week, and the plan on the map's grid references.

Colours are from the GOV.UK palette; no style attributes (the Content-Security-Policy
forbids inline styles), only presentation attributes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from markupsafe import Markup, escape

BLUE, DARK_BLUE, GREEN, RED, GREY, LIGHT_GREY, BLACK = (
    "#1d70b8",
    "#003078",
    "#00703c",
    "#d4351c",
    "#505a5f",
    "#f3f2f1",
    "#0b0c0c",
)
FONT = 'font-family="arial, sans-serif"'


def _svg(width: int, height: int, title: str, desc: str, body: Iterable[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="svg-title-{id(body)} svg-desc-{id(body)}" '
        f'class="app-chart">'
        f'<title id="svg-title-{id(body)}">{escape(title)}</title>'
        f'<desc id="svg-desc-{id(body)}">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: int = 14,
    anchor: str = "start",
    fill: str = BLACK,
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}" font-weight="{weight}" {FONT}>{escape(text)}</text>'
    )


class Share(Protocol):
    """A category's share of deployed specialist FTE and its band (as the solution has it)."""

    @property
    def category(self) -> StrEnum:
        """The category."""

    @property
    def share(self) -> float:
        """Its share of specialist FTE (0-1)."""

    @property
    def min_share(self) -> float | None:
        """The lowest share allowed, if any."""

    @property
    def max_share(self) -> float | None:
        """The highest share allowed, if any."""

    @property
    def binds(self) -> str | None:
        """Which bound binds, if one does."""


def _hi(c: Share) -> float:
    return 1.0 if c.max_share is None else c.max_share


def shares(categories: Sequence[Share], labels: Mapping[Any, str]) -> Markup:
    """One bar per category: its share of deployed specialist FTE, over its band (shaded,
    with the floor and ceiling marked); a band that binds is drawn in red."""
    left, width, row = 170, 560, 56
    height = 40 + row * len(categories) + 30
    axis = _axis(categories)
    scale = width / axis
    body: list[str] = []
    for tick in range(0, round(axis * 100) + 1, 10):
        x = left + tick / 100 * scale
        body.append(
            f'<line x1="{x:.1f}" y1="30" x2="{x:.1f}" y2="{height - 30}" '
            f'stroke="#b1b4b6" stroke-width="1"/>'
        )
        body.append(_text(x, height - 12, f"{tick}%", size=12, anchor="middle", fill=GREY))
    for i, c in enumerate(categories):
        top = 40 + i * row
        label = labels.get(c.category, str(c.category))
        body.append(_text(left - 10, top + 24, label, size=15, anchor="end", weight="bold"))
        lo, hi = c.min_share or 0.0, _hi(c)
        body.append(
            f'<rect x="{left + lo * scale:.1f}" y="{top}" width="{(hi - lo) * scale:.1f}" '
            f'height="36" fill="#d2e2f1"/>'
        )
        colour = RED if c.binds else BLUE
        body.append(
            f'<rect x="{left}" y="{top + 9}" width="{c.share * scale:.1f}" height="18" '
            f'fill="{colour}"/>'
        )
        for edge in (lo, hi):
            x = left + edge * scale
            body.append(
                f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{top + 38}" '
                f'stroke="{DARK_BLUE}" stroke-width="3"/>'
            )
        body.append(_text(left + max(c.share, hi) * scale + 8, top + 24, _note(c), size=13))
    desc = "; ".join(_said(c, labels) for c in categories)
    return _svg(left + width + 170, height, "Category shares against their bands", desc, body)


def _axis(categories: Iterable[Share]) -> float:
    """The top of a shares axis: the highest share or ceiling to the next 10%, plus 10%."""
    listed = list(categories)
    top_share = max([c.share for c in listed] + [_hi(c) for c in listed] + [0.1])
    return min(1.0, math.ceil(top_share * 10 + 1e-9) / 10 + 0.1)


def _note(c: Share) -> str:
    """'35.0% (at its floor)'."""
    return f"{c.share:.1%}" + (
        f" (at its {'floor' if c.binds == 'min' else 'ceiling'})" if c.binds else ""
    )


def _said(c: Share, labels: Mapping[Any, str]) -> str:
    """'Core Offer Plus 35.0% against a band of 35% to 40%' (and where it binds)."""
    binds = f" (at its {'floor' if c.binds == 'min' else 'ceiling'})" if c.binds else ""
    return (
        f"{labels.get(c.category, str(c.category))} {c.share:.1%} against a band of "
        f"{(c.min_share or 0):.0%} to {_hi(c):.0%}{binds}"
    )


@dataclass(frozen=True)
class YearShares:
    """One year's category shares, as a plan over years has them."""

    year: str
    categories: Sequence[Share]


BAR, BAR_GAP, GROUP_GAP, PLOT = 64, 14, 56, 240


def shares_by_year(years: Sequence[YearShares], labels: Mapping[Any, str]) -> Markup:
    """A group of bars a year, one bar per category: its share of that year's deployed
    specialist FTE (the bar, red at its floor or ceiling) over that year's band (shaded,
    the floor and ceiling marked)."""
    left, top = 56, 34
    axis = _axis(c for y in years for c in y.categories)
    group = max((len(y.categories) for y in years), default=1)
    span = group * BAR + (group - 1) * BAR_GAP
    width = left + len(years) * span + max(0, len(years) - 1) * GROUP_GAP + 20
    height = top + PLOT + 110
    body = _share_grid(left, top, width, axis)
    for i, y in enumerate(years):
        x0 = left + 10 + i * (span + GROUP_GAP)
        body.append(f'<g data-year="{escape(y.year)}">')
        for j, c in enumerate(y.categories):
            body += _share_bar(x0 + j * (BAR + BAR_GAP), top, axis, c, labels)
        body.append(_text(x0 + span / 2, top + PLOT + 66, y.year, anchor="middle", weight="bold"))
        body.append("</g>")
    body.extend(_legend(left, height - 18, _SHARE_KEY))
    desc = ". ".join(
        f"{y.year}: " + "; ".join(_said(c, labels) for c in y.categories) for y in years
    )
    return _svg(max(width, 640), height, "Category shares against each year's bands", desc, body)


def _share_grid(left: float, top: float, width: float, axis: float) -> list[str]:
    """Horizontal lines every 10% of specialist FTE, labelled on the left."""
    out = []
    for tick in range(0, round(axis * 100) + 1, 10):
        y = top + PLOT - tick / 100 / axis * PLOT
        out.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{width - 10:.1f}" y2="{y:.1f}" '
            f'stroke="#b1b4b6" stroke-width="1"/>'
        )
        out.append(_text(left - 8, y + 4, f"{tick}%", size=12, anchor="end", fill=GREY))
    return out


def _share_bar(x: float, top: float, axis: float, c: Share, labels: Mapping[Any, str]) -> list[str]:
    """One category's bar over its band, its share above and its name below."""

    def at(share: float) -> float:
        return top + PLOT - share / axis * PLOT

    lo, hi = c.min_share or 0.0, _hi(c)
    out = [
        f'<rect x="{x:.1f}" y="{at(hi):.1f}" width="{BAR}" height="{at(lo) - at(hi):.1f}" '
        f'fill="#d2e2f1"/>',
        f'<rect x="{x + 16:.1f}" y="{at(c.share):.1f}" width="{BAR - 32}" '
        f'height="{at(0) - at(c.share):.1f}" fill="{RED if c.binds else BLUE}" '
        f'data-share="{c.share:.4f}"/>',
    ]
    out += [
        f'<line x1="{x - 2:.1f}" y1="{at(edge):.1f}" x2="{x + BAR + 2:.1f}" y2="{at(edge):.1f}" '
        f'stroke="{DARK_BLUE}" stroke-width="3"/>'
        for edge in (lo, hi)
    ]
    out.append(
        _text(x + BAR / 2, at(max(c.share, hi)) - 6, f"{c.share:.1%}", size=12, anchor="middle")
    )
    for k, line in enumerate(_wrapped(labels.get(c.category, str(c.category)))):
        out.append(_text(x + BAR / 2, top + PLOT + 18 + 14 * k, line, size=12, anchor="middle"))
    return out


def _wrapped(label: str, most: int = 10) -> list[str]:
    """A label in lines of at most `most` characters where its words allow."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


_SHARE_KEY = (
    (BLUE, "share of specialist FTE"),
    (RED, "at its floor or ceiling"),
    ("#d2e2f1", "band, floor to ceiling"),
)


@dataclass(frozen=True)
class Load:
    """Places in use at one provider in each week, against its places (None: no limit)."""

    provider: str
    places: int | None
    by_week: Mapping[int, int]


def utilisation(loads: Sequence[Load], weeks: Sequence[int]) -> Markup:
    """A heat map: one row per provider, one column per week; darker is fuller, red is full."""
    left, cell, top = 230, max(8, min(18, 700 // max(1, len(weeks)))), 30
    height = top + cell * len(loads) + 60
    body: list[str] = []
    for j, week in enumerate(weeks):
        if week % 5 == 0 or j == 0:
            body.append(
                _text(
                    left + j * cell + cell / 2,
                    top - 8,
                    str(week),
                    size=11,
                    anchor="middle",
                    fill=GREY,
                )
            )
    for i, load in enumerate(loads):
        y = top + i * cell
        body.append(_text(left - 6, y + cell - 4, load.provider[:32], size=11, anchor="end"))
        for j, week in enumerate(weeks):
            used = load.by_week.get(week, 0)
            body.append(
                f'<rect x="{left + j * cell}" y="{y}" width="{cell - 1}" '
                f'height="{cell - 1}" fill="{_fill(used, load.places)}"/>'
            )
    body.append(_text(left, height - 38, "School week", size=12, fill=GREY))
    body.extend(_legend(left, height - 22, LEGEND))
    desc = f"Places in use by week for {len(loads)} providers; the table below gives the peaks."
    width = max(left + cell * len(weeks) + 10, left + 620)
    return _svg(width, height, "Places in use by week", desc, body)


LEGEND = (
    (LIGHT_GREY, "none in use"),
    ("#d2e2f1", "under a third"),
    ("#5694ca", "a third to two thirds"),
    (DARK_BLUE, "over two thirds"),
    (RED, "every place"),
)


def _legend(x: float, y: float, key: Iterable[tuple[str, str]]) -> list[str]:
    """A swatch and its words for each (colour, label), left to right."""
    out = []
    for colour, label in key:
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" fill="{colour}"/>')
        out.append(_text(x + 16, y + 11, label, size=12))
        x += 30 + 7 * len(label)
    return out


def _fill(used: int, places: int | None) -> str:
    if used == 0:
        return LIGHT_GREY
    if places is None or places <= 0:
        return "#5694ca"
    share = used / places
    if share >= 1:
        return RED
    return "#d2e2f1" if share < 0.34 else "#5694ca" if share < 0.67 else DARK_BLUE


@dataclass(frozen=True)
class Point:
    """One point of a chart, with its label."""

    x: float
    y: float
    label: str


def plan_map(
    providers: Sequence[Point], placed: Sequence[tuple[Point, Point]], unplaced: Sequence[Point]
) -> Markup:
    """Providers (squares), placed referrals (blue dots, a faint line to their provider) and
    unplaced referrals (red crosses) on their grid references (metres east and north)."""
    size, pad = 640, 30
    points = [*providers, *(a for a, _ in placed), *unplaced]
    if not points:
        return Markup("")
    xs, ys = [p.x for p in points], [p.y for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)

    def at(p: Point) -> tuple[float, float]:
        return (pad + (p.x - min(xs)) / span * size, pad + size - (p.y - min(ys)) / span * size)

    body: list[str] = []
    for pupil, provider in placed:
        (x1, y1), (x2, y2) = at(pupil), at(provider)
        body.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{BLUE}" stroke-width="0.6" stroke-opacity="0.35"/>'
        )
    for pupil, _ in placed:
        x, y = at(pupil)
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{BLUE}"/>')
    for p in providers:
        x, y = at(p)
        body.append(
            f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" '
            f'fill="{BLACK}"><title>{escape(p.label)}</title></rect>'
        )
    for p in unplaced:
        x, y = at(p)
        body.append(
            f'<path d="M{x - 5:.1f},{y - 5:.1f}l10,10m0,-10l-10,10" stroke="{RED}" '
            f'stroke-width="2.5"/>'
        )
    km = span / 1000
    body.append(_text(pad, size + pad + 24, f"Map width about {km:,.0f} km", size=12, fill=GREY))
    desc = (
        f"{len(providers)} providers, {len(placed)} placed referrals and {len(unplaced)} "
        "unplaced referrals on their grid references."
    )
    return _svg(size + 2 * pad, size + 2 * pad + 10, "The plan on the map", desc, body)
