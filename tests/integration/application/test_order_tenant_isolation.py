"""Tenant B can neither see nor change anything of tenant A's orders: every command and query
answers ``NotFound`` (never ``Forbidden``, so ids cannot be probed) and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from order_app_support import AGENT, REPAIRER, WORKER, OrderDriver, order_table_counts, task_id, tv

from oms.application.commands.amendment import (
    ApplyAmendment,
    AssessAmendment,
    RequestAmendment,
    apply_amendment,
    assess_amendment,
    request_amendment,
)
from oms.application.commands.cancellation import (
    AssessCancellation,
    FinishCancellation,
    RequestCancellation,
    assess_cancellation,
    finish_cancellation,
    request_cancellation,
)
from oms.application.commands.fallout import (
    AssignFalloutCase,
    CancelOrderFromFallout,
    RetryFalloutTask,
    SkipFalloutTask,
    assign_fallout_case,
    cancel_order_from_fallout,
    retry_fallout_task,
    skip_fallout_task,
)
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
from oms.application.errors import NotFound
from oms.application.queries.orders import (
    get_amendment,
    get_cancellation,
    get_fallout_case,
    get_order,
    get_order_plan,
    get_plan,
    list_cancellations,
    list_fallout_cases,
    list_orders,
)
from oms.application.unit_of_work import UnitOfWork
from oms.domain.shared.actors import Actor


def test_another_tenant_finds_none_of_the_orders_aggregates_and_changes_nothing(
    orders: OrderDriver, other_orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given: tenant A with an order in fallout, a cancel request and an amendment on other orders
    order, plan = orders.running_order()
    reserve = task_id(order.id, "fiber", "reserve-resource")
    orders.start(plan.id, reserve)
    case_id = orders.run(WORKER, lambda uow: fail_task(uow, FailTask(plan.id, reserve, "x", "no port"))).fallout_case_id
    assert case_id is not None
    cancelled, _ = orders.running_order()
    request = orders.run(AGENT, lambda uow: request_cancellation(uow, RequestCancellation(cancelled.id)))
    amended, _ = orders.running_order()
    amendment = orders.run(AGENT, lambda uow: request_amendment(uow, RequestAmendment(amended.id, add=(tv(),))))
    assert amendment.amendment is not None
    amendment_id = amendment.amendment.id
    before, before_other = order_table_counts(admin, orders.id), order_table_counts(admin, other_orders.id)
    attempts: list[tuple[Actor, Callable[[UnitOfWork], object]]] = [
        (WORKER, lambda uow: start_order_treatment(uow, StartOrderTreatment(order.id))),
        (WORKER, lambda uow: decompose_order(uow, DecomposeOrder(order.id))),
        (WORKER, lambda uow: start_task(uow, StartTask(plan.id, reserve))),
        (WORKER, lambda uow: complete_task(uow, CompleteTask(plan.id, reserve))),
        (WORKER, lambda uow: fail_task(uow, FailTask(plan.id, reserve, "x", "y"))),
        (WORKER, lambda uow: close_order(uow, CloseOrder(order.id))),
        (REPAIRER, lambda uow: assign_fallout_case(uow, AssignFalloutCase(case_id))),
        (REPAIRER, lambda uow: retry_fallout_task(uow, RetryFalloutTask(case_id))),
        (REPAIRER, lambda uow: skip_fallout_task(uow, SkipFalloutTask(case_id, "x"))),
        (REPAIRER, lambda uow: cancel_order_from_fallout(uow, CancelOrderFromFallout(case_id, "x"))),
        (AGENT, lambda uow: request_cancellation(uow, RequestCancellation(order.id))),
        (WORKER, lambda uow: assess_cancellation(uow, AssessCancellation(request.id))),
        (WORKER, lambda uow: finish_cancellation(uow, FinishCancellation(request.id))),
        (AGENT, lambda uow: request_amendment(uow, RequestAmendment(order.id, add=(tv(),)))),
        (WORKER, lambda uow: assess_amendment(uow, AssessAmendment(amendment_id))),
        (WORKER, lambda uow: apply_amendment(uow, ApplyAmendment(amendment_id))),
        (AGENT, lambda uow: get_order(uow, order.id)),
        (AGENT, lambda uow: get_plan(uow, plan.id)),
        (AGENT, lambda uow: get_order_plan(uow, order.id)),
        (AGENT, lambda uow: get_fallout_case(uow, case_id)),
        (AGENT, lambda uow: get_cancellation(uow, request.id)),
        (AGENT, lambda uow: get_amendment(uow, amendment_id)),
    ]
    # when / then
    for actor, attempt in attempts:
        with pytest.raises(NotFound):
            other_orders.run(actor, attempt)
    assert other_orders.query(lambda uow: list_orders(uow)).total == 0
    assert other_orders.query(lambda uow: list_cancellations(uow)).total == 0
    assert other_orders.query(lambda uow: list_fallout_cases(uow)).total == 0
    assert order_table_counts(admin, orders.id) == before
    assert order_table_counts(admin, other_orders.id) == before_other
