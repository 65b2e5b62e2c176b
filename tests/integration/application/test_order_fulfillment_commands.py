"""Decomposition and the task commands the workers call: one transaction each, the plan row
locked, redelivered jobs answered from what is stored, and the order closed only when every task
is done."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from order_app_support import CUSTOMER, WORKER, OrderDriver, fiber_order, order_table_counts, task_id

from oms.application.commands.fulfillment import (
    DecomposeOrder,
    RecordTechnicalFailure,
    StartTask,
    decompose_order,
    record_technical_failure,
    start_task,
)
from oms.application.commands.order import CloseOrder, OrderItemInput, close_order
from oms.application.errors import Conflict, Forbidden, NotFound


def test_decomposing_plans_the_tasks_of_the_order_and_twice_returns_the_same_plan(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    order = orders.place()
    # when
    first = orders.run(WORKER, lambda uow: decompose_order(uow, DecomposeOrder(order.id)))
    second = orders.run(WORKER, lambda uow: decompose_order(uow, DecomposeOrder(order.id)))
    # then
    assert first == second
    assert first.id == f"{order.id}:fulfillment"
    assert [t.task_type for t in first.tasks] == ["reserve-resource", "provision-service", "activate-billing"]
    assert first.ready_task_ids == (task_id(order.id, "fiber", "reserve-resource"),)
    assert admin.execute("SELECT count(*) FROM fulfillment_task WHERE tenant_id = %s", (orders.id,)).fetchone() == (3,)


def test_a_task_waits_for_its_dependencies(orders: OrderDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    order, plan = orders.running_order()
    before = order_table_counts(admin, orders.id)
    # when / then
    with pytest.raises(Conflict) as raised:
        orders.start(plan.id, task_id(order.id, "fiber", "provision-service"))
    assert raised.value.code == "dependenciesNotDone"
    assert order_table_counts(admin, orders.id) == before


def test_the_request_of_a_task_carries_the_idempotency_key_of_its_run(orders: OrderDriver) -> None:
    # given
    order, plan = orders.running_order()
    reserve = task_id(order.id, "fiber", "reserve-resource")
    orders.start(plan.id, reserve)
    # when: sent, a technical failure, sent again (the engine's retry)
    first = orders.send(plan.id, reserve)
    failure = orders.run(
        WORKER, lambda uow: record_technical_failure(uow, RecordTechnicalFailure(plan.id, reserve, "timeout", "5s"))
    )
    second = orders.send(plan.id, reserve)
    # then
    assert first.external_request is not None and second.external_request is not None
    assert first.external_request["idempotencyKey"] == second.external_request["idempotencyKey"] == f"{reserve}:run-1"
    assert (first.external_request["attempt"], second.external_request["attempt"]) == (1, 2)
    assert first.external_request["targetSystem"] == "inventory"
    assert failure.task.state == "inProgress" and failure.task.technical_failures == 1


def test_redelivered_commands_answer_from_the_stored_task_and_change_nothing(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    order, plan = orders.running_order()
    reserve = task_id(order.id, "fiber", "reserve-resource")
    started = orders.start(plan.id, reserve)
    again = orders.start(plan.id, reserve)
    orders.send(plan.id, reserve)
    completed = orders.complete(plan.id, reserve, "port-17")
    before = order_table_counts(admin, orders.id)
    # when
    completed_again = orders.complete(plan.id, reserve, "port-99")
    started_late = orders.start(plan.id, reserve)
    # then
    assert (started.answer, again.answer, completed.answer) == ("applied", "alreadyInProgress", "applied")
    assert (completed_again.answer, started_late.answer) == ("alreadyCompleted", "alreadyCompleted")
    assert completed_again.task.result is not None and completed_again.task.result["externalReference"] == "port-17"
    assert order_table_counts(admin, orders.id) == before


def test_an_order_whose_tasks_all_completed_closes_completed_with_the_products_it_created(
    orders: OrderDriver,
) -> None:
    # given
    order, plan = orders.running_order()
    finished = orders.run_ready_tasks(plan.id)
    # when
    closed = orders.run(WORKER, lambda uow: close_order(uow, CloseOrder(order.id)))
    # then
    assert finished.can_close and finished.point_of_no_return_passed
    assert closed.state == "completed" and closed.completion_date is not None
    assert [(i.state, i.product_id) for i in closed.items] == [("completed", f"{order.id}:fiber")]


def test_closing_is_refused_until_every_task_is_done_and_changes_nothing(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    order, plan = orders.running_order()
    orders.run_ready_tasks(plan.id, stop_before=task_id(order.id, "fiber", "activate-billing"))
    before = order_table_counts(admin, orders.id)
    # when / then
    with pytest.raises(Conflict) as raised:
        orders.run(WORKER, lambda uow: close_order(uow, CloseOrder(order.id)))
    assert raised.value.code == "planNotClosable"
    assert raised.value.details["unfinished"] == [task_id(order.id, "fiber", "activate-billing")]
    assert order_table_counts(admin, orders.id) == before
    assert orders.order(order.id).state == "inProgress"


def test_a_customer_may_neither_plan_nor_run_tasks(orders: OrderDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    order, plan = orders.running_order()
    other = orders.place()
    before = order_table_counts(admin, orders.id)
    # when / then
    with pytest.raises(Forbidden):
        orders.run(CUSTOMER, lambda uow: decompose_order(uow, DecomposeOrder(other.id)))
    with pytest.raises(Forbidden):
        orders.run(
            CUSTOMER, lambda uow: start_task(uow, StartTask(plan.id, task_id(order.id, "fiber", "reserve-resource")))
        )
    assert order_table_counts(admin, orders.id) == before


def test_a_task_the_plan_does_not_have_is_not_found(orders: OrderDriver) -> None:
    # given
    _, plan = orders.running_order()
    # when / then
    with pytest.raises(NotFound):
        orders.start(plan.id, "no-such-task")
    with pytest.raises(NotFound):
        orders.start("no-such-plan", "no-such-task")


def test_a_rejected_order_is_not_decomposed(orders: OrderDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    rejected = orders.place(fiber_order(OrderItemInput("gone", "delete", product_id="nothing")))
    before = order_table_counts(admin, orders.id)
    # when / then
    with pytest.raises(Conflict) as raised:
        orders.run(WORKER, lambda uow: decompose_order(uow, DecomposeOrder(rejected.id)))
    assert raised.value.code == "illegalTransition"
    assert order_table_counts(admin, orders.id) == before
