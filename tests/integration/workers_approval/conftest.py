"""Fixtures of the approval, cancellation and amendment worker suite: a migrated OMS database of this
run's own, an engine per test (``process_test``: its own database, emptied, on a controlled clock)
with the real BPMN models deployed, the workflow relay over both, and the OMS reading the engine's
clock, so moving the virtual clock moves timers and business time together. Tenants are random."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import structlog
from approval_workers_support import Flow
from psycopg_pool import ConnectionPool

from oms.application.commands.catalog import load_demo_catalog
from oms.engine.testing.harness import ProcessTestHarness
from oms.persistence.database import open_pool
from oms.persistence.testing import migrated_test_database
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory
from oms.relay.service import WorkflowRelay
from oms.relay.store import RelayStore
from oms.workflow import processes
from oms.workflow.embedded import EmbeddedWorkflowClient


@pytest.fixture(autouse=True)
def _logs_to_captured_stdout() -> Iterator[None]:
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stdout))
    yield
    structlog.reset_defaults()


@pytest.fixture(scope="session")
def oms_database_url() -> Iterator[str]:
    with migrated_test_database(prefix="oms_workers_approval_test") as url:
        yield url


@pytest.fixture(scope="session")
def pool(oms_database_url: str) -> Iterator[ConnectionPool]:
    pool = open_pool(oms_database_url, min_size=1, max_size=8, name="workers-approval-tests")
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def admin(oms_database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A superuser connection, autocommit, for reading raw rows."""
    with psycopg.connect(oms_database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def uow_factory(pool: ConnectionPool, process_test: ProcessTestHarness) -> PostgresUnitOfWorkFactory:
    return PostgresUnitOfWorkFactory(pool, clock=process_test.clock)


@pytest.fixture
def tenant(uow_factory: PostgresUnitOfWorkFactory) -> str:
    tenant_id = f"t-{uuid.uuid4().hex[:10]}"
    load_demo_catalog(uow_factory, tenant_id)
    return tenant_id


@pytest.fixture
def flow(
    process_test: ProcessTestHarness, pool: ConnectionPool, uow_factory: PostgresUnitOfWorkFactory, tenant: str
) -> Flow:
    process_test.deploy(*processes.resources())
    client = EmbeddedWorkflowClient(process_test.engine)
    relay = WorkflowRelay(RelayStore(pool, clock=process_test.clock), client)
    return Flow(process_test, client, relay, uow_factory, tenant, pool)
