"""Business failures of tasks open fallout cases (the order held, the repair workflow requested in
the same transaction); operators repair them, and the case keeps who did what."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from order_app_support import (
    CUSTOMER,
    REPAIRER,
    WORKER,
    OrderDriver,
    order_table_counts,
    start_requests,
    task_id,
)

from oms.application.commands.fallout import (
    AssignFalloutCase,
    CancelOrderFromFallout,
    CompleteFalloutTaskManually,
    RetryFalloutTask,
    SkipFalloutTask,
    UpdateFalloutRepairData,
    assign_fallout_case,
    cancel_order_from_fallout,
    complete_fallout_task_manually,
    retry_fallout_task,
    skip_fallout_task,
    update_fallout_repair_data,
)
from oms.application.commands.fulfillment import FailTask, fail_task
from oms.application.errors import Forbidden, ValidationFailed
from oms.application.fulfillment_views import TaskOutcomeView
from oms.application.queries.orders import get_fallout_case
from oms.application.workflow import FALLOUT_REPAIR_WORKFLOW, ORDER_CANCELLATION_WORKFLOW
from oms.domain.fallout.lifecycle import FalloutCategory


def _fail(orders: OrderDriver, plan_id: str, task: str) -> TaskOutcomeView:
    request = FailTask(
        plan_id, task, "noPortFree", "no port free", {"exchange": "FRA-3"}, FalloutCategory.RESOURCE_UNAVAILABLE
    )
    return orders.run(WORKER, lambda uow: fail_task(uow, request))


def _failed_reservation(orders: OrderDriver) -> tuple[str, str, str, str]:
    """A running fiber order whose reservation failed: (order id, plan id, task id, case id)."""
    order, plan = orders.running_order()
    reserve = task_id(order.id, "fiber", "reserve-resource")
    orders.start(plan.id, reserve)
    orders.send(plan.id, reserve)
    outcome = _fail(orders, plan.id, reserve)
    assert outcome.fallout_case_id is not None
    return order.id, plan.id, reserve, outcome.fallout_case_id


def test_a_business_failure_opens_a_case_holds_the_order_and_requests_the_repair_workflow(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # when
    order_id, plan_id, reserve, case_id = _failed_reservation(orders)
    # then
    case = orders.query(lambda uow: get_fallout_case(uow, case_id))
    order = orders.order(order_id)
    assert (case.status, case.category, case.task_id, case.reason) == (
        "open",
        "resourceUnavailable",
        reserve,
        "no port free",
    )
    assert case.repair_data == {"exchange": "FRA-3"}
    assert (order.state, order.fallout_status, order.fallout_case_ids) == ("held", "inFallout", (case_id,))
    assert [
        (key, variables["planId"], variables["taskId"])
        for key, _, _, variables in start_requests(admin, orders.id, FALLOUT_REPAIR_WORKFLOW)
    ] == [(f"fallout:{orders.id}:{case_id}:repair", plan_id, reserve)]


def test_a_redelivered_business_failure_answers_with_the_open_case_and_opens_no_other(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    _, plan_id, reserve, case_id = _failed_reservation(orders)
    before = order_table_counts(admin, orders.id)
    # when
    again = _fail(orders, plan_id, reserve)
    # then
    assert (again.answer, again.fallout_case_id, again.task.state) == ("alreadyFailed", case_id, "failed")
    assert order_table_counts(admin, orders.id) == before


def test_an_operator_retries_the_task_and_the_order_runs_again(orders: OrderDriver) -> None:
    # given
    order_id, plan_id, reserve, case_id = _failed_reservation(orders)
    orders.run(REPAIRER, lambda uow: assign_fallout_case(uow, AssignFalloutCase(case_id)))
    orders.run(
        REPAIRER, lambda uow: update_fallout_repair_data(uow, UpdateFalloutRepairData(case_id, {"exchange": "FRA-4"}))
    )
    # when
    case = orders.run(REPAIRER, lambda uow: retry_fallout_task(uow, RetryFalloutTask(case_id)))
    # then
    task = orders.plan(plan_id).task(reserve)
    assert (case.status, case.assignee, case.repair_data["exchange"]) == ("resolved", REPAIRER.id, "FRA-4")
    assert case.repair is not None and (case.repair["kind"], case.repair["repairedBy"]) == ("retryTask", REPAIRER.id)
    assert (task.state, task.run) == ("pending", 2)
    order = orders.order(order_id)
    assert (order.state, order.fallout_status) == ("inProgress", "none")
    # and the retried task runs with the key of its new run
    orders.start(plan_id, reserve)
    sent = orders.send(plan_id, reserve)
    assert sent.external_request is not None and sent.external_request["idempotencyKey"] == f"{reserve}:run-2"


def test_an_operator_completes_the_task_by_hand_with_evidence(orders: OrderDriver) -> None:
    # given
    order_id, plan_id, reserve, case_id = _failed_reservation(orders)
    # when
    case = orders.run(
        REPAIRER,
        lambda uow: complete_fallout_task_manually(
            uow, CompleteFalloutTaskManually(case_id, "port 12 patched by hand, ticket 4711", "port-12")
        ),
    )
    # then
    task = orders.plan(plan_id).task(reserve)
    assert case.status == "resolved" and case.repair is not None
    assert case.repair["evidence"] == "port 12 patched by hand, ticket 4711"
    assert task.state == "completed" and task.result is not None
    assert (task.result["manualEvidence"], task.result["recordedBy"]) == (
        "port 12 patched by hand, ticket 4711",
        REPAIRER.id,
    )
    assert orders.order(order_id).state == "inProgress"


def test_a_manual_completion_without_evidence_is_refused_and_changes_nothing(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    _, _, _, case_id = _failed_reservation(orders)
    before = order_table_counts(admin, orders.id)
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        orders.run(REPAIRER, lambda uow: complete_fallout_task_manually(uow, CompleteFalloutTaskManually(case_id, " ")))
    assert raised.value.code == "evidenceRequired"
    assert order_table_counts(admin, orders.id) == before


def test_an_operator_skips_the_task(orders: OrderDriver) -> None:
    # given
    order_id, plan_id, reserve, case_id = _failed_reservation(orders)
    # when
    case = orders.run(REPAIRER, lambda uow: skip_fallout_task(uow, SkipFalloutTask(case_id, "port reserved by phone")))
    # then
    assert case.status == "resolved"
    assert orders.plan(plan_id).task(reserve).state == "skipped"
    assert orders.order(order_id).state == "inProgress"


def test_only_an_operator_repairs_fallout(orders: OrderDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    _, _, _, case_id = _failed_reservation(orders)
    before = order_table_counts(admin, orders.id)
    # when / then: neither the customer nor the workflow's worker may repair
    for actor in (CUSTOMER, WORKER):
        with pytest.raises(Forbidden):
            orders.run(actor, lambda uow: retry_fallout_task(uow, RetryFalloutTask(case_id)))
        with pytest.raises(Forbidden):
            orders.run(actor, lambda uow: assign_fallout_case(uow, AssignFalloutCase(case_id)))
    assert order_table_counts(admin, orders.id) == before


def test_giving_up_on_an_order_with_nothing_to_undo_cancels_it_at_once(orders: OrderDriver) -> None:
    # given: the very first task failed, so nothing was done
    order_id, plan_id, _, case_id = _failed_reservation(orders)
    # when
    case = orders.run(
        REPAIRER, lambda uow: cancel_order_from_fallout(uow, CancelOrderFromFallout(case_id, "no fiber in the street"))
    )
    # then
    order = orders.order(order_id)
    assert case.status == "cancelled" and case.repair is not None and case.repair["kind"] == "cancelOrder"
    assert (order.state, order.cancellation_reason, order.fallout_status) == (
        "cancelled",
        "no fiber in the street",
        "none",
    )
    assert orders.plan(plan_id).can_close


def test_giving_up_on_an_order_with_work_done_requests_its_cancellation(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given: the reservation completed, the provisioning failed
    order, plan = orders.running_order()
    orders.run_task(plan.id, task_id(order.id, "fiber", "reserve-resource"))
    provision = task_id(order.id, "fiber", "provision-service")
    orders.start(plan.id, provision)
    failed = _fail(orders, plan.id, provision)
    assert failed.fallout_case_id is not None
    case_id = failed.fallout_case_id
    # when
    orders.run(REPAIRER, lambda uow: cancel_order_from_fallout(uow, CancelOrderFromFallout(case_id, "customer moved")))
    # then
    cancelled = orders.order(order.id)
    assert cancelled.state == "assessingCancellation" and cancelled.cancellation_request_id is not None
    assert [key for key, *_ in start_requests(admin, orders.id, ORDER_CANCELLATION_WORKFLOW)] == [
        f"order:{orders.id}:{order.id}:cancellation:{cancelled.cancellation_request_id}"
    ]
