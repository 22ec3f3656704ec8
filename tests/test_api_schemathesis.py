"""schemathesis against the OpenAPI document: a bounded number of examples per operation, all
its checks, and no 5xx."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from api.main import create_app
from tests.api_helpers import AUTH
from tests.api_helpers import settings as api_settings

APP = create_app(
    api_settings(Path(tempfile.mkdtemp(prefix="optimiser-fuzz-")), sync_time_limit_seconds=2.0),
    run_jobs=False,
)
# Every check stays on. Positive data may also get 422: cross-entity rules (references between
# lists, duplicate ids, a forced backend that cannot express the instance) are not expressible
# in JSON Schema, so a schema-valid body can still be an invalid instance.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)
SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", APP, config=CONFIG)


@pytest.fixture(scope="module", autouse=True)
def running_jobs() -> Iterator[None]:
    """schemathesis drives the app without its lifespan: start and stop the runner here."""
    APP.state.runner.start()
    yield
    APP.state.runner.stop()


@SCHEMA.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(headers=AUTH)
