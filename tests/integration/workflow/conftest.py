"""Fixtures of the workflow suite: one engine per test on the run's database, and the client under
test over it, once in-process (``embedded``) and once through the official SDK against the
engine's REST app (``camunda``), so every test proves both back-ends behave alike.

Tests never truncate: each one uses process ids and job types of its own. The engine runs on a
controlled clock without background services; tests fire due work with ``engine.run_due_work()``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import closing

import pytest
import structlog

from oms.engine.api import Engine
from oms.engine.clock import ControlledClock
from oms.engine.testing.rest import SDK_CONFIGURATION, rest_transport
from oms.workflow.client import WorkflowClient
from oms.workflow.embedded import EmbeddedWorkflowClient

CLIENTS = ["embedded", "camunda"]


@pytest.fixture(autouse=True)
def _logs_to_captured_stdout() -> Iterator[None]:
    """structlog's default logger holds the stdout of import time, which escapes pytest's capture:
    print to the current one, so worker logs show up with a failing test only."""
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stdout))
    yield
    structlog.reset_defaults()


@pytest.fixture
def clock() -> ControlledClock:
    return ControlledClock()


@pytest.fixture
def engine(engine_database_url: str, clock: ControlledClock) -> Iterator[Engine]:
    engine = Engine.connect(engine_database_url, clock=clock, pool_size=8)
    try:
        yield engine
    finally:
        engine.close()


@pytest.fixture(params=CLIENTS)
def client(request: pytest.FixtureRequest, engine: Engine) -> Iterator[WorkflowClient]:
    if request.param == "embedded":
        yield EmbeddedWorkflowClient(engine)
        return
    from oms.workflow.camunda_sdk import CamundaWorkflowClient

    with (
        rest_transport(engine) as transport,
        closing(CamundaWorkflowClient(SDK_CONFIGURATION, httpx_args={"transport": transport})) as camunda,
    ):
        yield camunda
