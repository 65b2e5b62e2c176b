"""Requests the order tests repeat, and moving an order along as the workflow's workers would (the
application's worker commands, run as a service actor): the tests then see the states an operator
or a customer sees without a running engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from api_support import QUOTES, ApiDriver

from oms.application.commands.cancellation import AssessCancellation, assess_cancellation
from oms.application.commands.fulfillment import (
    CompleteTask,
    DecomposeOrder,
    FailTask,
    StartTask,
    complete_task,
    decompose_order,
    fail_task,
    start_task,
)
from oms.application.commands.order import CloseOrder, StartOrderTreatment, close_order, start_order_treatment
from oms.application.context import RequestContext
from oms.application.fulfillment_views import PlanView
from oms.application.queries.orders import get_plan
from oms.application.runner import run_command, run_query
from oms.application.unit_of_work import UnitOfWorkFactory

ORDERING = "/tmf-api/productOrderingManagement/v4"
ORDERS = f"{ORDERING}/productOrder"
CANCELS = f"{ORDERING}/cancelProductOrder"
OPERATIONS = "/oms-api/orderOperations/v1"
CUSTOMER = {"id": "customer-1", "role": "customer", "@referredType": "Individual"}


def fiber_item(item_id: str = "1", *, speed: object = 1000, offering: str = "po-fiber-broadband") -> dict[str, Any]:
    return {
        "id": item_id,
        "action": "add",
        "productOffering": {"id": offering},
        "product": {"productCharacteristic": [{"name": "downloadSpeed", "value": speed}]},
    }


def tv_item(item_id: str = "2") -> dict[str, Any]:
    return {"id": item_id, "action": "add", "productOffering": {"id": "po-tv"}}


def order_body(*items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "@type": "ProductOrder",
        "relatedParty": [CUSTOMER],
        "productOrderItem": list(items) or [fiber_item(), tv_item()],
        **extra,
    }


def rejected_body() -> dict[str, Any]:
    """Well-formed but inconsistent: a modify without the product it changes (``missingProductRef``
    on item 1) and an add naming an existing product (``productRefOnAdd`` on item 2)."""
    modify = {"id": "1", "action": "modify", "productOffering": {"id": "po-fiber-broadband"}}
    return order_body(modify, {**tv_item("2"), "product": {"id": "some-product"}})


@dataclass
class OrderDriver:
    """One tenant's API (``api``) plus the worker commands for that tenant."""

    api: ApiDriver
    uow_factory: UnitOfWorkFactory

    @property
    def tenant(self) -> str:
        return self.api.tenant

    def create(self, body: dict[str, Any] | None = None, actor: str = "agent", **headers: str) -> httpx.Response:
        return self.api.post(ORDERS, order_body() if body is None else body, actor, **headers)

    def place(self, body: dict[str, Any] | None = None, actor: str = "agent") -> dict[str, Any]:
        response = self.create(body, actor)
        assert response.status_code == 201, response.text
        order: dict[str, Any] = response.json()
        return order

    def accepted_quote(self) -> dict[str, Any]:
        quote = self.api.approved_quote()
        accepted = self.api.post(f"{QUOTES}/{quote['id']}/accept", None, "customer")
        assert accepted.status_code == 200, accepted.text
        body: dict[str, Any] = accepted.json()
        return body

    def get(self, href: str, actor: str = "agent") -> dict[str, Any]:
        response = self.api.get(href, actor)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    # -- as the fulfillment workflow's workers would --------------------------------------------

    def _worker(self) -> RequestContext:
        return RequestContext.for_service(self.tenant, "order-test-worker")

    def start_treatment(self, order_id: str) -> None:
        run_command(
            self.uow_factory, self._worker(), lambda uow: start_order_treatment(uow, StartOrderTreatment(order_id))
        )

    def decompose(self, order_id: str) -> PlanView:
        return run_command(self.uow_factory, self._worker(), lambda uow: decompose_order(uow, DecomposeOrder(order_id)))

    def running_order(self) -> dict[str, Any]:
        """An order in progress with its plan made: what a customer sees a moment after ordering."""
        order = self.place()
        self.start_treatment(order["id"])
        self.decompose(order["id"])
        return self.get(order["href"])

    def order_in_fallout(self) -> tuple[dict[str, Any], str]:
        """An order held by a fallout case: its first task was refused by the target system."""
        order = self.place()
        self.start_treatment(order["id"])
        plan = self.decompose(order["id"])
        task_id = plan.ready_task_ids[0]
        ctx = self._worker()
        run_command(self.uow_factory, ctx, lambda uow: start_task(uow, StartTask(plan.id, task_id)))
        failed = run_command(
            self.uow_factory,
            ctx,
            lambda uow: fail_task(uow, FailTask(plan.id, task_id, "noPortFree", "no port free at the address")),
        )
        assert failed.fallout_case_id is not None
        return self.get(order["href"]), failed.fallout_case_id

    def run_every_task(self, plan_id: str) -> None:
        """Start and complete each ready task until none is left, as the task workers would."""
        ctx = self._worker()
        while ready := self._plan(plan_id).ready_task_ids:
            for task_id in ready:
                start = StartTask(plan_id, task_id)
                complete = CompleteTask(plan_id, task_id, f"ext-{task_id}")
                run_command(self.uow_factory, ctx, lambda uow, c=start: start_task(uow, c))
                run_command(self.uow_factory, ctx, lambda uow, c=complete: complete_task(uow, c))

    def order_past_point_of_no_return(self) -> dict[str, Any]:
        """Every task done (billing activated, which cannot be undone), the order not closed yet."""
        order = self.place()
        self.start_treatment(order["id"])
        self.run_every_task(self.decompose(order["id"]).id)
        return self.get(order["href"])

    def completed_order(self) -> dict[str, Any]:
        order = self.order_past_point_of_no_return()
        command = CloseOrder(order["id"])
        run_command(self.uow_factory, self._worker(), lambda uow: close_order(uow, command))
        closed = self.get(order["href"])
        assert closed["state"] == "completed", closed
        return closed

    def _plan(self, plan_id: str) -> PlanView:
        return run_query(self.uow_factory, self._worker(), lambda uow: get_plan(uow, plan_id))

    def assess_cancellation(self, request_id: str) -> None:
        run_command(
            self.uow_factory, self._worker(), lambda uow: assess_cancellation(uow, AssessCancellation(request_id))
        )
