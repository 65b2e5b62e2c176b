"""End-to-end tests of ``POST /callbacks/{system}``: the real app (``create_app`` with the callback
endpoint) over a migrated PostgreSQL database of this run's own; tenants are random per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from callback_support import JWT_SECRET, SECRETS
from fastapi import FastAPI
from fastapi.testclient import TestClient
from psycopg_pool import ConnectionPool

from oms.api.app import create_app
from oms.api.config import ApiConfig
from oms.api.routes.callbacks import CallbackEndpoint
from oms.persistence.database import open_pool
from oms.persistence.testing import migrated_test_database
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory
from oms.relay.store import PostgresCallbackInbox


@pytest.fixture(scope="session")
def oms_database_url() -> Iterator[str]:
    with migrated_test_database(prefix="oms_callbacks_test") as url:
        yield url


@pytest.fixture(scope="session")
def pool(oms_database_url: str) -> Iterator[ConnectionPool]:
    pool = open_pool(oms_database_url, min_size=1, max_size=4, name="callback-tests")
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(scope="session")
def app(pool: ConnectionPool) -> FastAPI:
    config = ApiConfig(jwt_secret=JWT_SECRET)
    return create_app(
        config, PostgresUnitOfWorkFactory(pool), callbacks=CallbackEndpoint(PostgresCallbackInbox(pool), SECRETS)
    )


@pytest.fixture(scope="session")
def api(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def admin(oms_database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(oms_database_url, autocommit=True) as conn:
        yield conn


@pytest.fixture
def tenant() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"
