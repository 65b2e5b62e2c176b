"""The connection pool. Sessions run in UTC so timestamps come back as UTC, whatever the server's
own time zone is."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg_pool import ConnectionPool


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET TIME ZONE 'UTC'")
    conn.commit()


def open_pool(url: str, *, min_size: int = 1, max_size: int = 10, name: str = "oms") -> ConnectionPool:
    """A pool of non-autocommit connections; the caller closes it (``pool.close()``)."""
    pool = ConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        name=name,
        configure=_configure,
        kwargs={"autocommit": False},
        open=False,
    )
    pool.open(wait=True)
    return pool
