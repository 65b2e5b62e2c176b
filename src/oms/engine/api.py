"""The embedded engine's Python API: one object, one method per command, each one transaction.

engine = Engine.connect("postgresql://…")
engine.deploy(("order.bpmn", xml))
engine.create_instance("order", variables={"orderId": "o-1"})
for job in engine.activate_jobs("reserve", worker="w1", request_timeout_ms=5000):
    engine.complete_job(job.key, {"reserved": True})
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import structlog
from psycopg_pool import ConnectionPool

from oms.engine.clock import Clock, ControlledClock, SystemClock
from oms.engine.commands import deployment, incidents, instances, jobs, messages, signals, timers
from oms.engine.commands.deployment import Deployment
from oms.engine.commands.instances import CreatedInstance
from oms.engine.commands.jobs import ActivatedJob
from oms.engine.commands.messages import PublishedMessage
from oms.engine.commands.signals import BroadcastSignal
from oms.engine.elements.registry import build_lifecycle
from oms.engine.errors import InvalidArgumentError
from oms.engine.keys import KeyGenerator
from oms.engine.notifier import JobNotifier
from oms.engine.queries import EngineQueries
from oms.engine.runtime import Runtime
from oms.engine.search import EngineSearch
from oms.engine.state.definitions import DefinitionCache
from oms.engine.state.json import configure_connection
from oms.engine.state.schema import migrate

_log = structlog.get_logger("oms.engine")


class Engine:
    def __init__(self, pool: ConnectionPool[Any], *, clock: Clock | None = None, conninfo: str | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.pool = pool
        self.runtime = Runtime(
            pool=pool,
            clock=self.clock,
            keys=KeyGenerator(pool),
            definitions=DefinitionCache(),
            lifecycle=build_lifecycle(),
            broadcaster=signals.broadcast_in,
        )
        self.queries = EngineQueries(pool)
        self.search = EngineSearch(pool)
        self._notifier = JobNotifier(conninfo or str(pool.conninfo))
        self._services: BackgroundServices | None = None

    @classmethod
    def connect(
        cls, conninfo: str, *, clock: Clock | None = None, pool_size: int = 8, install_schema: bool = True
    ) -> Engine:
        pool: ConnectionPool[Any] = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True},
            configure=configure_connection,
            open=True,
        )
        if install_schema:
            with pool.connection() as conn:
                migrate(conn)
        return cls(pool, clock=clock, conninfo=conninfo)

    def close(self) -> None:
        self.stop_background_services()
        self._notifier.stop()
        self.runtime.keys.close()
        self.pool.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # ------------------------------------------------------------------ deployment and instances

    def deploy(self, *resources: tuple[str, bytes], tenant_id: str = "<default>") -> Deployment:
        with self.pool.connection() as conn:
            return deployment.deploy(conn, resources, self.clock.now(), self.runtime.keys.next_key, tenant_id)

    def create_instance(
        self,
        bpmn_process_id: str | None = None,
        *,
        version: int | None = None,
        process_definition_key: int | None = None,
        variables: dict[str, Any] | None = None,
        tenant_id: str = "<default>",
    ) -> CreatedInstance:
        return instances.create_instance(
            self.runtime,
            bpmn_process_id=bpmn_process_id,
            version=version,
            process_definition_key=process_definition_key,
            variables=variables,
            tenant_id=tenant_id,
        )

    def cancel_instance(self, process_instance_key: int) -> None:
        instances.cancel_instance(self.runtime, process_instance_key)

    def set_variables(self, scope_key: int, variables: dict[str, Any], *, local: bool = False) -> None:
        instances.set_variables(self.runtime, scope_key, variables, local=local)

    # ------------------------------------------------------------------ jobs

    def activate_jobs(
        self,
        job_type: str,
        *,
        worker: str = "default",
        timeout_ms: int = 300_000,
        max_jobs: int = 32,
        fetch_variables: Sequence[str] | None = None,
        request_timeout_ms: int = 0,
        tenant_ids: Sequence[str] | None = None,
    ) -> list[ActivatedJob]:
        """Activate up to ``max_jobs`` jobs; with a request timeout, wait (long poll) until some exist."""
        deadline = time.monotonic() + request_timeout_ms / 1000
        if request_timeout_ms > 0:
            self._notifier.start()
        while True:
            seen = self._notifier.version(job_type)
            found = jobs.activate_jobs(
                self.runtime,
                job_type,
                worker=worker,
                timeout_ms=timeout_ms,
                max_jobs=max_jobs,
                fetch_variables=list(fetch_variables) if fetch_variables is not None else None,
                tenant_ids=list(tenant_ids) if tenant_ids else None,
            )
            remaining = deadline - time.monotonic()
            if found or remaining <= 0:
                return found
            self._notifier.wait(job_type, seen, remaining)

    def complete_job(self, job_key: int, variables: dict[str, Any] | None = None) -> None:
        jobs.complete_job(self.runtime, job_key, variables)

    def fail_job(
        self,
        job_key: int,
        *,
        retries: int,
        error_message: str = "",
        retry_backoff_ms: int = 0,
        variables: dict[str, Any] | None = None,
    ) -> None:
        jobs.fail_job(
            self.runtime,
            job_key,
            retries=retries,
            error_message=error_message,
            retry_backoff_ms=retry_backoff_ms,
            variables=variables,
        )

    def throw_error(
        self,
        job_key: int,
        *,
        error_code: str,
        error_message: str = "",
        variables: dict[str, Any] | None = None,
    ) -> None:
        jobs.throw_error(self.runtime, job_key, error_code=error_code, error_message=error_message, variables=variables)

    def update_job_retries(self, job_key: int, retries: int) -> None:
        jobs.update_job_retries(self.runtime, job_key, retries)

    def update_job_timeout(self, job_key: int, timeout_ms: int) -> None:
        jobs.update_job_timeout(self.runtime, job_key, timeout_ms)

    # ------------------------------------------------------------------ messages and incidents

    def publish_message(
        self,
        name: str,
        correlation_key: str,
        *,
        time_to_live_ms: int = 0,
        message_id: str | None = None,
        variables: dict[str, Any] | None = None,
        tenant_id: str = "<default>",
    ) -> PublishedMessage:
        return messages.publish_message(
            self.runtime,
            name,
            correlation_key,
            time_to_live_ms=time_to_live_ms,
            message_id=message_id,
            variables=variables,
            tenant_id=tenant_id,
        )

    def correlate_message(
        self,
        name: str,
        correlation_key: str,
        *,
        variables: dict[str, Any] | None = None,
        tenant_id: str = "<default>",
    ) -> PublishedMessage:
        """Correlate to an open subscription now, or fail with NotFoundError (nothing is buffered)."""
        return messages.correlate_message(self.runtime, name, correlation_key, variables=variables, tenant_id=tenant_id)

    def broadcast_signal(
        self, name: str, variables: dict[str, Any] | None = None, *, tenant_id: str = "<default>"
    ) -> BroadcastSignal:
        """Trigger every signal subscription of the tenant open for ``name`` now (start events, catch
        events, boundary events, event sub-processes); nothing is buffered."""
        return signals.broadcast_signal(self.runtime, name, variables=variables, tenant_id=tenant_id)

    def resolve_incident(self, incident_key: int) -> None:
        incidents.resolve_incident(self.runtime, incident_key)

    # ------------------------------------------------------------------ the clock (PUT /v2/clock)

    def pin_clock(self, instant: datetime) -> None:
        """Pin a controlled clock at ``instant`` and at once fire what became due, so a caller that
        moved time sees its timers and time-outs done when this returns."""
        self._controlled_clock().pin(instant)
        self.run_due_work()

    def reset_clock(self) -> None:
        """Hand a controlled clock back to real time."""
        self._controlled_clock().reset()
        self.run_due_work()

    def _controlled_clock(self) -> ControlledClock:
        if not isinstance(self.clock, ControlledClock):
            raise InvalidArgumentError(
                "Expected a controllable clock, but the engine runs on the system clock"
                " (start it with a ControlledClock, e.g. `oms engine serve --controlled-clock`)"
            )
        return self.clock

    # ------------------------------------------------------------------ time-driven work

    def run_due_work(self) -> int:
        """Fire due timers, time out jobs, recur backed-off jobs, expire messages, finish pending
        correlations. Returns how many things happened."""
        return (
            timers.fire_due_timers(self.runtime)
            + jobs.time_out_jobs(self.runtime)
            + jobs.recur_jobs_after_backoff(self.runtime)
            + messages.expire_messages(self.runtime)
            + messages.apply_pending_correlations(self.runtime)
        )

    def start_background_services(self, interval_s: float = 0.1) -> None:
        if self._services is None:
            self._services = BackgroundServices(self, interval_s)
            self._services.start()

    def stop_background_services(self) -> None:
        if self._services is not None:
            self._services.stop()
            self._services = None


class BackgroundServices:
    """Runs the time-driven work in a loop on a daemon thread (timers, job time-outs, expiry)."""

    def __init__(self, engine: Engine, interval_s: float) -> None:
        self._engine = engine
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="engine-services", daemon=True)
        self.errors: list[BaseException] = []

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self._engine.run_due_work() > 0
            except Exception as error:
                # Keep serving: a failed sweep is retried on the next tick. The error is logged and
                # kept for whoever watches (tests, health checks), never swallowed silently.
                self.errors.append(error)
                _log.exception("engine background work failed", error=str(error))
                busy = False
            if not busy:
                self._stop.wait(self._interval_s)
