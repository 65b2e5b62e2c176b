"""Amendments of orders in flight (request with its workflow start request, assess, apply as a plan
revision) and supplemental orders for changes to completed orders."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from order_app_support import (
    AGENT,
    REPAIRER,
    WORKER,
    OrderDriver,
    order_table_counts,
    start_requests,
    task_id,
    tv,
)

from oms.application.commands.amendment import (
    ApplyAmendment,
    AssessAmendment,
    RequestAmendment,
    apply_amendment,
    assess_amendment,
    request_amendment,
)
from oms.application.commands.amendment_decision import DecideAmendment, decide_amendment
from oms.application.commands.fulfillment import DecomposeOrder, decompose_order
from oms.application.commands.order import CloseOrder, OrderItemInput, close_order
from oms.application.errors import Conflict
from oms.application.order_views import AmendmentView, OrderChangeView
from oms.application.workflow import ORDER_AMENDMENT_WORKFLOW, ORDER_FULFILLMENT_WORKFLOW


def _request(orders: OrderDriver, request: RequestAmendment) -> OrderChangeView:
    return orders.run(AGENT, lambda uow: request_amendment(uow, request))


def _assess(orders: OrderDriver, request_id: str) -> AmendmentView:
    return orders.run(WORKER, lambda uow: assess_amendment(uow, AssessAmendment(request_id)))


def _apply(orders: OrderDriver, request_id: str) -> AmendmentView:
    return orders.run(WORKER, lambda uow: apply_amendment(uow, ApplyAmendment(request_id)))


def test_requesting_an_amendment_marks_the_order_and_requests_the_amendment_workflow(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    order, _ = orders.running_order()
    # when
    change = _request(orders, RequestAmendment(order.id, add=(tv(),)))
    # then
    assert change.kind == "amendment" and change.amendment is not None
    assert (change.order.amendment_status, change.amendment.status) == ("assessing", "assessing")
    assert change.amendment.price is not None
    assert [
        (key, variables["amendmentRequestId"])
        for key, _, _, variables in start_requests(admin, orders.id, ORDER_AMENDMENT_WORKFLOW)
    ] == [(f"order:{orders.id}:{order.id}:amendment:{change.amendment.id}", change.amendment.id)]


def test_an_added_item_joins_the_order_and_its_tasks_join_the_plan(orders: OrderDriver) -> None:
    # given
    order, plan = orders.running_order()
    change = _request(orders, RequestAmendment(order.id, add=(tv(),)))
    assert change.amendment is not None
    # when
    assessed = _assess(orders, change.amendment.id)
    applied = _apply(orders, change.amendment.id)
    # then
    revised = orders.plan(plan.id)
    amended = orders.order(order.id)
    assert (assessed.status, applied.status) == ("accepted", "applied")
    assert revised.revision == 2
    assert {t.task_type for t in revised.tasks if t.item_id == "tv"} == {
        "provision-service",
        "reserve-resource",
        "ship-device",
        "activate-billing",
    }
    assert [(i.id, i.state) for i in amended.items] == [("fiber", "inProgress"), ("tv", "inProgress")]
    assert amended.amendment_status == "applied"


def test_a_changed_item_redoes_the_work_its_change_touches_and_undoes_what_was_done(orders: OrderDriver) -> None:
    # given: reserved and provisioned at 1000 Mbps
    order, plan = orders.running_order()
    orders.run_ready_tasks(plan.id, stop_before=task_id(order.id, "fiber", "activate-billing"))
    faster = OrderItemInput("fiber", "add", characteristics={"downloadSpeed": 500})
    change = _request(orders, RequestAmendment(order.id, modify=(faster,)))
    assert change.amendment is not None
    scope = f"amendment-{change.amendment.id}"
    # when: undoing the provisioning needs an operator's approval first
    assessed = _assess(orders, change.amendment.id)
    assert assessed.awaiting_approval
    decision = DecideAmendment(change.amendment.id, approved=True)
    orders.run(REPAIRER, lambda uow: decide_amendment(uow, decision))
    applied = _apply(orders, change.amendment.id)
    # then: the reservation (technology unchanged) is kept, the provisioning undone and redone
    revised = orders.plan(plan.id)
    states = {t.id: t.state for t in revised.tasks}
    assert applied.status == "applied"
    assert states[task_id(order.id, "fiber", "reserve-resource")] == "completed"
    assert states[task_id(order.id, "fiber", "deprovision-service") + f":{scope}-undo"] == "pending"
    assert states[task_id(order.id, "fiber", "provision-service") + f":{scope}"] == "pending"
    speed = next(c["value"] for c in orders.order(order.id).items[0].characteristics if c["name"] == "downloadSpeed")
    assert speed == 500


def test_a_change_past_the_point_of_no_return_is_refused_and_the_plan_stays(orders: OrderDriver) -> None:
    # given: billed at 1000 Mbps
    order, plan = orders.running_order()
    orders.run_ready_tasks(plan.id)
    change = _request(
        orders,
        RequestAmendment(order.id, modify=(OrderItemInput("fiber", "add", characteristics={"downloadSpeed": 300}),)),
    )
    assert change.amendment is not None
    # when
    assessed = _assess(orders, change.amendment.id)
    # then
    assert assessed.status == "refused"
    assert any("point of no return" in reason for reason in assessed.reasons)
    assert orders.plan(plan.id).revision == 1
    assert orders.order(order.id).amendment_status == "refused"


def test_one_amendment_at_a_time(orders: OrderDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    order, _ = orders.running_order()
    _request(orders, RequestAmendment(order.id, add=(tv(),)))
    before = order_table_counts(admin, orders.id)
    # when / then
    with pytest.raises(Conflict) as raised:
        _request(orders, RequestAmendment(order.id, remove=("fiber",)))
    assert raised.value.code == "amendmentInProgress"
    assert order_table_counts(admin, orders.id) == before


def test_a_change_to_a_completed_order_places_a_supplemental_order_linked_to_it(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    order, plan = orders.running_order()
    orders.run_ready_tasks(plan.id)
    orders.run(WORKER, lambda uow: close_order(uow, CloseOrder(order.id)))
    # when: a faster line for the delivered product, and a TV
    change = _request(
        orders,
        RequestAmendment(
            order.id, add=(tv(),), modify=(OrderItemInput("fiber", "modify", characteristics={"downloadSpeed": 500}),)
        ),
    )
    # then
    supplemental = change.order
    assert (change.kind, change.amendment) == ("supplementalOrder", None)
    assert supplemental.id != order.id and supplemental.supplements_order_id == order.id
    assert supplemental.state == "acknowledged", supplemental.rejection_reasons
    assert [(i.id, i.action, i.product_id) for i in supplemental.items] == [
        ("tv", "add", None),
        ("fiber", "modify", f"{order.id}:fiber"),
    ]
    assert orders.order(order.id).state == "completed"
    keys = [key for key, *_ in start_requests(admin, orders.id, ORDER_FULFILLMENT_WORKFLOW)]
    assert f"order:{orders.id}:{supplemental.id}:fulfillment" in keys


def test_a_supplemental_order_can_delete_a_delivered_product(orders: OrderDriver) -> None:
    # given
    order, plan = orders.running_order()
    orders.run_ready_tasks(plan.id)
    orders.run(WORKER, lambda uow: close_order(uow, CloseOrder(order.id)))
    # when
    change = _request(orders, RequestAmendment(order.id, remove=("fiber",)))
    # then
    assert change.order.state == "acknowledged"
    assert [(i.action, i.product_id) for i in change.order.items] == [("delete", f"{order.id}:fiber")]
    plan_of_supplement = orders.run(WORKER, lambda uow: decompose_order(uow, DecomposeOrder(change.order.id)))
    assert [t.task_type for t in plan_of_supplement.tasks] == [
        "deactivate-billing",
        "deprovision-service",
        "release-resource",
    ]
