"""The driver of the worker suite: the real models on the embedded engine, the workflow relay, and the
approval, cancellation and amendment handlers, run until nothing is left to do (no threads, no
sleeps: due work is fired by moving the virtual clock). Jobs of other workers (fulfillment steps,
compensation) are served by small stubs that call the same application commands a worker would."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any, TypeVar

from psycopg_pool import ConnectionPool

from oms.application.commands.fulfillment import (
    CompleteTask,
    DecomposeOrder,
    RecordExternalRequest,
    StartTask,
    complete_task,
    decompose_order,
    record_external_request,
    start_task,
)
from oms.application.commands.order import (
    OrderItemInput,
    PartyInput,
    PlaceOrder,
    StartOrderTreatment,
    start_order_treatment,
)
from oms.application.commands.quote import CreateQuote, create_quote
from oms.application.context import RequestContext
from oms.application.queries.orders import get_cancellation, get_plan
from oms.application.runner import run_command, run_query
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from oms.domain.approval.policy import COMMERCIAL_DIRECTOR, SALES_MANAGER
from oms.domain.catalog.demo import FIBER, TV
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.pricing.calculator import ManualDiscounts
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId, OfferingId, QuoteItemId
from oms.engine.testing.harness import ProcessTestHarness
from oms.relay.service import WorkflowRelay
from oms.workflow import job_types
from oms.workflow.client import Job, WorkflowClient
from oms.workflow.outcomes import outcome_of
from oms.workflow.runtime import Handler
from oms.workflow.workers import default_handlers

R = TypeVar("R")

AGENT = Actor(ActorKind.SALES_AGENT, ActorId("agent-1"))
OPERATOR = Actor(ActorKind.OPERATOR, ActorId("operator-1"))
MANAGER = Actor(ActorKind.APPROVER, ActorId("manager-1"), frozenset({SALES_MANAGER}))
DIRECTOR = Actor(ActorKind.APPROVER, ActorId("director-1"), frozenset({COMMERCIAL_DIRECTOR}))
STUB = Actor(ActorKind.SERVICE, ActorId("fulfillment-stub"))
JOB_TIMEOUT_MS = 300_000


def quote_request(item_discount: str) -> CreateQuote:
    """Fiber and TV for 24 months; above 10 % needs the sales manager, above 25 % the director too."""
    items = (
        ConfiguredItem(QuoteItemId("i-fiber"), OfferingId(FIBER), {"downloadSpeed": 1000}),
        ConfiguredItem(QuoteItemId("i-tv"), OfferingId(TV), {}),
    )
    return CreateQuote("customer-1", items, 24, ManualDiscounts({QuoteItemId("i-fiber"): Decimal(item_discount)}))


def fiber_and_tv_order() -> PlaceOrder:
    return PlaceOrder(
        items=(
            OrderItemInput("fiber", "add", FIBER, {"downloadSpeed": 1000}),
            OrderItemInput("tv", "add", TV),
        ),
        related_parties=(PartyInput("customer-1", "Individual", "customer"),),
    )


def task_id(order_id: str, item_id: str, task_type: str) -> str:
    return f"{order_id}:{item_id}:{task_type}"


class Flow:
    """Serves the handlers under test (and the stubs) on the engine, relaying after every round."""

    def __init__(
        self,
        harness: ProcessTestHarness,
        client: WorkflowClient,
        relay: WorkflowRelay,
        uow_factory: UnitOfWorkFactory,
        tenant: str,
        pool: ConnectionPool,
    ) -> None:
        self.pool = pool
        self.harness = harness
        self.client = client
        self.relay = relay
        self.factory = uow_factory
        self.tenant = tenant
        self.handlers: dict[str, Handler] = default_handlers(uow_factory)
        self.stubs: dict[str, Handler] = {}
        self.paused: set[str] = set()
        self.handled: dict[str, list[Job]] = defaultdict(list)
        self.outcomes: dict[str, list[str]] = defaultdict(list)

    # ------------------------------------------------------------------ driving

    def run_until_idle(self, max_rounds: int = 200) -> None:
        for _ in range(max_rounds):
            progressed = self.harness.engine.run_due_work() + self.relay.drain()
            for job_type, handler in {**self.handlers, **self.stubs}.items():
                if job_type in self.paused:
                    continue
                for job in self.client.activate_jobs(
                    job_type, worker="test-worker", max_jobs=20, timeout_ms=JOB_TIMEOUT_MS
                ):
                    self.handled[job_type].append(job)
                    outcome = outcome_of(handler, job, 0)
                    self.outcomes[job_type].append(outcome.name)
                    outcome.report(self.client, job)
                    progressed += 1
            if not progressed:
                return
        raise AssertionError(f"still busy after {max_rounds} rounds")

    def increase_time(self, delta: timedelta) -> None:
        self.harness.clock.increase_time(delta)
        self.run_until_idle()

    def activate(self, job_type: str, *, timeout_ms: int = JOB_TIMEOUT_MS) -> Job:
        jobs = self.client.activate_jobs(job_type, worker="test-worker", max_jobs=1, timeout_ms=timeout_ms)
        assert len(jobs) == 1, f"expected one activatable {job_type} job, got {len(jobs)}"
        return jobs[0]

    # ------------------------------------------------------------------ the OMS

    def run(self, actor: Actor, command: Callable[[UnitOfWork], R]) -> R:
        return run_command(self.factory, RequestContext.new(self.tenant, actor), command)

    def query(self, query: Callable[[UnitOfWork], R]) -> R:
        return run_query(self.factory, RequestContext.new(self.tenant, OPERATOR), query)

    def quote(self, item_discount: str) -> str:
        return self.run(AGENT, lambda uow: create_quote(uow, quote_request(item_discount))).id

    def instance_key(self, business_key: str) -> int:
        """The instance the start relay created for this business key (read as the login, a superuser)."""
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT process_instance_key FROM workflow_start_request"
                " WHERE tenant_id = %s AND business_key = %s AND status = 'started'",
                (self.tenant, business_key),
            ).fetchone()
        assert row is not None, f"no instance started for business key {business_key!r}"
        return int(row[0])

    def messages(self, name: str) -> list[tuple[Any, ...]]:
        """The tenant's application messages of this name: (correlation key, message id, variables, status)."""
        with self.pool.connection() as conn:
            return conn.execute(
                "SELECT correlation_key, message_id, variables, status FROM workflow_message_correlation"
                " WHERE tenant_id = %s AND message_name = %s ORDER BY id",
                (self.tenant, name),
            ).fetchall()

    # ------------------------------------------------------------------ tasks, as a worker runs them

    def run_task(self, plan_id: str, task: str) -> None:
        self.run(STUB, lambda uow: start_task(uow, StartTask(plan_id, task)))
        self.run(STUB, lambda uow: record_external_request(uow, RecordExternalRequest(plan_id, task)))
        self.run(STUB, lambda uow: complete_task(uow, CompleteTask(plan_id, task, "ext-1")))

    def run_ready_tasks(self, plan_id: str, *, only: Callable[[str], bool] = lambda task: True) -> None:
        while True:
            ready = [t for t in self.query(lambda uow: get_plan(uow, plan_id)).ready_task_ids if only(t)]
            if not ready:
                return
            for task in ready:
                self.run_task(plan_id, task)

    # ------------------------------------------------------------------ stubs of the other workers

    def stub_fulfillment_until_provisioning(self) -> None:
        """Decompose and start the order, reserve its resources, then send provisioning and wait
        for its answer (which never comes): an order-fulfillment instance waiting mid-way."""
        self.stubs[job_types.ORDER_FULFILLMENT_DECOMPOSE] = self._decompose
        self.stubs[job_types.ORDER_FULFILLMENT_RESERVE_RESOURCE] = self._reserve
        self.stubs[job_types.ORDER_FULFILLMENT_PROVISION_SERVICE] = lambda job: {
            "provisioningRequestId": f"{job.variables['orderId']}:provision-service:run-1"
        }

    def stub_compensation(self) -> None:
        self.stubs[job_types.ORDER_CANCELLATION_COMPENSATE] = self._compensate

    def _decompose(self, job: Job) -> Mapping[str, Any]:
        order_id = str(job.variables["orderId"])
        self.run(STUB, lambda uow: decompose_order(uow, DecomposeOrder(order_id)))
        self.run(STUB, lambda uow: start_order_treatment(uow, StartOrderTreatment(order_id)))
        return {"nextStep": "reserve-resource"}

    def _reserve(self, job: Job) -> Mapping[str, Any]:
        order_id = str(job.variables["orderId"])
        self.run_ready_tasks(f"{order_id}:fulfillment", only=lambda task: task.endswith(":reserve-resource"))
        return {"nextStep": "provision-service"}

    def _compensate(self, job: Job) -> None:
        request_id = str(job.variables["cancellationRequestId"])
        cancellation = self.query(lambda uow: get_cancellation(uow, request_id))
        assert cancellation.compensation_plan_id is not None
        self.run_ready_tasks(cancellation.compensation_plan_id)


WAIT_S = 15.0  # an explicit upper bound on every wait: a hang fails the test instead of the run


def wait_until(check: Callable[[], bool], *, timeout_s: float = WAIT_S, what: str = "condition") -> None:
    """For the runtime's threads: check until true, failing after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout_s} s")
        time.sleep(0.01)
