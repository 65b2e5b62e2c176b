"""Test support: a throw-away, migrated database per test run (per xdist worker), on the server in
``OMS_TEST_DATABASE_URL`` or else an embedded PostgreSQL. Import it only from tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from oms.engine.postgres import create_database, drop_database, embedded_server_url
from oms.persistence.migrate import migrate_database


@contextmanager
def migrated_test_database(prefix: str = "oms_cpq_test") -> Iterator[str]:
    server = os.environ.get("OMS_TEST_DATABASE_URL") or embedded_server_url()
    url = create_database(server, prefix=prefix)
    try:
        migrate_database(url)
        yield url
    finally:
        drop_database(url)
