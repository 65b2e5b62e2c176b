"""Helpers for the order application tests: actors, order inputs, and a driver that runs order
commands as an actor of one tenant, each in its own transaction, as the API and the workers will."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import psycopg
from cpq_app_support import AGENT, CUSTOMER, OPERATOR, TenantDriver

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
    place_order,
    start_order_treatment,
)
from oms.application.fulfillment_views import PlanView, TaskOutcomeView
from oms.application.order_views import OrderView
from oms.application.queries.orders import get_order, get_order_plan, get_plan
from oms.application.unit_of_work import UnitOfWork
from oms.domain.catalog.demo import FIBER, TV
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId
from oms.persistence.tables import ORDER_TENANT_TABLES

R = TypeVar("R")
WORKER = Actor(ActorKind.SERVICE, ActorId("order-worker"))
REPAIRER = Actor(ActorKind.OPERATOR, ActorId("operator-7"))
__all__ = ["AGENT", "CUSTOMER", "OPERATOR", "REPAIRER", "WORKER", "OrderDriver"]

CUSTOMER_PARTY = PartyInput("customer-1", "Individual", "customer")


def fiber(item_id: str = "fiber", speed: int = 1000) -> OrderItemInput:
    return OrderItemInput(item_id, "add", FIBER, {"downloadSpeed": speed})


def tv(item_id: str = "tv") -> OrderItemInput:
    return OrderItemInput(item_id, "add", TV)


def fiber_order(*items: OrderItemInput, external_id: str | None = None) -> PlaceOrder:
    return PlaceOrder(items=items or (fiber(),), related_parties=(CUSTOMER_PARTY,), external_id=external_id)


def task_id(order_id: str, item_id: str, task_type: str) -> str:
    return f"{order_id}:{item_id}:{task_type}"


@dataclass
class OrderDriver:
    """Runs order commands for one tenant (``TenantDriver`` does the transactions)."""

    tenant: TenantDriver

    @property
    def id(self) -> str:
        return self.tenant.id

    def run(self, actor: Actor, command: Callable[[UnitOfWork], R]) -> R:
        return self.tenant.run(actor, command)

    def query(self, command: Callable[[UnitOfWork], R]) -> R:
        return self.tenant.query(OPERATOR, command)

    def place(self, request: PlaceOrder | None = None, *, actor: Actor = AGENT) -> OrderView:
        order = request or fiber_order()
        return self.run(actor, lambda uow: place_order(uow, order))

    def order(self, order_id: str) -> OrderView:
        return self.query(lambda uow: get_order(uow, order_id))

    def plan(self, plan_id: str) -> PlanView:
        return self.query(lambda uow: get_plan(uow, plan_id))

    def order_plan(self, order_id: str) -> PlanView:
        return self.query(lambda uow: get_order_plan(uow, order_id))

    def running_order(self, request: PlaceOrder | None = None) -> tuple[OrderView, PlanView]:
        """Placed, decomposed and in progress: what the fulfillment workflow does first."""
        order = self.place(request)
        plan = self.run(WORKER, lambda uow: decompose_order(uow, DecomposeOrder(order.id)))
        order = self.run(WORKER, lambda uow: start_order_treatment(uow, StartOrderTreatment(order.id)))
        return order, plan

    def start(self, plan_id: str, task: str) -> TaskOutcomeView:
        return self.run(WORKER, lambda uow: start_task(uow, StartTask(plan_id, task)))

    def send(self, plan_id: str, task: str) -> TaskOutcomeView:
        return self.run(WORKER, lambda uow: record_external_request(uow, RecordExternalRequest(plan_id, task)))

    def complete(self, plan_id: str, task: str, reference: str = "ext-1") -> TaskOutcomeView:
        return self.run(WORKER, lambda uow: complete_task(uow, CompleteTask(plan_id, task, reference)))

    def run_task(self, plan_id: str, task: str) -> TaskOutcomeView:
        """What a worker does with one job: start, record the request it sends, complete."""
        self.start(plan_id, task)
        self.send(plan_id, task)
        return self.complete(plan_id, task)

    def run_ready_tasks(self, plan_id: str, *, stop_before: str | None = None) -> PlanView:
        """Run every task as soon as it is ready, until none is (or the next is ``stop_before``)."""
        while True:
            ready = [t for t in self.plan(plan_id).ready_task_ids if t != stop_before]
            if not ready:
                return self.plan(plan_id)
            for task in ready:
                self.run_task(plan_id, task)


def order_table_counts(admin: psycopg.Connection[Any], tenant_id: str) -> dict[str, int]:
    """Rows per order table (and the workflow, outbox and audit tables) of one tenant, read as the
    superuser: what a failed command must leave unchanged."""
    tables = (*ORDER_TENANT_TABLES, "workflow_start_request", "outbox_event", "audit_event")
    counts = {}
    for table in tables:
        row = admin.execute(f"SELECT count(*) FROM {table} WHERE tenant_id = %s", (tenant_id,)).fetchone()
        assert row is not None
        counts[table] = int(row[0])
    return counts


def start_requests(admin: psycopg.Connection[Any], tenant_id: str, workflow_type: str) -> list[tuple[Any, ...]]:
    return admin.execute(
        "SELECT business_key, aggregate_type, aggregate_id, variables FROM workflow_start_request"
        " WHERE tenant_id = %s AND workflow_type = %s ORDER BY id",
        (tenant_id, workflow_type),
    ).fetchall()
