"""Keys for every engine entity, from one PostgreSQL sequence.

The sequence steps by a block size, so one ``nextval`` hands this process a whole block of keys
and most commands allocate keys without a round trip.
"""

from __future__ import annotations

import threading

from psycopg_pool import ConnectionPool

BLOCK_SIZE = 1000  # must match INCREMENT of engine.key_seq


class KeyGenerator:
    def __init__(self, pool: ConnectionPool) -> None:
        self._pool = pool
        self._lock = threading.Lock()
        self._next = 0
        self._limit = 0

    def next_key(self) -> int:
        with self._lock:
            if self._next >= self._limit:
                with self._pool.connection() as conn:
                    row = conn.execute("SELECT nextval('engine.key_seq')").fetchone()
                assert row is not None
                self._next, self._limit = int(row[0]), int(row[0]) + BLOCK_SIZE
            key = self._next
            self._next += 1
            return key
