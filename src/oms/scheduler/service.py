"""``oms scheduler``: the reconciliation pass on a cycle, and the back-end it reads.

The loop runs a pass, then waits for the interval (or ``stop``). A pass that fails (the engine or
the database away) is logged and tried again after the interval; it clears no finding.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import structlog

from oms.scheduler.engine_reads import CamundaEngineReads, EmbeddedEngineReads, EngineReads
from oms.scheduler.reconciler import PassReport, Reconciler, ReconcilerOptions
from oms.workflow.backend import uses_camunda
from oms.workflow.background import BackgroundLoop
from oms.workflow.client import WorkflowClient

_log = structlog.get_logger("oms.scheduler")


class Scheduler(BackgroundLoop):
    """``run_once`` for a single pass (tests, tools); ``start``/``stop`` for the background loop."""

    def __init__(self, reconciler: Reconciler, *, interval: timedelta = timedelta(seconds=60)) -> None:
        super().__init__("scheduler", stop_timeout=timedelta(seconds=60))
        self.reconciler = reconciler
        self._interval_s = interval.total_seconds()

    def run_once(self) -> PassReport:
        return self.reconciler.run_once()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self.run_once()
            except Exception:  # the database or the engine is away: log, wait, try again
                _log.exception("reconciliation pass failed; retrying after the interval")
            self._stopping.wait(self._interval_s)


# ---------------------------------------------------------------------------------------- process


@contextlib.contextmanager
def open_backend(backend: str) -> Iterator[tuple[WorkflowClient, EngineReads]]:
    """The workflow client and the engine reads of the configured back-end: Camunda 8 through the SDK
    (its ``CAMUNDA_*`` settings), or the embedded engine on ``OMS_DATABASE_URL``."""
    if uses_camunda(backend):
        from oms.workflow.camunda_sdk import CamundaWorkflowClient

        camunda = CamundaWorkflowClient()
        reads = CamundaEngineReads()
        try:
            yield camunda, reads
        finally:
            reads.close()
            camunda.close()
        return
    from oms.engine.api import Engine
    from oms.engine.postgres import database_url
    from oms.workflow.embedded import EmbeddedWorkflowClient

    with Engine.connect(database_url()) as engine:
        yield EmbeddedWorkflowClient(engine), EmbeddedEngineReads(engine)


@dataclass(frozen=True)
class SchedulerProcessOptions:
    backend: str = "auto"
    interval: timedelta = timedelta(seconds=60)
    incident_alert_after: timedelta = timedelta(minutes=15)
    grace: timedelta = timedelta(minutes=5)
    batch_size: int = 200
    once: bool = False
    log_level: str = "INFO"


def run_scheduler_process(options: SchedulerProcessOptions, database_url: str) -> PassReport | None:
    """The process: JSON logs, one pool, the back-end's client; SIGTERM/SIGINT stop it. With
    ``once``: one pass, its report returned."""
    from oms.persistence.database import open_pool
    from oms.persistence.unit_of_work import unit_of_work_factory
    from oms.scheduler.store import SchedulerStore
    from oms.workflow.logging import configure_logging

    configure_logging(level=options.log_level)
    reconciler_options = ReconcilerOptions(
        incident_alert_after=options.incident_alert_after, grace=options.grace, batch_size=options.batch_size
    )
    pool = open_pool(database_url, min_size=1, max_size=2, name="oms-scheduler")
    try:
        with open_backend(options.backend) as (client, reads):
            reconciler = Reconciler(SchedulerStore(pool), unit_of_work_factory(pool), client, reads, reconciler_options)
            scheduler = Scheduler(reconciler, interval=options.interval)
            if options.once:
                return scheduler.run_once()
            stop = threading.Event()
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
            scheduler.start()
            _log.info("scheduler started", backend=options.backend, intervalS=options.interval.total_seconds())
            stop.wait()
            scheduler.stop()
    finally:
        pool.close()
    _log.info("scheduler stopped")
    return None
