"""Every sentence of every infeasible (and priced) bundled, varied, generated and random
instance, read for doubled phrases and figures that cannot exist."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, assume, given, note, settings
from rich.console import Console

from optimiser import SolveStatus, parse_staffing, solve
from optimiser.core.rules import Rule
from optimiser.staffing.generate import generate_staffing
from optimiser.staffing.prices import Price, sentence
from optimiser.staffing.report import show_staffing
from optimiser.staffing.schema import StaffingInstance
from optimiser.staffing.solution import StaffingSolution
from optimiser.staffing.wording import amount, number
from tests.test_staffing_infeasible import VARIANTS
from tests.test_staffing_properties import _bands_valid, staffing_instances

_DOUBLED = re.compile(r"\b(\w+(?:\W+\w+){2,})\W+\1\b", re.IGNORECASE)
_NEGATIVE = re.compile(r"(?<![\w.])-\s*£?\d|£\s*-")
_POINTS = re.compile(r"([\d,.]+) percentage points")
_PERCENT = re.compile(r"([\d,.]+)%")
_RATIO = re.compile(r"([\d,.]+) admin FTE per specialist FTE less")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def doubled(text: str) -> list[str]:
    """Phrases of three or more words said twice in a row, at least two of them words of
    letters (a table row of repeated figures is not a doubled phrase)."""
    return [
        m.group(1)
        for m in _DOUBLED.finditer(text)
        if sum(w.isalpha() for w in re.findall(r"\w+", m.group(1))) >= 2
    ]


def problems(text: str, instance: StaffingInstance) -> list[str]:
    """What is wrong with one sentence: a phrase said twice in a row, a negative figure, a
    share beyond 100%, a ratio taken below zero, a figure that is not a number."""
    found = [f"doubled phrase {d!r}" for d in doubled(text)]
    if _NEGATIVE.search(text):
        found.append("a negative figure")
    if any(_number(m) > 100 for m in _POINTS.findall(text) + _PERCENT.findall(text)):
        found.append("a share beyond 100%")
    rho = instance.admin_per_specialist_fte
    if any(_number(m) > rho + 1e-9 for m in _RATIO.findall(text)):
        found.append("an admin ratio taken below zero")
    if re.search(r"\b(nan|inf)\b", text, re.IGNORECASE):
        found.append("a figure that is not a number")
    return found


def sentences(solution: StaffingSolution) -> list[str]:
    """The summary and every conflict and binding-rule sentence."""
    out = [b.sentence for b in solution.binding_rules]
    if solution.diagnosis is not None:
        out.append(solution.diagnosis.summary)
        out += [c.sentence for c in solution.diagnosis.conflicts]
    return out


def printed(instance: StaffingInstance, solution: StaffingSolution) -> str:
    """The report as a person reads it at the terminal."""
    console = Console(record=True, width=400)
    show_staffing(console, instance, solution)
    return console.export_text()


def check(instance: StaffingInstance) -> int:
    """Read every sentence of one solved instance (and its printed report for doubled
    phrases: its tables hold negative nets on purpose); 1 if it was infeasible, else 0."""
    solution = solve(instance)
    for text in sentences(solution):
        assert not problems(text, instance), (problems(text, instance), text)
    for line in printed(instance, solution).splitlines():
        assert not doubled(line), line
    if solution.status is SolveStatus.INFEASIBLE:
        assert solution.diagnosis is not None
        assert solution.diagnosis.summary
        assert solution.diagnosis.among_fixed or solution.diagnosis.conflicts
        return 1
    return 0


def test_the_checks_catch_what_they_are_for() -> None:
    instance = parse_staffing(
        {
            "kind": "staffing",
            "name": "x",
            "admin_per_specialist_fte": 0.3,
            "staff_groups": [
                {
                    "id": "a",
                    "name": "A",
                    "role": "specialist",
                    "fte_available": 1.0,
                    "cost_per_fte_gbp": 1,
                }
            ],
            "functions": [{"id": "f", "name": "F", "category": "core"}],
        }
    )
    assert problems("No plan meets every rule. no plan meets every rule; 2", instance)
    assert problems("relaxed alone it needs 5.532 admin FTE per specialist FTE less", instance)
    assert problems("it needs 120.0 percentage points", instance)
    assert problems("it saves -£300", instance)
    assert not problems("relaxed alone it needs 0.100 admin FTE per specialist FTE less", instance)


def test_every_varied_bundled_infeasible_instance() -> None:
    infeasible = sum(check(parse_staffing(build())) for build in VARIANTS.values())
    assert infeasible == len(VARIANTS)


def test_every_generated_authority() -> None:
    """Seeds 4 and 5 are infeasible (tests/test_generate_staffing.py), 0-3 priced."""
    assert sum(check(generate_staffing(seed)) for seed in range(6)) == 2


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(staffing_instances())
def test_every_random_instance(data: dict[str, Any]) -> None:
    assume(_bands_valid(data))
    note(str(data))
    assume(check(parse_staffing(data)) == 1)  # infeasible ones are the point


def test_a_rule_of_a_year_is_named_with_its_year() -> None:
    rule = Rule(
        name="min_fte_duty_2016_17",
        family="function_min",
        ids=("duty",),
        text="Duty: statutory minimum of 2.00 specialist FTE",
        sense=">=",
        rhs=2.0,
        unit="FTE",
        relax="each FTE less required on Duty",
        year="2016-17",
    )
    assert sentence(rule, Price(-50_000.0, -50_000.0, 1.0)) == (
        "In 2016-17, each FTE less required on Duty would save the council £50,000 a year "
        "(valid for up to 1.00 FTE)."
    )


def test_a_tiny_change_is_written_out_not_in_exponent_form() -> None:
    """A joint repair may take the admin ratio down by 0.0049 hundredths: the sentence says
    '0.000049 admin FTE per specialist FTE less', never '4.9e-05' (which reads as 5)."""
    assert number(4.9e-05, 3) == "0.000049"
    assert number(0.0016, 2) == "0.0016"
    assert number(0.2, 2) == "0.20"
    assert amount(0.0049, "0.01 admin FTE per specialist FTE") == (
        "0.000049 admin FTE per specialist FTE less"
    )
