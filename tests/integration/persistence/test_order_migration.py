"""Migration 0002 (the order schema) goes back cleanly: its downgrade drops exactly the order
tables, leaving the CPQ schema as 0001 made it, and upgrading again rebuilds them."""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from alembic import command
from sqlalchemy import create_engine, pool

from oms.engine.postgres import create_database, drop_database, embedded_server_url
from oms.persistence.migrate import alembic_config, current_revision
from oms.persistence.tables import CPQ_TENANT_TABLES, ORDER_TENANT_TABLES, VERSION_TABLE


@pytest.fixture
def empty_database() -> Iterator[str]:
    server = os.environ.get("OMS_TEST_DATABASE_URL") or embedded_server_url()
    url = create_database(server, prefix="oms_order_migration_test")
    try:
        yield url
    finally:
        drop_database(url)


def _alembic(url: str, step: str, target: str) -> None:
    engine = create_engine("postgresql+psycopg://", creator=lambda: psycopg.connect(url), poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            if step == "upgrade":
                command.upgrade(config, target)
            else:
                command.downgrade(config, target)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def test_the_order_schema_downgrades_to_the_cpq_schema_and_upgrades_again(empty_database: str) -> None:
    # given
    _alembic(empty_database, "upgrade", "0002_order_schema")
    assert _tables(empty_database) == {*CPQ_TENANT_TABLES, *ORDER_TENANT_TABLES, VERSION_TABLE}
    # when
    _alembic(empty_database, "downgrade", "0001_cpq_schema")
    # then
    assert current_revision(empty_database) == "0001_cpq_schema"
    assert _tables(empty_database) == {*CPQ_TENANT_TABLES, VERSION_TABLE}
    # when
    _alembic(empty_database, "upgrade", "0002_order_schema")
    # then
    assert current_revision(empty_database) == "0002_order_schema"
    assert _tables(empty_database) == {*CPQ_TENANT_TABLES, *ORDER_TENANT_TABLES, VERSION_TABLE}
