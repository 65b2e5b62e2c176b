"""pytest plugin for users of the embedded engine (registered as ``oms_engine``).

Fixtures:
- ``engine_database_url`` (session): a database of its own for this test run (per xdist worker),
  on the server in ``OMS_TEST_DATABASE_URL``, else on an embedded PostgreSQL; dropped at the end.
- ``process_test``: a fresh engine per test on that database (tables emptied), with a virtual clock:
  see :class:`oms.engine.testing.harness.ProcessTestHarness`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from oms.engine.api import Engine
from oms.engine.clock import ControlledClock
from oms.engine.postgres import create_database, drop_database, embedded_server_url
from oms.engine.state.schema import migrate, truncate_all
from oms.engine.testing.harness import ProcessTestHarness


@pytest.fixture(scope="session")
def engine_database_url() -> Iterator[str]:
    server = os.environ.get("OMS_TEST_DATABASE_URL") or embedded_server_url()
    url = create_database(server, prefix="engine_test")
    try:
        yield url
    finally:
        drop_database(url)


@pytest.fixture
def process_test(engine_database_url: str) -> Iterator[ProcessTestHarness]:
    clock = ControlledClock()
    engine = Engine.connect(engine_database_url, clock=clock, pool_size=4, install_schema=False)
    with engine.pool.connection() as conn:
        migrate(conn)
        truncate_all(conn)
    try:
        yield ProcessTestHarness(engine, clock)
    finally:
        engine.close()
