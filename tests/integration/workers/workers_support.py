"""Helpers of the worker suite: a tenant driver, the OMS callback endpoint, and ``Flow``, which runs
the relay, the engine's due work and every default handler against one engine, job by job, with
the runtime's own outcome logic (``outcome_of``), until a condition holds or a time limit passes."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI
from psycopg_pool import ConnectionPool

from oms.api.app import create_app
from oms.api.config import ApiConfig
from oms.api.routes.callbacks import CallbackEndpoint
from oms.application.commands.order import OrderItemInput, PartyInput, PlaceOrder, place_order
from oms.application.context import RequestContext
from oms.application.order_views import OrderView
from oms.application.queries.orders import get_order, get_order_plan
from oms.application.runner import run_command, run_query
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from oms.domain.catalog.demo import FIBER
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId
from oms.engine.testing.harness import ProcessTestHarness
from oms.relay.application_inbox import ApplicationCallbackInbox
from oms.relay.service import WorkflowRelay
from oms.relay.store import PostgresCallbackInbox, RelayStore
from oms.workflow.client import Job
from oms.workflow.embedded import EmbeddedWorkflowClient
from oms.workflow.outcomes import Outcome, outcome_of
from oms.workflow.runtime import Handler
from oms.workflow.workers import default_handlers
from oms.workflow.workers.external_systems import HttpExternalSystems, SystemUrls

R = TypeVar("R")
CALLBACK_SECRET = "provisioning-callback-secret-for-worker-tests"
JWT_SECRET = "jwt-secret-of-the-worker-tests-0123456789"
AGENT = Actor(ActorKind.SALES_AGENT, ActorId("agent-1"))
OPERATOR = Actor(ActorKind.OPERATOR, ActorId("operator-1"))
WAIT_S = 20.0


def callback_app(pool: ConnectionPool, uow_factory: UnitOfWorkFactory) -> FastAPI:
    inbox = ApplicationCallbackInbox(uow_factory, PostgresCallbackInbox(pool))
    return create_app(
        ApiConfig(jwt_secret=JWT_SECRET),
        uow_factory,
        callbacks=CallbackEndpoint(inbox, {"provisioning": CALLBACK_SECRET}),
    )


@dataclass(frozen=True)
class Tenant:
    id: str
    factory: UnitOfWorkFactory

    @classmethod
    def new(cls, factory: UnitOfWorkFactory) -> Tenant:
        return cls(f"t-{uuid.uuid4().hex[:12]}", factory)

    def run(self, actor: Actor, command: Callable[[UnitOfWork], R]) -> R:
        return run_command(self.factory, RequestContext.new(self.id, actor), command)

    def query(self, query: Callable[[UnitOfWork], R]) -> R:
        return run_query(self.factory, RequestContext.new(self.id, OPERATOR), query)

    def place_fiber_order(self, **characteristics: Any) -> OrderView:
        item = OrderItemInput("fiber", "add", FIBER, {"downloadSpeed": 1000, **characteristics})
        order = PlaceOrder(items=(item,), related_parties=(PartyInput("customer-1", "Individual", "customer"),))
        view = self.run(AGENT, lambda uow: place_order(uow, order))
        assert view.state == "acknowledged", view.rejection_reasons
        return view

    def order_state(self, order_id: str) -> str:
        return str(self.query(lambda uow: get_order(uow, order_id)).state)

    def task_states(self, order_id: str) -> dict[str, str]:
        plan = self.query(lambda uow: get_order_plan(uow, order_id))
        return {task.task_type: task.state for task in plan.tasks}


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
    """Wait (for a callback over HTTP) until ``condition`` holds; fails after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Expected {what} within {timeout_s} s, but it did not happen")
        pause.wait(0.02)


def task_key(order_id: str, task_type: str, run: int = 1) -> str:
    return f"{order_id}:fiber:{task_type}:run-{run}"


@dataclass
class Handled:
    job: Job
    outcome: Outcome


@dataclass
class Flow:
    harness: ProcessTestHarness
    pool: ConnectionPool
    uow_factory: UnitOfWorkFactory
    simulators_url: str
    #: the tenant served: the database is shared by the tests, so the relay may start other tests'
    #: leftovers in this engine; their jobs are activated and left alone
    tenant_id: str
    handled: list[Handled] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.client = EmbeddedWorkflowClient(self.harness.engine)
        self.relay = WorkflowRelay(RelayStore(self.pool), self.client)
        self.systems = HttpExternalSystems(SystemUrls.all_at(self.simulators_url, timeout_s=5))
        self.handlers: dict[str, Handler] = default_handlers(self.uow_factory, self.systems)

    # -- driving ----------------------------------------------------------------------------------

    def pump(self) -> int:
        """One round: relay what is due, the engine's due work, every activatable job handled."""
        progressed = self.relay.drain() + self.harness.engine.run_due_work()
        for job_type, handler in self.handlers.items():
            for job in self.client.activate_jobs(job_type, worker="worker-tests", max_jobs=10, timeout_ms=60_000):
                if job.variables.get("tenantId", self.tenant_id) != self.tenant_id:
                    continue
                outcome = outcome_of(handler, job, 0)
                outcome.report(self.client, job)
                self.handled.append(Handled(job, outcome))
                progressed += 1
        return progressed

    def run_until(self, condition: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
        """Pump until ``condition`` holds; callbacks arrive over HTTP meanwhile, so an idle round
        waits a moment for them. Fails after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        idle = threading.Event()
        while True:
            progressed = self.pump()
            if condition():
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"Expected {what} within {timeout_s} s, but it did not happen")
            if not progressed:
                idle.wait(0.02)

    # -- reading ----------------------------------------------------------------------------------

    def outcomes_of(self, job_type: str) -> list[Outcome]:
        return [entry.outcome for entry in self.handled if entry.job.type == job_type]

    def instance_of(self, process_id: str, business_key: str) -> int:
        found = self.client.search_instances(bpmn_process_id=process_id, variables={"businessKey": business_key})
        assert found, f"no {process_id} instance with business key {business_key}"
        return found[0].key

    def sim_calls(self, system: str, idempotency_key: str | None = None) -> list[dict[str, Any]]:
        params = {"system": system} | ({"idempotencyKey": idempotency_key} if idempotency_key else {})
        response = httpx.get(f"{self.simulators_url}/admin/calls", params=params, timeout=5)
        response.raise_for_status()
        calls: list[dict[str, Any]] = response.json()
        return calls

    def sim_deliveries(self) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.simulators_url}/admin/callbacks", timeout=5)
        response.raise_for_status()
        deliveries: list[dict[str, Any]] = response.json()["deliveries"]
        return deliveries

    def close(self) -> None:
        self.systems.close()


def effects(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The calls that acted: answered 2xx and not replayed from an earlier answer."""
    return [call for call in calls if 200 <= call["status"] < 300 and not call["replayed"]]


def job_like(job_type: str, variables: dict[str, Any], *, key: int = 1, retries: int = 3) -> Job:
    """A job as the engine hands it out, for calling a handler directly."""
    return Job(
        key=key,
        type=job_type,
        process_instance_key=10_000 + key,
        element_instance_key=20_000 + key,
        element_id="element",
        bpmn_process_id="order-fulfillment",
        process_definition_key=1,
        process_definition_version=1,
        retries=retries,
        deadline=datetime.now(UTC),
        worker="worker-tests",
        tenant_id="<default>",
        variables=variables,
    )
