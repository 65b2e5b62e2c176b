"""Application tests run the commands against a real, migrated PostgreSQL database (one per test
run and xdist worker). Tests never roll back or truncate: each one works in tenants of its own
(random ids), so they cannot see each other's rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from cpq_app_support import ManualClock, TenantDriver, new_tenant_id
from order_app_support import OrderDriver
from psycopg_pool import ConnectionPool

from oms.application.commands.catalog import load_demo_catalog
from oms.persistence.database import open_pool
from oms.persistence.testing import migrated_test_database
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with migrated_test_database(prefix="oms_app_test") as url:
        yield url


@pytest.fixture(scope="session")
def pool(database_url: str) -> Iterator[ConnectionPool]:
    pool = open_pool(database_url, min_size=1, max_size=6, name="app-tests")
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def admin(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A superuser connection (row-level security does not apply) for assertions on raw rows."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def uow_factory(pool: ConnectionPool, clock: ManualClock) -> PostgresUnitOfWorkFactory:
    return PostgresUnitOfWorkFactory(pool, clock=clock)


@pytest.fixture
def tenant(uow_factory: PostgresUnitOfWorkFactory, clock: ManualClock) -> TenantDriver:
    """A fresh tenant with the demo catalog loaded and active."""
    driver = TenantDriver(new_tenant_id(), uow_factory, clock)
    load_demo_catalog(uow_factory, driver.id)
    return driver


@pytest.fixture
def other_tenant(uow_factory: PostgresUnitOfWorkFactory, clock: ManualClock) -> TenantDriver:
    driver = TenantDriver(new_tenant_id(), uow_factory, clock)
    load_demo_catalog(uow_factory, driver.id)
    return driver


@pytest.fixture
def orders(tenant: TenantDriver) -> OrderDriver:
    """Order commands for a fresh tenant with the demo catalog."""
    return OrderDriver(tenant)


@pytest.fixture
def other_orders(other_tenant: TenantDriver) -> OrderDriver:
    return OrderDriver(other_tenant)
