"""Helpers of the scheduler suite: orders driven by the application commands, process instances
started exactly as the workflow relay starts them (instance, reference, request marked started),
and small BPMN models standing in for the real ones."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

import psycopg
from psycopg.rows import dict_row

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
from oms.application.commands.operational_alerts import OrderIncidentsView, order_incidents
from oms.application.commands.order import (
    CloseOrder,
    OrderItemInput,
    PartyInput,
    PlaceOrder,
    StartOrderTreatment,
    close_order,
    place_order,
    start_order_treatment,
)
from oms.application.commands.reconciliation import FindingFilter, FindingView, list_findings
from oms.application.context import RequestContext
from oms.application.fulfillment_views import PlanView
from oms.application.order_views import OrderView
from oms.application.queries.orders import get_order, get_order_plan
from oms.application.runner import run_command, run_query
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from oms.domain.catalog.demo import FIBER
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId
from oms.engine.testing.builder import process
from oms.relay.store import RelayStore, StartedInstance, StartRequest
from oms.scheduler.engine_reads import WorkflowIncidentSource
from oms.workflow.client import WorkflowClient

R = TypeVar("R")
ALERT_AFTER = timedelta(minutes=15)  # the alert threshold of the suite's reconciler
GRACE = timedelta(minutes=5)  # its grace period
AGENT = Actor(ActorKind.SALES_AGENT, ActorId("agent-1"))
WORKER = Actor(ActorKind.SERVICE, ActorId("order-worker"))
OPERATOR = Actor(ActorKind.OPERATOR, ActorId("operator-1"))


def new_tenant_id() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


def waiting_at(process_id: str, job_type: str, *, retries: int = 3) -> bytes:
    """start -> one service task -> end: an instance waits at the job until it is completed."""
    return process(process_id).start_event().service_task("step", job_type=job_type, retries=retries).end_event().done()


def ends_at_once(process_id: str) -> bytes:
    """start -> end: an instance completes as soon as it is created."""
    return process(process_id).start_event().end_event().done()


@dataclass
class Tenant:
    """Order commands of one tenant, each in its own transaction, and the relay's way of starting
    the processes its commands requested."""

    id: str
    uow_factory: UnitOfWorkFactory
    client: WorkflowClient
    relay_store: RelayStore
    admin: psycopg.Connection[Any]

    def run(self, actor: Actor, command: Callable[[UnitOfWork], R]) -> R:
        return run_command(self.uow_factory, RequestContext.new(self.id, actor), command)

    def query(self, command: Callable[[UnitOfWork], R]) -> R:
        return run_query(self.uow_factory, RequestContext.new(self.id, OPERATOR), command)

    # ------------------------------------------------------------------ orders

    def place(self) -> OrderView:
        request = PlaceOrder(
            items=(OrderItemInput("fiber", "add", FIBER, {"downloadSpeed": 1000}),),
            related_parties=(PartyInput("customer-1", "Individual", "customer"),),
        )
        return self.run(AGENT, lambda uow: place_order(uow, request))

    def running_order(self) -> tuple[OrderView, PlanView]:
        """Placed, decomposed and in progress."""
        order = self.place()
        plan = self.run(WORKER, lambda uow: decompose_order(uow, DecomposeOrder(order.id)))
        order = self.run(WORKER, lambda uow: start_order_treatment(uow, StartOrderTreatment(order.id)))
        return order, plan

    def order(self, order_id: str) -> OrderView:
        return self.query(lambda uow: get_order(uow, order_id))

    def plan(self, order_id: str) -> PlanView:
        return self.query(lambda uow: get_order_plan(uow, order_id))

    def run_all_tasks(self, order_id: str) -> PlanView:
        """What the workers do with every task, as soon as it is ready."""
        plan_id = self.plan(order_id).id
        while ready := self.plan(order_id).ready_task_ids:
            for task in ready:
                self.run(WORKER, partial(start_task, request=StartTask(plan_id, task)))
                self.run(WORKER, partial(record_external_request, request=RecordExternalRequest(plan_id, task)))
                self.run(WORKER, partial(complete_task, request=CompleteTask(plan_id, task, "ext-1")))
        return self.plan(order_id)

    def close(self, order_id: str) -> OrderView:
        return self.run(WORKER, lambda uow: close_order(uow, CloseOrder(order_id)))

    # ------------------------------------------------------------------ processes

    def start_process(self, workflow_type: str, order_id: str, *, variables: dict[str, Any] | None = None) -> int:
        """Start the process the order's start request asks for, as the start relay does (instance
        with ``businessKey``, the reference and the request's new state in one transaction)."""
        row = (
            self.admin.cursor(row_factory=dict_row)
            .execute(
                "SELECT * FROM workflow_start_request WHERE tenant_id = %s AND workflow_type = %s"
                " AND variables ->> 'orderId' = %s",
                (self.id, workflow_type, order_id),
            )
            .fetchone()
        )
        assert row is not None, f"no {workflow_type} start request for order {order_id}"
        request = StartRequest(
            id=row["id"],
            tenant_id=self.id,
            workflow_type=workflow_type,
            business_key=row["business_key"],
            aggregate_type=row["aggregate_type"],
            aggregate_id=row["aggregate_id"],
            variables=dict(row["variables"]),
            attempt=1,
            correlation_id=row["correlation_id"],
        )
        created = self.client.create_instance(
            workflow_type,
            variables={**request.variables, "businessKey": request.business_key, **(variables or {})},
        )
        self.relay_store.record_started(
            request,
            StartedInstance(
                created.process_instance_key, created.process_definition_key, workflow_type, created.version, "active"
            ),
        )
        return created.process_instance_key

    def ref_status(self, process_instance_key: int) -> str:
        row = self.admin.execute(
            "SELECT status FROM workflow_instance_ref WHERE tenant_id = %s AND process_instance_key = %s",
            (self.id, process_instance_key),
        ).fetchone()
        assert row is not None
        return str(row[0])

    # ------------------------------------------------------------------ what the scheduler left

    def findings(self, kind: str | None = None) -> list[FindingView]:
        return self.query(lambda uow: list_findings(uow, FindingFilter(kind=kind)))

    def incidents(self, order_id: str) -> OrderIncidentsView:
        source = WorkflowIncidentSource(self.client)
        return self.query(lambda uow: order_incidents(uow, source, order_id))
