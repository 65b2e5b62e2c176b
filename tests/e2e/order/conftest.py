"""End-to-end tests of the TMF622 order API and its operator extension: the real app over a real,
migrated PostgreSQL database created for this run, called in-process through FastAPI's TestClient,
as ``tests/e2e/cpq`` does (whose client helpers these tests share). Each test works in tenants of
its own (random ids), so tests never see each other's rows."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

# The CPQ tests' client (tokens per actor, quote helpers) is shared, not copied.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "cpq"))

from api_support import API_KEY, API_KEY_CLAIMS, SECRET, ApiDriver, new_tenant_id
from order_api_support import OrderDriver

from oms.api.app import create_app
from oms.api.config import ApiConfig, ApprovalOutcomeMode
from oms.application.commands.catalog import load_demo_catalog
from oms.persistence.database import open_pool
from oms.persistence.testing import migrated_test_database
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with migrated_test_database(prefix="oms_order_api_test") as url:
        yield url


@pytest.fixture(scope="session")
def pool(database_url: str) -> Iterator[ConnectionPool]:
    pool = open_pool(database_url, min_size=1, max_size=6, name="order-api-tests")
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session")
def uow_factory(pool: ConnectionPool) -> PostgresUnitOfWorkFactory:
    return PostgresUnitOfWorkFactory(pool)


@pytest.fixture(scope="session")
def app(uow_factory: PostgresUnitOfWorkFactory) -> FastAPI:
    config = ApiConfig(
        jwt_secret=SECRET, api_keys={API_KEY: API_KEY_CLAIMS}, approval_outcome=ApprovalOutcomeMode.INLINE
    )
    return create_app(config, uow_factory)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def admin(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A superuser connection (no row-level security) for assertions on raw rows."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


def _tenant(client: TestClient, uow_factory: PostgresUnitOfWorkFactory) -> OrderDriver:
    api = ApiDriver(client, new_tenant_id())
    load_demo_catalog(uow_factory, api.tenant)
    return OrderDriver(api, uow_factory)


@pytest.fixture
def orders(client: TestClient, uow_factory: PostgresUnitOfWorkFactory) -> OrderDriver:
    """Tenant A, with the demo catalog active."""
    return _tenant(client, uow_factory)


@pytest.fixture
def other(client: TestClient, uow_factory: PostgresUnitOfWorkFactory) -> OrderDriver:
    """Tenant B, with the demo catalog active."""
    return _tenant(client, uow_factory)
