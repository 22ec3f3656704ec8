"""Python's cyclic garbage collector paused while a burst of long-lived objects is made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(*, promote: bool = True) -> Iterator[None]:
    """Python's cyclic garbage collector paused while a file is read, an instance validated
    or a solve runs. Each builds tens or hundreds of thousands of small objects (referrals,
    placements, evidence), and each allocation burst set off collections that walked them all
    again: 35-45% of the engine's time on the 20,000 x 500 placements instance, and more than
    half of validating it (bench/README.md). The objects are freed by reference counting as
    usual; cycles wait for the next collection after the pause.

    `promote`: afterwards, move every object alive into the oldest generation rather than
    have the next collection walk them (_resume). Right for a solve, in the process that owns
    it; not for reading and validating, which also run in the web server's request threads,
    where it would promote other requests' garbage too (it would then wait for a full
    collection)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was and promote:
            _resume()
        elif was:
            gc.enable()


def _resume() -> None:
    """The collector on again without walking what was made: those objects are the answer,
    alive, and a first collection over them cost 0.15-0.3 s on 20,000 x 500. Frozen and
    unfrozen, they join the oldest generation (whose counts start again from zero), to be
    walked at its next full collection like any long-lived object."""
    gc.freeze()
    gc.unfreeze()
    gc.enable()
