"""``oms workflow-relay``: the start relay and the message relay in one loop.

The loop drains both (claiming batches until nothing is due), then waits for a ``NOTIFY
oms_workflow_relay`` (sent at commit by the migration's triggers when a start request or a callback
is written) or for the poll interval, whichever comes first. Polling catches what no notification
announces: retries coming due, and anything written while the listening connection was down.
"""

from __future__ import annotations

import signal
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
import structlog

from oms.relay.messages import MessageRelay
from oms.relay.options import RelayOptions
from oms.relay.starts import StartRelay
from oms.relay.store import RELAY_CHANNEL, RelayStore
from oms.workflow.backend import uses_camunda
from oms.workflow.background import BackgroundLoop
from oms.workflow.client import WorkflowClient

_log = structlog.get_logger("oms.relay")


class WorkflowRelay(BackgroundLoop):
    """Both relays over one store and one client. ``drain`` for a single pass (tests, tools);
    ``start``/``stop`` for the background loop of the ``workflow-relay`` process."""

    def __init__(
        self,
        store: RelayStore,
        client: WorkflowClient,
        options: RelayOptions | None = None,
        *,
        listen_conninfo: str | None = None,
        poll_interval: timedelta = timedelta(seconds=1),
    ) -> None:
        super().__init__("workflow-relay", stop_timeout=timedelta(seconds=30))
        self.options = options or RelayOptions()
        self.starts = StartRelay(store, client, self.options)
        self.messages = MessageRelay(store, client, self.options)
        self._listen_conninfo = listen_conninfo
        self._poll_interval_s = poll_interval.total_seconds()
        self._listener: psycopg.Connection[Any] | None = None

    def drain(self) -> int:
        """Relay everything due now; the number of rows claimed (a retry that fails again counts)."""
        total = 0
        while True:
            claimed = self.starts.run_once() + self.messages.run_once()
            total += claimed
            if claimed == 0:
                return total

    # ------------------------------------------------------------------ the background loop

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self._listen()
                self.drain()
            except Exception:  # the database or the engine is away: log, wait, try again
                _log.exception("workflow relay pass failed; retrying after the poll interval")
                self._close_listener()
                self._stopping.wait(self._poll_interval_s)
                continue
            self._wait()
        self._close_listener()

    def _listen(self) -> None:
        if self._listen_conninfo is None or self._listener is not None:
            return
        conn = psycopg.connect(self._listen_conninfo, autocommit=True)
        conn.execute(f"LISTEN {RELAY_CHANNEL}")
        self._listener = conn

    def _wait(self) -> None:
        """Until a notification, the poll interval, or ``stop`` (checked every quarter second)."""
        if self._listener is None:
            self._stopping.wait(self._poll_interval_s)
            return
        deadline = time.monotonic() + self._poll_interval_s
        try:
            while not self._stopping.is_set() and (remaining := deadline - time.monotonic()) > 0:
                if any(True for _ in self._listener.notifies(timeout=min(remaining, 0.25), stop_after=1)):
                    break
            # Several writes may have notified: take them all, one pass serves them.
            for _ in self._listener.notifies(timeout=0):
                pass
        except psycopg.Error:
            self._close_listener()

    def _close_listener(self) -> None:
        if self._listener is not None:
            with suppress(psycopg.Error):
                self._listener.close()
            self._listener = None


# ---------------------------------------------------------------------------------------- process


@dataclass(frozen=True)
class RelayProcessOptions:
    backend: str = "auto"  # auto (camunda when CAMUNDA_REST_ADDRESS is set), embedded, camunda
    batch_size: int = 50
    poll_interval: timedelta = timedelta(seconds=1)
    max_attempts: int = 30
    #: None: 0 on the embedded engine, 30 s on Camunda 8 (its searches trail the engine)
    search_lag: timedelta | None = None
    log_level: str = "INFO"


CAMUNDA_SEARCH_LAG = timedelta(seconds=30)


def run_relay_process(options: RelayProcessOptions, database_url: str) -> None:
    """The process: JSON logs, one pool, the client of the chosen back-end; SIGTERM/SIGINT stop it."""
    from oms.persistence.database import open_pool
    from oms.relay.options import Backoff
    from oms.workflow.logging import configure_logging
    from oms.workflow.worker_main import open_client

    configure_logging(level=options.log_level)
    search_lag = options.search_lag
    if search_lag is None:
        search_lag = CAMUNDA_SEARCH_LAG if uses_camunda(options.backend) else timedelta(0)
    relay_options = RelayOptions(
        batch_size=options.batch_size, backoff=Backoff(max_attempts=options.max_attempts), search_lag=search_lag
    )
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    # one connection per start or publication in flight, and one for claiming
    pool = open_pool(database_url, min_size=1, max_size=relay_options.concurrency + 1, name="oms-workflow-relay")
    try:
        with open_client(options.backend) as client:
            relay = WorkflowRelay(
                RelayStore(pool),
                client,
                relay_options,
                listen_conninfo=database_url,
                poll_interval=options.poll_interval,
            )
            relay.start()
            _log.info("workflow relay started", backend=options.backend, searchLagS=search_lag.total_seconds())
            stop.wait()
            relay.stop()
    finally:
        pool.close()
    _log.info("workflow relay stopped")
