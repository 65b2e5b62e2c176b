"""Keys for every engine entity, from one PostgreSQL sequence.

The sequence steps by a block size, so one ``nextval`` hands this process a whole block of keys
and most commands allocate keys without a round trip.

The block is fetched on a connection of the generator's own, never one from the engine's pool:
keys are asked for inside command transactions, which hold a pooled connection each, so with
every pooled connection taken by a command, a refill waiting for the pool would wait for itself
(every other command waits for the generator's lock) until the pool's time-out.
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

BLOCK_SIZE = 1000  # must match INCREMENT of engine.key_seq


class KeyGenerator:
    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self._pool = pool
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[Any] | None = None
        self._next = 0
        self._limit = 0

    def next_key(self) -> int:
        with self._lock:
            if self._next >= self._limit:
                start = self._next_block()
                self._next, self._limit = start, start + BLOCK_SIZE
            key = self._next
            self._next += 1
            return key

    def _next_block(self) -> int:
        try:
            if self._conn is None or self._conn.closed:
                self._conn = psycopg.connect(str(self._pool.conninfo), autocommit=True)
            row = self._conn.execute("SELECT nextval('engine.key_seq')").fetchone()
        except psycopg.Error:
            self._drop()  # broken: the next refill connects again
            raise
        assert row is not None
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
