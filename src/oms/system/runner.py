"""The whole OMS in one process: the engine with its background services, the workflow relay, the
job workers, the external-system simulators and the HTTP API, each on threads of its own.

    with System(SystemConfig(database_url=url)) as system:
        httpx.post(system.api_url + "/tmf-api/productOrderingManagement/v4/productOrder", ...)

``oms dev``, ``oms demo``, the end-to-end scenarios and ``oms bench e2e`` run this. The parts talk
to each other the way separate processes would: the API and the simulators over HTTP, the relay and
the workers through a :class:`~oms.workflow.client.WorkflowClient`, either in-process
(``ClientKind.EMBEDDED``) or through the official Camunda SDK against the engine's REST server
(``ClientKind.CAMUNDA``), exactly as they would against a Camunda 8 cluster.

Start order: schema, demo catalog, engine, engine REST server, clients, BPMN deployment, API and
simulators, relay, scheduler (reconciliation), workers. :meth:`System.stop` undoes it in reverse
(workers first, so nothing is left half-handled), and is safe to call from a failed start.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from types import TracebackType
from typing import Any, Self

import structlog
from fastapi import FastAPI
from prometheus_client import CollectorRegistry
from psycopg_pool import ConnectionPool

from oms.api.app import create_app
from oms.api.config import ApiConfig, ApprovalOutcomeMode
from oms.application.commands.catalog import load_demo_catalog
from oms.application.external_systems import ExternalSystems
from oms.application.unit_of_work import UnitOfWorkFactory
from oms.engine.api import Engine
from oms.engine.clock import ControlledClock
from oms.engine.postgres import embedded_server_url
from oms.persistence.database import open_pool
from oms.persistence.migrate import migrate_database
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory, unit_of_work_factory
from oms.relay.service import WorkflowRelay
from oms.relay.store import RelayStore
from oms.scheduler.service import Scheduler
from oms.simulators.app import create_simulator_app
from oms.simulators.config import SimulatorConfig
from oms.simulators.server import BackgroundServer
from oms.system.config import ROLE_RELAY, ROLE_WORKERS, ClientKind, SystemConfig
from oms.workflow import job_types as jt
from oms.workflow.client import DeploymentResult, WorkflowClient
from oms.workflow.deploy import deploy_processes
from oms.workflow.embedded import EmbeddedWorkflowClient
from oms.workflow.runtime import Handler, WorkerRuntime

_log = structlog.get_logger("oms.system")

CALLBACK_SYSTEM = "provisioning"


class System:
    """Everything of the OMS on one machine. ``start``/``stop``, or a ``with`` block."""

    def __init__(self, config: SystemConfig | None = None) -> None:
        self.config = config or SystemConfig()
        self.database_url = ""
        self.clock: ControlledClock | None = None
        self.engine: Engine | None = None
        self.engine_rest_url: str | None = None
        self.api_url: str | None = None
        self.simulators_url: str | None = None
        self.uow_factory: UnitOfWorkFactory | None = None
        self.api_config: ApiConfig | None = None
        self.deployment: DeploymentResult | None = None
        self.relay: WorkflowRelay | None = None
        self.scheduler: Scheduler | None = None
        self.runtimes: list[WorkerRuntime] = []
        self.worker_registry = CollectorRegistry()
        self._workers_started = 0
        self.clients: dict[str, WorkflowClient] = {}
        self._stack = contextlib.ExitStack()
        self._started = False
        self._workers_factory: UnitOfWorkFactory | None = None
        self._systems: ExternalSystems | None = None

    # ------------------------------------------------------------------ life cycle

    def start(self) -> Self:
        if self._started:
            raise RuntimeError("The system was started already")
        self._started = True
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stops every part that was started, in reverse order; errors are logged, not raised, so
        one part that fails to stop does not keep the others running."""
        stack, self._stack = self._stack, contextlib.ExitStack()
        try:
            stack.close()
        except Exception:
            _log.exception("the system did not stop cleanly")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def _start(self) -> None:
        config = self.config
        self.database_url = config.database_url or embedded_server_url()
        self.clock = ControlledClock() if config.controlled_clock else None
        engine = Engine.connect(
            self.database_url, clock=self.clock, pool_size=config.engine_pool_size, install_schema=config.migrate
        )
        self._stack.callback(engine.close)
        self.engine = engine
        if config.migrate:
            migrate_database(self.database_url)
        pool = self._pool(config.api_pool_size, "oms-api")
        factory = PostgresUnitOfWorkFactory(pool)
        self.uow_factory = factory
        for tenant in config.seed_tenants:
            load_demo_catalog(factory, tenant)
        engine.start_background_services(config.engine_service_interval.total_seconds())

        if config.client is ClientKind.CAMUNDA or config.engine_port is not None:
            self.engine_rest_url = self._serve(self._engine_rest_app(engine), config.engine_port or 0)
        self.clients = {role: self._client(role) for role in (ROLE_RELAY, ROLE_WORKERS)}
        if config.deploy:
            self.deployment = deploy_processes(self.clients[ROLE_RELAY])

        # The API and the simulators name each other (callbacks, adapters): bind both ports first.
        api_app = _DeferredApp()
        api_server = simulators_server = None
        if config.api_port is not None:
            api_server = BackgroundServer(api_app, host=config.host, port=config.api_port)
            self._stack.callback(api_server.stop)
            self.api_url = api_server.url
        if config.simulators_port is not None:
            simulators_server = BackgroundServer(
                create_simulator_app(self._simulator_config()), host=config.host, port=config.simulators_port
            )
            self._stack.callback(simulators_server.stop)
            self.simulators_url = simulators_server.url

        handlers = self._handlers()
        self.api_config = ApiConfig(
            jwt_secret=config.jwt_secret,
            jwt_issuer=config.jwt_issuer,
            jwt_audience=config.jwt_audience,
            # The quote-approval process applies decisions when its workers exist; without them, the API does.
            approval_outcome=ApprovalOutcomeMode.WORKFLOW
            if jt.QUOTE_APPROVAL_APPLY_DECISION in handlers
            else ApprovalOutcomeMode.INLINE,
        )
        api_app.app = self._api_app(pool, factory)
        for server in (api_server, simulators_server):
            if server is not None:
                server.start()

        if config.run_relay:
            # one connection per start or publication in flight, and one for claiming
            relay_pool = self._pool(config.relay_options.concurrency + 1, "oms-workflow-relay")
            relay = WorkflowRelay(
                RelayStore(relay_pool),
                self.clients[ROLE_RELAY],
                config.relay_options,
                listen_conninfo=self.database_url,
                poll_interval=config.relay_poll_interval,
            )
            relay.start()
            self._stack.callback(relay.stop, config.stop_grace)
            self.relay = relay

        if config.run_scheduler:
            self.scheduler = self._start_scheduler()

        if handlers and config.run_workers:
            self._start_workers(handlers)
        elif config.run_workers:
            _log.warning("no job handlers are registered: processes will wait at their first job")
        _log.info(
            "system started",
            client=config.client.value,
            api=self.api_url,
            simulators=self.simulators_url,
            engineRest=self.engine_rest_url,
            jobTypes=sorted(handlers),
        )

    def _start_scheduler(self) -> Scheduler:
        """Reconciliation on its cycle, reading the engine as the configured client does."""
        from oms.scheduler.engine_reads import CamundaEngineReads, EmbeddedEngineReads, EngineReads
        from oms.scheduler.reconciler import Reconciler
        from oms.scheduler.store import SchedulerStore

        reads: EngineReads
        if self.config.client is ClientKind.CAMUNDA:
            camunda_reads = CamundaEngineReads(self._camunda_configuration())
            self._stack.callback(camunda_reads.close)
            reads = camunda_reads
        else:
            assert self.engine is not None
            reads = EmbeddedEngineReads(self.engine)
        pool = self._pool(2, "oms-scheduler")
        reconciler = Reconciler(
            SchedulerStore(pool),
            unit_of_work_factory(pool),
            self.clients[ROLE_RELAY],
            reads,
            self.config.reconciliation,
        )
        scheduler = Scheduler(reconciler, interval=self.config.scheduler_interval)
        scheduler.start()
        self._stack.callback(scheduler.stop, self.config.stop_grace)
        return scheduler

    def start_workers(self, job_types: Sequence[str] | None = None) -> WorkerRuntime:
        """Start (more) job workers: for a system started with ``run_workers=False``, or for job types
        held back (``SystemConfig.job_types``) so that instances wait at those jobs until now. The
        runtime is an additional worker, as a second ``oms worker`` process would be."""
        handlers = self._handlers(job_types)
        if not handlers:
            raise ValueError("No job handlers are registered, so there is nothing to serve")
        return self._start_workers(handlers)

    def stop_workers(self) -> bool:
        """Stop every job worker (gracefully): a worker outage. True if that was clean."""
        runtimes, self.runtimes = self.runtimes, []
        return all([runtime.stop(self.config.stop_grace) for runtime in runtimes])

    @property
    def workers(self) -> WorkerRuntime | None:
        """The first worker runtime (its metrics are in :attr:`worker_registry`)."""
        return self.runtimes[0] if self.runtimes else None

    def _start_workers(self, handlers: Mapping[str, Handler]) -> WorkerRuntime:
        config = self.config
        runtime = WorkerRuntime(
            self.clients[ROLE_WORKERS],
            handlers,
            worker_id=f"{socket.gethostname()}-{os.getpid()}-w{self._workers_started + 1}",
            max_concurrent=config.worker_max_concurrent,
            poll_timeout=config.worker_poll_timeout,
            job_timeout=config.worker_job_timeout,
            registry=self.worker_registry if self._workers_started == 0 else CollectorRegistry(),
        )
        runtime.start()
        self._workers_started += 1
        self._stack.callback(runtime.stop, config.stop_grace)
        self.runtimes.append(runtime)
        return runtime

    # ------------------------------------------------------------------ parts

    def _pool(self, size: int, name: str) -> ConnectionPool:
        pool = open_pool(self.database_url, min_size=1, max_size=size, name=name)
        self._stack.callback(pool.close)
        return pool

    def _serve(self, app: Any, port: int) -> str:
        server = BackgroundServer(app, host=self.config.host, port=port)
        self._stack.callback(server.stop)
        server.start()
        return server.url

    @staticmethod
    def _engine_rest_app(engine: Engine) -> FastAPI:
        from oms.engine.rest.app import create_app as create_engine_app

        return create_engine_app(engine)

    def _client(self, role: str) -> WorkflowClient:
        client: WorkflowClient
        if self.config.client is ClientKind.CAMUNDA:
            from oms.workflow.camunda_sdk import CamundaWorkflowClient

            client = CamundaWorkflowClient(self._camunda_configuration())
            self._stack.callback(client.close)
        else:
            assert self.engine is not None
            client = EmbeddedWorkflowClient(self.engine)
        if self.config.wrap_client is not None:
            client = self.config.wrap_client(role, client)
        return client

    def _camunda_configuration(self) -> dict[str, str]:
        return {"CAMUNDA_REST_ADDRESS": str(self.engine_rest_url), "CAMUNDA_AUTH_STRATEGY": "NONE"}

    def _handlers(self, job_types: Sequence[str] | None = None) -> dict[str, Handler]:
        available: Mapping[str, Handler]
        if self.config.handlers is not None:
            available = self.config.handlers
        else:
            from oms.workflow.workers import default_handlers

            available = default_handlers(self._workers_uow_factory(), self._external_systems())
        wanted = self.config.job_types if job_types is None else job_types
        if wanted is None:
            return dict(available)
        unknown = sorted(set(wanted) - set(available))
        if unknown:
            raise ValueError(f"No handler for job type(s) {', '.join(unknown)}")
        return {job_type: available[job_type] for job_type in wanted}

    def _workers_uow_factory(self) -> UnitOfWorkFactory:
        """The workers' own pool, as a worker process would have."""
        if self._workers_factory is None:
            size = max(2, min(self.config.worker_max_concurrent * 2, 20))
            self._workers_factory = PostgresUnitOfWorkFactory(self._pool(size, "oms-workers"))
        return self._workers_factory

    def _external_systems(self) -> ExternalSystems | None:
        """The adapters to the external systems: the configured address, else the simulators."""
        base_url = self.config.external_systems_url or self.simulators_url
        if base_url is None:
            return None
        if self._systems is None:
            from oms.workflow.workers.external_systems import HttpExternalSystems, SystemUrls

            systems = HttpExternalSystems(SystemUrls.all_at(base_url))
            self._stack.callback(systems.close)
            self._systems = systems
        return self._systems

    def _api_app(self, pool: ConnectionPool, factory: UnitOfWorkFactory) -> FastAPI:
        from oms.bootstrap import callback_endpoint

        assert self.api_config is not None
        # The callback route as ``oms api`` wires it, with the secret this system shares with the simulators.
        callbacks = callback_endpoint(
            pool, {"OMS_CALLBACK_SECRETS": json.dumps({CALLBACK_SYSTEM: self.config.callback_secret})}
        )
        return create_app(self.api_config, factory, ready_check=lambda: _ping(pool), callbacks=callbacks)

    def _simulator_config(self) -> SimulatorConfig:
        data: dict[str, Any] = {
            key: dict(value) if isinstance(value, Mapping) else value for key, value in self.config.simulators.items()
        }
        provisioning = data.setdefault("provisioning", {})
        if self.api_url is not None:
            provisioning.setdefault("callbackUrl", f"{self.api_url}/callbacks/{CALLBACK_SYSTEM}")
        provisioning.setdefault("callbackSecret", self.config.callback_secret)
        return SimulatorConfig.model_validate(data)

    # ------------------------------------------------------------------ for tests, demos and benchmarks

    def increase_time(self, delta: timedelta) -> int:
        """Move the engine's controlled clock and fire what became due (timers, job time-outs)."""
        if self.clock is None or self.engine is None:
            raise RuntimeError("increase_time needs a started system with controlled_clock=True")
        self.clock.increase_time(delta)
        return self.engine.run_due_work()

    def redeploy(self, *resources: tuple[str, bytes]) -> DeploymentResult:
        """Deploy models (new versions of changed ones) through the workers' client."""
        return self.clients[ROLE_WORKERS].deploy(*resources)

    @property
    def client(self) -> WorkflowClient:
        """The workflow client the workers use (wrapped, if the configuration wraps it)."""
        return self.clients[ROLE_WORKERS]

    def tokens(self, tenant: str) -> dict[str, str]:
        """Bearer tokens (agent, customer, manager, director, operator) for ``tenant``."""
        from oms.system.access import tokens

        assert self.api_config is not None, "the system is not started"
        return tokens(self.api_config, tenant)

    def on_stop(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` when the system stops (before the parts started so far are stopped)."""
        self._stack.callback(callback)


class _DeferredApp:
    """An ASGI app whose target is set after the server bound its port (the app needs to know the
    URLs of servers that need to know this one's)."""

    def __init__(self) -> None:
        self.app: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.app is None:
            raise RuntimeError("the server was started before its app was set")
        await self.app(scope, receive, send)


def _ping(pool: ConnectionPool) -> None:
    with pool.connection(timeout=2) as conn:
        conn.execute("SELECT 1")
