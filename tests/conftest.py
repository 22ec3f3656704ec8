"""Test-wide settings: property tests are reproducible under the README's test command and in
CI (derandomized: HYPOTHESIS_PROFILE=ci, or CI set), exploratory when pytest is run by hand."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)
