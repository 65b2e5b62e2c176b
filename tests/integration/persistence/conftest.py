"""Persistence tests: repositories, the unit of work and the schema (row-level security,
constraints, migrations) against a real, migrated PostgreSQL database of this run's own. Each test
uses tenants with random ids instead of emptying tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from persistence_support import Clock, new_tenant_id
from psycopg_pool import ConnectionPool

from oms.persistence.database import open_pool
from oms.persistence.testing import migrated_test_database
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with migrated_test_database(prefix="oms_persistence_test") as url:
        yield url


@pytest.fixture(scope="session")
def pool(database_url: str) -> Iterator[ConnectionPool]:
    pool = open_pool(database_url, min_size=1, max_size=6, name="persistence-tests")
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def admin(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A superuser connection: row-level security does not apply to it."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def uow_factory(pool: ConnectionPool) -> PostgresUnitOfWorkFactory:
    return PostgresUnitOfWorkFactory(pool, clock=Clock())


@pytest.fixture
def tenant_a() -> str:
    return new_tenant_id()


@pytest.fixture
def tenant_b() -> str:
    return new_tenant_id()
