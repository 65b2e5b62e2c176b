"""What a :class:`~oms.system.runner.System` runs, as one frozen value: ports (``0``: a free port,
``None``: not served), which workflow client the workers and relays use, the engine's clock,
worker and relay pacing, and the simulators' behaviour."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from oms.relay.options import RelayOptions
from oms.scheduler.reconciler import ReconcilerOptions
from oms.workflow.client import WorkflowClient
from oms.workflow.runtime import Handler

#: ``wrap_client(role, client)`` -> the client that role uses; roles below. Tests inject faults with it.
ClientWrapper = Callable[[str, WorkflowClient], WorkflowClient]

ROLE_RELAY = "relay"
ROLE_WORKERS = "workers"


class ClientKind(StrEnum):
    #: workers and relays call the engine in-process
    EMBEDDED = "embedded"
    #: workers and relays use the official Camunda SDK against the engine's REST server (served on a port)
    CAMUNDA = "camunda"


def generate_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class SystemConfig:
    #: None: the embedded PostgreSQL server's ``postgres`` database
    database_url: str | None = None
    client: ClientKind = ClientKind.EMBEDDED
    host: str = "127.0.0.1"
    api_port: int | None = 0
    simulators_port: int | None = 0
    #: the engine's Camunda REST API (v2); always served with ``client=camunda``, else only when a port is given
    engine_port: int | None = None
    #: create or upgrade the engine and OMS schemas first (tests start on a migrated copy and skip it)
    migrate: bool = True
    #: deploy the BPMN models of ``oms.workflow.processes`` (unchanged models keep their version)
    deploy: bool = True
    #: tenants that get the demo catalog
    seed_tenants: Sequence[str] = ("demo",)
    #: an engine clock that :meth:`System.increase_time` moves (timers fire without waiting)
    controlled_clock: bool = False
    # -- workers
    run_workers: bool = True
    #: None: every handler of ``default_handlers()`` (or of ``handlers``)
    job_types: Sequence[str] | None = None
    #: handlers to serve instead of ``default_handlers()``
    handlers: Mapping[str, Handler] | None = None
    worker_max_concurrent: int = 8
    #: a long poll ends after this at the latest; a stop waits for the polls under way
    worker_poll_timeout: timedelta = timedelta(seconds=10)
    worker_job_timeout: timedelta = timedelta(minutes=5)
    # -- relay
    run_relay: bool = True
    relay_options: RelayOptions = field(default_factory=RelayOptions)
    relay_poll_interval: timedelta = timedelta(seconds=1)
    # -- scheduler (reconciliation of process state against domain state)
    run_scheduler: bool = True
    scheduler_interval: timedelta = timedelta(seconds=60)
    reconciliation: ReconcilerOptions = field(default_factory=ReconcilerOptions)
    # -- API
    jwt_secret: str = field(default_factory=generate_secret)
    jwt_issuer: str = "oms"
    jwt_audience: str = "oms-api"
    #: the provisioning system's callback secret (HMAC key), shared by the API and the simulators
    callback_secret: str = field(default_factory=generate_secret)
    api_pool_size: int = 10
    #: where the workers' adapters send inventory, provisioning and billing calls (None: the simulators)
    external_systems_url: str | None = None
    # -- simulators (``SimulatorConfig`` JSON, e.g. ``{"provisioning": {"callbackDelayMs": 50}}``)
    simulators: Mapping[str, Any] = field(default_factory=dict)
    # -- the engine
    engine_pool_size: int = 8
    engine_service_interval: timedelta = timedelta(milliseconds=100)
    #: test hook: wraps the client of each role (``ROLE_RELAY``, ``ROLE_WORKERS``)
    wrap_client: ClientWrapper | None = None
    stop_grace: timedelta = timedelta(seconds=10)
