"""Fixtures of the relay suite: a migrated OMS database of this run's own, an engine per test
(``process_test``: its own database, emptied, on a controlled clock), and the workflow client over
it twice, in-process (``embedded``) and through the official SDK against the engine's REST app
(``camunda``), so each test proves the relay on both back-ends. Tenants are random per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from oms.engine.clock import ControlledClock
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.rest import SDK_CONFIGURATION, rest_transport
from oms.persistence.database import open_pool
from oms.persistence.testing import migrated_test_database
from oms.relay.store import RelayStore
from oms.workflow.client import WorkflowClient
from oms.workflow.embedded import EmbeddedWorkflowClient


@pytest.fixture(scope="session")
def oms_database_url() -> Iterator[str]:
    with migrated_test_database(prefix="oms_relay_test") as url:
        yield url


@pytest.fixture(scope="session")
def pool(oms_database_url: str) -> Iterator[ConnectionPool]:
    pool = open_pool(oms_database_url, min_size=1, max_size=4, name="relay-tests")
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def admin(oms_database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A superuser connection, autocommit, for writing inputs and reading rows."""
    with psycopg.connect(oms_database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def relay_clock() -> ControlledClock:
    return ControlledClock()


@pytest.fixture
def store(pool: ConnectionPool, relay_clock: ControlledClock) -> RelayStore:
    return RelayStore(pool, clock=relay_clock)


@pytest.fixture
def tenant() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


@pytest.fixture(params=["embedded", "camunda"])
def client(request: pytest.FixtureRequest, process_test: ProcessTestHarness) -> Iterator[WorkflowClient]:
    if request.param == "embedded":
        yield EmbeddedWorkflowClient(process_test.engine)
        return
    from oms.workflow.camunda_sdk import CamundaWorkflowClient

    with (
        rest_transport(process_test.engine) as transport,
        closing(CamundaWorkflowClient(SDK_CONFIGURATION, httpx_args={"transport": transport})) as camunda,
    ):
        yield camunda
