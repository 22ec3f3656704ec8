"""The engine holds time limits itself: a solve that overruns is stopped and the best
incumbent received comes back `feasible`; without a limit, solves run in-process. (How long
the stop takes is measured in bench/, not asserted here.)"""

from __future__ import annotations

import time

import pytest

from optimiser import (
    InstanceError,
    PlacementSolution,
    Progress,
    ProgressCallback,
    SolveOptions,
    SolveStatus,
    parse_placements,
    solve,
)
from optimiser.core.errors import Problem
from optimiser.placements.generate import generate_placements
from optimiser.placements.schema import PlacementInstance
from optimiser.solve import _no_plan
from optimiser.supervise import STOPPED_NOTE, supervised
from tests.placements_helpers import instance, provider, referral


def _tiny() -> PlacementInstance:
    return parse_placements(instance([provider("A", 100.0)], [referral("R0")]))


def stubborn(
    inst: PlacementInstance, options: SolveOptions, progress: ProgressCallback | None
) -> PlacementSolution:
    """A solver that reports one verified plan (the real optimum of the tiny instance, as an
    incumbent, with a bound of £1,000) and then never stops."""
    plan = solve(inst)
    assert progress is not None
    progress(Progress(2000.0, 1000.0, 0.5, incumbent=plan))
    while True:
        time.sleep(1)


def silent(
    inst: PlacementInstance, options: SolveOptions, progress: ProgressCallback | None
) -> PlacementSolution:
    """A solver that never reports anything and never stops."""
    while True:
        time.sleep(1)


def refusing(
    inst: PlacementInstance, options: SolveOptions, progress: ProgressCallback | None
) -> PlacementSolution:
    raise InstanceError([Problem(path="referrals", message="a made-up problem")])


def test_overrun_returns_the_incumbent_as_feasible() -> None:
    """One referral at A, 2 days x 10 weeks at £100: £2,000, here reported as an incumbent
    with a bound of £1,000 before the solver hangs: the engine returns that plan, feasible,
    with the bound and gap it heard (|2000 - 1000| / 2000 = 0.5). The limit (3 s) leaves the
    child time to start and report on a loaded machine; the solver never stops either way."""
    heard: list[Progress] = []
    sol = supervised(stubborn, _tiny(), SolveOptions(time_limit_seconds=3), heard.append, _no_plan)
    assert sol.status is SolveStatus.FEASIBLE
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(2000.0)
    assert sol.statistics.objective_bound == pytest.approx(1000.0)
    assert sol.statistics.gap == pytest.approx(0.5)
    assert STOPPED_NOTE in sol.statistics.notes
    assert [p.best_objective for p in heard] == [2000.0]


def test_overrun_with_nothing_heard_is_the_plan_that_always_exists() -> None:
    """Nothing heard: the one referral unplaced at its spot cost (£300 x 2 days x 10 weeks =
    £6,000), verified and feasible: a placement run never ends without a plan."""
    sol = supervised(silent, _tiny(), SolveOptions(time_limit_seconds=0.5), None, _no_plan)
    assert sol.status is SolveStatus.FEASIBLE
    assert sol.verification is not None
    assert sol.verification.passed
    assert sol.totals is not None
    assert sol.totals.objective_gbp == pytest.approx(6000.0)
    assert [u.reason for u in sol.unplaced] == ["time_limit"]
    assert STOPPED_NOTE in sol.statistics.notes


def test_errors_in_the_child_reach_the_caller() -> None:
    with pytest.raises(InstanceError) as caught:
        supervised(refusing, _tiny(), SolveOptions(time_limit_seconds=5), None, _no_plan)
    assert caught.value.problems[0].message == "a made-up problem"


def test_a_time_limited_weekday_run_always_has_a_verified_plan() -> None:
    """2,000 x 100 with places per weekday on HiGHS (which proves nothing here in 5 s, nor in
    8 s): the answer is a verified plan with pupils placed (the greedy start at least),
    `feasible`, never `no_solution`. The limit leaves room for the start on a loaded machine
    (building the linear form and the greedy plan took 1.9 s of a 3 s limit under load)."""
    inst = generate_placements(2000, 100, seed=11, weekday_places=True)
    sol = solve(inst, SolveOptions(solver="highs", time_limit_seconds=5))
    assert sol.status is SolveStatus.FEASIBLE
    assert sol.verification is not None
    assert sol.verification.passed
    assert sol.totals is not None
    assert sol.totals.placed > 0


def test_every_mip_run_reports_its_starting_plan() -> None:
    """In-process (no limit), HiGHS and CP-SAT report the greedy start as a whole verified
    incumbent before the solver starts."""
    data = instance(
        [provider("A", 100.0, places=1), provider("B", 150.0)],
        [referral("R0"), referral("R1")],
        max_provider_share=0.5,
    )
    for solver in ("highs", "cpsat"):
        heard: list[Progress] = []
        sol = solve(parse_placements(data), SolveOptions(solver=solver), heard.append)
        starts = [p.incumbent for p in heard if p.incumbent is not None]
        assert len(starts) == 1
        start = starts[0]
        assert isinstance(start, PlacementSolution)
        assert start.status is SolveStatus.FEASIBLE
        assert start.verification is not None
        assert start.verification.passed
        assert sol.status is SolveStatus.OPTIMAL


def test_the_collector_resumes_without_walking_what_the_solve_made() -> None:
    """After a paused solve the collector is on again; the objects made meanwhile are in the
    oldest generation (not the youngest, whose first collection would walk them all), and a
    reference cycle made during the pause is still collected by a full collection."""
    import gc
    import weakref

    from optimiser.core.collector import collector_paused

    class Node:
        pass

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        made = [{"n": [k]} for k in range(10_000)]
        cycle = Node()
        cycle.me = cycle  # type: ignore[attr-defined]
        gone = weakref.ref(cycle)
        del cycle
    assert gc.isenabled()
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(made) in oldest  # not in the youngest generation, where it would be walked
    assert gc.is_tracked(made[0])
    assert gone() is not None  # the cycle waits for a collection
    gc.collect()
    assert gone() is None


@pytest.mark.parametrize("promote", [False, True])
def test_reading_and_validating_pause_the_collector_without_promoting_anything(
    promote: bool,
) -> None:
    """The pause reading and validating use (promote=False, as they also run in the web
    server's request threads): the collector is on again afterwards and nothing, neither the
    objects made meanwhile nor another request's garbage (a cycle made before the pause), was
    moved to the oldest generation, so a young collection frees that cycle. A solve's pause
    (promote=True) moves it to the oldest generation, where only a full collection frees it."""
    import gc
    import weakref

    from optimiser.core.collector import collector_paused

    class Node:
        pass

    gc.collect()
    before = Node()
    before.me = before  # type: ignore[attr-defined]
    gone = weakref.ref(before)
    del before
    with collector_paused(promote=promote):
        assert not gc.isenabled()
        made = [{"n": [k]} for k in range(1_000)]
    assert gc.isenabled()
    assert (id(made) in {id(o) for o in gc.get_objects(generation=2)}) is promote
    gc.collect(generation=1)
    assert (gone() is None) is not promote
    gc.collect()
    assert gone() is None
