"""Fixtures of the scheduler suite: a migrated OMS database of this run's own, an engine per test
(``process_test``: its own database, emptied, on a virtual clock), and one clock for both, so moving
it moves the engine's incidents and the application's transactions alike. Tenants are random per
test; a pass covers every tenant, so tests look only at their own tenant's findings and alerts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import structlog
from psycopg_pool import ConnectionPool
from scheduler_support import ALERT_AFTER, GRACE, Tenant, new_tenant_id

from oms.application.commands.catalog import load_demo_catalog
from oms.engine.clock import ControlledClock
from oms.engine.testing.harness import ProcessTestHarness
from oms.persistence.database import open_pool
from oms.persistence.testing import migrated_test_database
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory
from oms.relay.store import RelayStore
from oms.scheduler.engine_reads import EmbeddedEngineReads
from oms.scheduler.reconciler import Reconciler, ReconcilerOptions
from oms.scheduler.store import SchedulerStore
from oms.workflow.client import WorkflowClient
from oms.workflow.embedded import EmbeddedWorkflowClient


@pytest.fixture(autouse=True)
def _quiet_logs() -> Iterator[None]:
    structlog.configure(logger_factory=structlog.PrintLoggerFactory())
    yield
    structlog.reset_defaults()


@pytest.fixture(scope="session")
def oms_database_url() -> Iterator[str]:
    with migrated_test_database(prefix="oms_scheduler_test") as url:
        yield url


@pytest.fixture(scope="session")
def pool(oms_database_url: str) -> Iterator[ConnectionPool]:
    pool = open_pool(oms_database_url, min_size=1, max_size=6, name="scheduler-tests")
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def admin(oms_database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A superuser connection, autocommit, for raw rows."""
    with psycopg.connect(oms_database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def clock(process_test: ProcessTestHarness) -> ControlledClock:
    return process_test.clock


@pytest.fixture
def uow_factory(pool: ConnectionPool, clock: ControlledClock) -> PostgresUnitOfWorkFactory:
    return PostgresUnitOfWorkFactory(pool, clock=clock)


@pytest.fixture
def client(process_test: ProcessTestHarness) -> WorkflowClient:
    return EmbeddedWorkflowClient(process_test.engine)


@pytest.fixture
def reconciler(
    pool: ConnectionPool,
    uow_factory: PostgresUnitOfWorkFactory,
    client: WorkflowClient,
    process_test: ProcessTestHarness,
    clock: ControlledClock,
) -> Reconciler:
    return Reconciler(
        SchedulerStore(pool),
        uow_factory,
        client,
        EmbeddedEngineReads(process_test.engine),
        ReconcilerOptions(incident_alert_after=ALERT_AFTER, grace=GRACE),
        clock=clock,
    )


@pytest.fixture
def tenant(
    uow_factory: PostgresUnitOfWorkFactory,
    client: WorkflowClient,
    pool: ConnectionPool,
    clock: ControlledClock,
    admin: psycopg.Connection[Any],
) -> Tenant:
    """A fresh tenant with the demo catalog."""
    tenant_id = new_tenant_id()
    load_demo_catalog(uow_factory, tenant_id)
    return Tenant(tenant_id, uow_factory, client, RelayStore(pool, clock=clock), admin)
