"""A transaction as one of the OMS's database roles (``SET LOCAL``, so the role ends with the
transaction and a pooled connection goes back as its login role): ``oms_app`` in one tenant (given as
``tenant_id``; row-level security shows it nothing else), ``oms_relay`` and ``oms_scheduler`` across
tenants, on the workflow tables only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from oms.persistence.tables import TENANT_SETTING


@contextmanager
def transaction_as(
    pool: ConnectionPool, role: str, *, tenant_id: str | None = None
) -> Iterator[psycopg.Connection[Any]]:
    """Commits when the block ends normally, rolls back when it raises (the pool's connection block)."""
    with pool.connection() as conn:
        if tenant_id is None:
            conn.execute("SELECT set_config('role', %s, true)", (role,))
        else:
            conn.execute(
                "SELECT set_config('role', %s, true), set_config(%s, %s, true)", (role, TENANT_SETTING, tenant_id)
            )
        yield conn
