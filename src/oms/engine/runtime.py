"""What every command needs: connections, the clock, keys, definitions and the element lifecycle."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from psycopg_pool import ConnectionPool

from oms.engine.clock import Clock
from oms.engine.keys import KeyGenerator
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.lifecycle import Lifecycle
from oms.engine.state.definitions import DefinitionCache

T = TypeVar("T")


@dataclass
class Runtime:
    pool: ConnectionPool[Any]
    clock: Clock
    keys: KeyGenerator
    definitions: DefinitionCache
    lifecycle: Lifecycle

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        with self.pool.connection() as conn, conn.transaction():
            yield conn

    def on_instance(
        self,
        conn: psycopg.Connection[Any],
        process_instance_key: int,
        command: Callable[[ProcessingContext], T],
    ) -> T:
        """Lock the instance, run ``command`` on it, advance every token, write it all."""
        ctx = ProcessingContext.load(conn, self.definitions, process_instance_key, self.clock.now(), self.keys.next_key)
        result = command(ctx)
        self.lifecycle.run(ctx)
        ctx.flush()
        return result

    def run_and_flush(self, ctx: ProcessingContext) -> None:
        self.lifecycle.run(ctx)
        ctx.flush()
