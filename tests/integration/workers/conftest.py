"""Fixtures of the worker suite: a migrated OMS database of this run's own, an engine per test
(``process_test``: its own database, on a controlled clock) with the real BPMN models, the external
systems' simulators per test, and the OMS callback endpoint on a port of its own, so the simulated
provisioning system calls back over HTTP. Tenants are random per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from workers_support import CALLBACK_SECRET, Flow, Tenant, callback_app

from oms.application.commands.catalog import load_demo_catalog
from oms.engine.testing.harness import ProcessTestHarness
from oms.persistence.database import open_pool
from oms.persistence.testing import migrated_test_database
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory
from oms.simulators.app import create_simulator_app
from oms.simulators.config import SimulatorConfig
from oms.simulators.server import BackgroundServer
from oms.workflow.processes import resources


@pytest.fixture(scope="session")
def oms_database_url() -> Iterator[str]:
    with migrated_test_database(prefix="oms_workers_test") as url:
        yield url


@pytest.fixture(scope="session")
def pool(oms_database_url: str) -> Iterator[ConnectionPool]:
    pool = open_pool(oms_database_url, min_size=1, max_size=8, name="worker-tests")
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session")
def uow_factory(pool: ConnectionPool) -> PostgresUnitOfWorkFactory:
    return PostgresUnitOfWorkFactory(pool)


@pytest.fixture(scope="session")
def callbacks_url(pool: ConnectionPool, uow_factory: PostgresUnitOfWorkFactory) -> Iterator[str]:
    """``POST /callbacks/provisioning`` of the OMS API, served on a free port."""
    with BackgroundServer(callback_app(pool, uow_factory)) as server:
        yield f"{server.url}/callbacks/provisioning"


@pytest.fixture
def admin(oms_database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A superuser connection, autocommit, for reading rows of every tenant."""
    with psycopg.connect(oms_database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def tenant(uow_factory: PostgresUnitOfWorkFactory) -> Tenant:
    tenant = Tenant.new(uow_factory)
    load_demo_catalog(uow_factory, tenant.id)
    return tenant


@pytest.fixture
def simulators(callbacks_url: str) -> Iterator[Callable[..., str]]:
    """``simulators(provisioning={...}, inventory={...})``: the simulators with that configuration
    (callbacks to the OMS, signed), on a free port; stopped after the test."""
    servers: list[BackgroundServer] = []

    def start(**systems: dict[str, Any]) -> str:
        provisioning = {
            "callbackUrl": callbacks_url,
            "callbackSecret": CALLBACK_SECRET,
            **systems.pop("provisioning", {}),
        }
        config = SimulatorConfig.model_validate({"seed": 7, "provisioning": provisioning, **systems})
        server = BackgroundServer(create_simulator_app(config))
        server.start()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def flow(
    process_test: ProcessTestHarness, pool: ConnectionPool, uow_factory: PostgresUnitOfWorkFactory, tenant: Tenant
) -> Callable[[str], Flow]:
    """``flow(simulators_url)``: the real models deployed, the relay and every default handler over
    the OMS database and the simulators at that address, serving the jobs of the test's tenant."""
    process_test.deploy(*resources())

    def make(simulators_url: str) -> Flow:
        return Flow(process_test, pool, uow_factory, simulators_url, tenant.id)

    return make
