"""Key blocks are fetched on the generator's own connection: a command that needs a new block while
every pooled connection is held by a command (its own included) gets it at once, instead of waiting
for a pooled connection that only its own end would free."""

from __future__ import annotations

import time

from oms.engine import Engine
from oms.engine.keys import BLOCK_SIZE


def test_a_new_key_block_needs_no_pooled_connection(engine_database_url: str) -> None:
    # given: an engine whose pool has one connection, held as a command's transaction holds it
    engine = Engine.connect(engine_database_url, pool_size=1)
    try:
        with engine.pool.connection():
            # when: the command takes more keys than one block holds
            started = time.monotonic()
            taken = [engine.runtime.keys.next_key() for _ in range(BLOCK_SIZE + 1)]
            elapsed = time.monotonic() - started
        # then: two blocks, without waiting for the pool's time-out, and every key distinct
        assert elapsed < 2
        assert len(set(taken)) == len(taken)
    finally:
        engine.close()
