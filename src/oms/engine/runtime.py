"""What every command needs: connections, the clock, keys, definitions and the element lifecycle."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import psycopg
from psycopg_pool import ConnectionPool

from oms.engine.clock import Clock
from oms.engine.keys import KeyGenerator
from oms.engine.processing.context import ProcessingContext, ThrownSignal
from oms.engine.processing.lifecycle import Lifecycle
from oms.engine.state.definitions import DefinitionCache

T = TypeVar("T")

#: Broadcasts a signal in the given transaction (``commands.signals.broadcast_in``, which needs the
#: runtime itself, so the engine plugs it in).
SignalBroadcaster = Callable[["Runtime", psycopg.Connection[Any], ThrownSignal], int]


@dataclass
class Runtime:
    pool: ConnectionPool[Any]
    clock: Clock
    keys: KeyGenerator
    definitions: DefinitionCache
    lifecycle: Lifecycle
    broadcaster: SignalBroadcaster | None = None

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """A transaction in pipeline mode: BEGIN travels with the first query and COMMIT with the
        last writes, so a typical command costs two or three round trips."""
        with self.pool.connection() as conn, conn.pipeline(), conn.transaction():
            yield conn

    def on_instance(
        self,
        conn: psycopg.Connection[Any],
        process_instance_key: int,
        command: Callable[[ProcessingContext], T],
        also_lock: tuple[str, tuple[Any, ...]] | None = None,
        *,
        key_of: str | None = None,
        focus: int | None = None,
        focus_of: str | None = None,
    ) -> T:
        """Lock the instance, run ``command`` on it, advance every token, write it all (see
        ``ProcessingContext.load`` for ``also_lock``, ``key_of``, ``focus`` and ``focus_of``)."""
        ctx = ProcessingContext.load(
            conn,
            self.definitions,
            process_instance_key,
            self.clock.now(),
            self.keys.next_key,
            also_lock,
            key_of=key_of,
            focus=focus,
            focus_of=focus_of,
        )
        result = command(ctx)
        self.run_and_flush(ctx)
        return result

    def run_and_flush(self, ctx: ProcessingContext) -> None:
        """Advance every token, write it all, then do the follow-ups in the same transaction: tell a
        parent that its called instance ended, broadcast the signals thrown."""
        self.lifecycle.run(ctx)
        ctx.flush()
        for ended in ctx.parent_notifications:  # a called instance ended: its parent learns it now
            self.on_instance(
                ctx.conn,
                ended.process_instance_key,
                partial(self.lifecycle.deliver_to_call_activity, ended=ended),
                focus=ended.element_instance_key,
            )
        for signal in ctx.thrown_signals:
            assert self.broadcaster is not None, "set by the engine"
            self.broadcaster(self, ctx.conn, signal)
