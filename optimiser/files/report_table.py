"""The parts every solver report is built from: a report's kind, its tables, and columns that
each say how to read their value from a row's item (one definition per column, shared by the
reports that show it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from optimiser.files.sheets import Col

Item = TypeVar("Item")


class Report(StrEnum):
    """The solver reports, as in a spreadsheet solver."""

    ANSWER = "answer"
    SENSITIVITY = "sensitivity"
    LIMITS = "limits"


@dataclass(frozen=True)
class ReportTable:
    """One report as a sheet: its title, columns and rows."""

    title: str  # the sheet's name
    cols: tuple[Col, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class Column(Generic[Item]):
    """A report column and how to read its value from an item."""

    col: Col
    value: Callable[[Item], Any]


def report_table(
    title: str,
    columns: Sequence[Column[Item]],
    items: Iterable[Item],
    first: Sequence[tuple[Any, ...]] = (),
) -> ReportTable:
    """A table of one row an item (after the rows `first`)."""
    rows = [*first, *(tuple(c.value(item) for c in columns) for item in items)]
    return ReportTable(title, tuple(c.col for c in columns), rows)


def binds(binding: bool) -> str:
    """A rule's status in Excel Solver's words."""
    return "Binding" if binding else "Not binding"
