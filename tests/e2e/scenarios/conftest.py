"""Fixtures of the end-to-end scenarios: the whole system (``oms.system.System``: engine, relay,
workers, simulators, API over HTTP) on a database of each test's own, cloned from a migrated
template made once per test run (per xdist worker). Every scenario runs twice: workers and relays
on the in-process client (``embedded``) and through the official Camunda SDK against the engine's
REST server on a port (``camunda``). The engine runs on a controlled clock; nothing sleeps."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql
from scenario_support import Scenario, scenario_config

from oms.engine.api import Engine
from oms.engine.postgres import create_database, drop_database, embedded_server_url, with_database
from oms.persistence.migrate import migrate_database
from oms.system import ClientKind, System


@pytest.fixture(scope="session")
def template_database() -> Iterator[str]:
    """A migrated database that each test's database is copied from (``CREATE DATABASE … TEMPLATE``)."""
    server = os.environ.get("OMS_TEST_DATABASE_URL") or embedded_server_url()
    url = create_database(server, prefix="oms_e2e_template")
    try:
        with Engine.connect(url, pool_size=1):
            pass
        migrate_database(url)
        yield url
    finally:
        drop_database(url)


@pytest.fixture
def database_url(template_database: str) -> Iterator[str]:
    template = str(psycopg.conninfo.conninfo_to_dict(template_database)["dbname"])
    name = f"{template.replace('template', 'case')}_{os.urandom(4).hex()}"
    with psycopg.connect(with_database(template_database, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
    url = with_database(template_database, name)
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture(params=[ClientKind.EMBEDDED, ClientKind.CAMUNDA], ids=["embedded", "camunda"])
def client_kind(request: pytest.FixtureRequest) -> ClientKind:
    kind: ClientKind = request.param
    return kind


@pytest.fixture
def start_system(database_url: str, client_kind: ClientKind) -> Iterator[Callable[..., Scenario]]:
    """``start_system(tenant=None, **config overrides)``: a started system and a driver for one tenant
    (random unless given, with the demo catalog); stopped when the test ends."""
    started: list[System] = []

    def start(tenant: str | None = None, **overrides: Any) -> Scenario:
        system = System(scenario_config(database_url, client_kind, **overrides))
        started.append(system)
        system.start()
        return Scenario.open(system, tenant)

    try:
        yield start
    finally:
        for system in reversed(started):
            system.stop()
