"""Cancellation (TMF622 cancelProductOrder): requested with its workflow start request, accepted
before the point of no return with a compensation plan, refused after it, finished when every
compensation task is done; a compensation that fails opens fallout."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from order_app_support import CUSTOMER, REPAIRER, WORKER, OrderDriver, order_table_counts, start_requests, task_id

from oms.application.commands.cancellation import (
    AssessCancellation,
    FinishCancellation,
    RequestCancellation,
    assess_cancellation,
    finish_cancellation,
    request_cancellation,
)
from oms.application.commands.fallout import RetryFalloutTask, retry_fallout_task
from oms.application.commands.fulfillment import FailTask, fail_task
from oms.application.commands.order import CloseOrder, close_order
from oms.application.errors import Conflict
from oms.application.order_views import CancellationView
from oms.application.queries.orders import get_cancellation
from oms.application.workflow import ORDER_CANCELLATION_WORKFLOW


def _request(orders: OrderDriver, order_id: str) -> CancellationView:
    return orders.run(CUSTOMER, lambda uow: request_cancellation(uow, RequestCancellation(order_id, "moved abroad")))


def _assess(orders: OrderDriver, request_id: str) -> CancellationView:
    return orders.run(WORKER, lambda uow: assess_cancellation(uow, AssessCancellation(request_id)))


def _provisioned(orders: OrderDriver) -> tuple[str, str]:
    """A fiber order with its resource reserved and its service provisioned, not billed yet."""
    order, plan = orders.running_order()
    orders.run_ready_tasks(plan.id, stop_before=task_id(order.id, "fiber", "activate-billing"))
    return order.id, plan.id


def test_requesting_a_cancellation_writes_the_request_and_its_workflow_start_request(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    order_id, _ = _provisioned(orders)
    # when
    request = _request(orders, order_id)
    # then
    assert (request.state, request.reason, request.requested_by) == ("acknowledged", "moved abroad", CUSTOMER.id)
    assert orders.order(order_id).state == "assessingCancellation"
    assert start_requests(admin, orders.id, ORDER_CANCELLATION_WORKFLOW) == [
        (
            f"order:{orders.id}:{order_id}:cancellation:{request.id}",
            "cancelProductOrder",
            request.id,
            {
                "tenantId": orders.id,
                "orderId": order_id,
                "cancellationRequestId": request.id,
                "correlationId": _correlation_of(admin, orders.id, request.id),
            },
        )
    ]


def test_before_the_point_of_no_return_the_cancellation_is_accepted_and_compensated_in_reverse_order(
    orders: OrderDriver,
) -> None:
    # given
    order_id, plan_id = _provisioned(orders)
    request = _request(orders, order_id)
    # when
    assessed = _assess(orders, request.id)
    # then
    assert (assessed.state, assessed.outcome) == ("inProgress", "accepted")
    assert assessed.compensation_plan_id == f"{order_id}:cancellation:{request.id}"
    compensation = orders.plan(assessed.compensation_plan_id)
    assert (compensation.purpose, compensation.compensates_plan) == ("compensation", plan_id)
    assert [t.task_type for t in compensation.tasks] == ["deprovision-service", "release-resource"]
    assert orders.plan(plan_id).task(task_id(order_id, "fiber", "activate-billing")).state == "skipped"
    assert orders.order(order_id).state == "pendingCancellation"
    # when the compensation ran and finished
    orders.run_ready_tasks(assessed.compensation_plan_id)
    done = orders.run(WORKER, lambda uow: finish_cancellation(uow, FinishCancellation(request.id)))
    # then
    order = orders.order(order_id)
    assert (done.state, done.effective_cancellation_date is not None) == ("done", True)
    assert (order.state, {i.state for i in order.items}) == ("cancelled", {"cancelled"})


def test_after_the_point_of_no_return_the_cancellation_is_refused_and_the_order_goes_on(orders: OrderDriver) -> None:
    # given: billed (activate-billing is a point of no return), not closed yet
    order, plan = orders.running_order()
    orders.run_ready_tasks(plan.id)
    request = _request(orders, order.id)
    # when
    assessed = _assess(orders, request.id)
    # then
    assert (assessed.state, assessed.outcome) == ("terminatedWithError", "refused")
    assert task_id(order.id, "fiber", "activate-billing") in assessed.outcome_reason
    assert orders.order(order.id).state == "inProgress"
    assert orders.run(WORKER, lambda uow: close_order(uow, CloseOrder(order.id))).state == "completed"


def test_a_redelivered_assessment_returns_the_request_as_assessed(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    order_id, _ = _provisioned(orders)
    request = _request(orders, order_id)
    first = _assess(orders, request.id)
    before = order_table_counts(admin, orders.id)
    # when
    again = _assess(orders, request.id)
    # then
    assert again == first
    assert order_table_counts(admin, orders.id) == before


def test_a_completed_order_cannot_be_cancelled_and_nothing_is_written(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    order, plan = orders.running_order()
    orders.run_ready_tasks(plan.id)
    orders.run(WORKER, lambda uow: close_order(uow, CloseOrder(order.id)))
    before = order_table_counts(admin, orders.id)
    # when / then
    with pytest.raises(Conflict) as raised:
        _request(orders, order.id)
    assert raised.value.code == "illegalTransition"
    assert order_table_counts(admin, orders.id) == before


def test_finishing_is_refused_while_compensation_tasks_are_open(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    order_id, _ = _provisioned(orders)
    request = _request(orders, order_id)
    _assess(orders, request.id)
    before = order_table_counts(admin, orders.id)
    # when / then
    with pytest.raises(Conflict) as raised:
        orders.run(WORKER, lambda uow: finish_cancellation(uow, FinishCancellation(request.id)))
    assert raised.value.code == "planNotClosable"
    assert order_table_counts(admin, orders.id) == before


def test_a_failed_compensation_task_opens_fallout_on_the_cancellation_until_repaired(orders: OrderDriver) -> None:
    # given
    order_id, _ = _provisioned(orders)
    request = _request(orders, order_id)
    compensation_id = _assess(orders, request.id).compensation_plan_id
    assert compensation_id is not None
    deprovision = orders.plan(compensation_id).ready_task_ids[0]
    orders.start(compensation_id, deprovision)
    # when
    failed = orders.run(
        WORKER, lambda uow: fail_task(uow, FailTask(compensation_id, deprovision, "busy", "line still in use"))
    )
    # then
    assert failed.fallout_case_id is not None
    case_id = failed.fallout_case_id
    cancellation = orders.query(lambda uow: get_cancellation(uow, request.id))
    assert cancellation.fallout_case_ids == (case_id,)
    assert orders.order(order_id).fallout_case_ids == (case_id,)
    # when an operator retries it, and the compensation completes
    case = orders.run(REPAIRER, lambda uow: retry_fallout_task(uow, RetryFalloutTask(case_id)))
    orders.run_ready_tasks(compensation_id)
    done = orders.run(WORKER, lambda uow: finish_cancellation(uow, FinishCancellation(request.id)))
    # then
    assert case.category == "compensationFailed" and case.status == "resolved"
    assert done.state == "done" and done.fallout_case_ids == ()
    assert orders.order(order_id).state == "cancelled"


def _correlation_of(admin: psycopg.Connection[Any], tenant_id: str, aggregate_id: str) -> str:
    row = admin.execute(
        "SELECT correlation_id FROM audit_event WHERE tenant_id = %s AND aggregate_id = %s LIMIT 1",
        (tenant_id, aggregate_id),
    ).fetchone()
    assert row is not None
    return str(row[0])
