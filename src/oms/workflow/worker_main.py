"""``oms worker``: the worker runtime as a process of its own, on the embedded engine or on Camunda 8.

The back-end is configuration: with ``CAMUNDA_REST_ADDRESS`` (or ``ZEEBE_REST_ADDRESS``) set, the
official SDK talks to that cluster with the SDK's own ``CAMUNDA_*`` settings; otherwise the worker
calls the embedded engine directly, on ``OMS_DATABASE_URL`` (or the embedded PostgreSQL).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

import structlog
from prometheus_client import CollectorRegistry, start_http_server

from oms.settings import Settings, load_settings
from oms.workflow.backend import uses_camunda
from oms.workflow.client import WorkflowClient
from oms.workflow.logging import configure_logging
from oms.workflow.runtime import Handler, WorkerRuntime
from oms.workflow.workers.external_systems import HttpExternalSystems, SystemUrls


@dataclass(frozen=True)
class WorkerOptions:
    job_types: Sequence[str] = ()  # empty: every job type that has a handler
    worker_id: str = ""  # empty: host name and process id
    max_concurrent: int = 8
    poll_timeout: timedelta = timedelta(seconds=10)
    job_timeout: timedelta = timedelta(minutes=5)
    shutdown_grace: timedelta = timedelta(seconds=30)
    metrics_port: int = 0  # 0: no metrics endpoint
    backend: str = "auto"
    log_level: str = "INFO"


def parse_job_types(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def select_handlers(available: Mapping[str, Handler], job_types: Sequence[str]) -> dict[str, Handler]:
    """The handlers to serve; refuses job types nobody handles (a typo must not start an idle worker)."""
    if not job_types:
        if not available:
            raise ValueError("No job handlers are registered, so there is nothing to serve")
        return dict(available)
    unknown = [job_type for job_type in job_types if job_type not in available]
    if unknown:
        known = ", ".join(sorted(available)) or "none"
        raise ValueError(f"No handler for job type(s) {', '.join(unknown)} (handlers exist for: {known})")
    return {job_type: available[job_type] for job_type in job_types}


@contextlib.contextmanager
def open_client(backend: str) -> Iterator[WorkflowClient]:
    """The client for the configured back-end, closed (with its engine, if embedded) on exit."""
    if uses_camunda(backend):
        from oms.workflow.camunda_sdk import CamundaWorkflowClient

        camunda = CamundaWorkflowClient()
        try:
            yield camunda
        finally:
            camunda.close()
        return
    from oms.engine.api import Engine
    from oms.engine.postgres import database_url
    from oms.workflow.embedded import EmbeddedWorkflowClient

    with Engine.connect(database_url()) as engine:
        yield EmbeddedWorkflowClient(engine)


def serve(
    client: WorkflowClient,
    handlers: Mapping[str, Handler],
    options: WorkerOptions,
    stop: threading.Event,
    registry: CollectorRegistry,
) -> bool:
    """Run the handlers until ``stop`` is set, then shut down gracefully; True if that was clean."""
    runtime = WorkerRuntime(
        client,
        handlers,
        worker_id=options.worker_id or f"{socket.gethostname()}-{os.getpid()}",
        max_concurrent=options.max_concurrent,
        poll_timeout=options.poll_timeout,
        job_timeout=options.job_timeout,
        registry=registry,
    )
    runtime.start()
    stop.wait()
    return runtime.stop(options.shutdown_grace)


def system_urls(settings: Settings) -> SystemUrls | None:
    """The external systems' base URLs (``OMS_INVENTORY_URL``, ``OMS_PROVISIONING_URL``,
    ``OMS_BILLING_URL``, ``OMS_LOGISTICS_URL``, ``OMS_FIELD_SERVICE_URL``, each defaulting to
    ``OMS_SIMULATORS_URL``); None when none is set."""
    default = settings.simulators_url
    urls = SystemUrls(
        settings.inventory_url or default,
        settings.provisioning_url or default,
        settings.billing_url or default,
        settings.external_timeout_s,
        logistics=settings.logistics_url or default,
        field_service=settings.field_service_url or default,
    )
    every = (urls.inventory, urls.provisioning, urls.billing, urls.logistics, urls.field_service)
    return None if all(url is None for url in every) else urls


@contextlib.contextmanager
def environment_handlers(settings: Settings | None = None) -> Iterator[dict[str, Handler]]:
    """``default_handlers`` over the OMS database (``OMS_DATABASE_URL``, else the embedded PostgreSQL)
    and the external systems configured in the environment; pool and clients closed on exit."""
    from oms.engine.postgres import database_url
    from oms.persistence.database import open_pool
    from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory
    from oms.workflow.workers import default_handlers

    settings = settings or load_settings()
    with contextlib.ExitStack() as stack:
        pool = open_pool(settings.database_url or database_url(), max_size=settings.db_pool_max_size, name="oms-worker")
        stack.callback(pool.close)
        urls = system_urls(settings)
        systems = None if urls is None else stack.enter_context(HttpExternalSystems(urls))
        yield default_handlers(PostgresUnitOfWorkFactory(pool), systems)


def run_worker(options: WorkerOptions, available: Mapping[str, Handler]) -> bool:
    """The process: JSON logs, metrics endpoint, SIGTERM/SIGINT for a graceful stop. Without
    ``available`` handlers, the default ones over the environment's database and systems."""
    if not available:
        with environment_handlers() as handlers:
            return _run_worker(options, handlers)
    return _run_worker(options, available)


def _run_worker(options: WorkerOptions, available: Mapping[str, Handler]) -> bool:
    handlers = select_handlers(available, options.job_types)
    configure_logging(level=options.log_level)
    registry = CollectorRegistry()
    if options.metrics_port:
        start_http_server(options.metrics_port, registry=registry)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    structlog.get_logger("oms.workflow").info("worker process starting", backend=options.backend)
    with open_client(options.backend) as client:
        return serve(client, handlers, options, stop, registry)
