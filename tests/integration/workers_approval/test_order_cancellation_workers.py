"""The order-cancellation process with its assess and close workers: before the point of no return the
accepted cancellation stops the waiting order-fulfillment instance (``order.cancellation.accepted``,
published by the assessing transaction) and compensation follows; after it, the request is refused
and fulfillment goes on."""

from __future__ import annotations

from approval_workers_support import AGENT, Flow, fiber_and_tv_order, task_id

from oms.application.commands.cancellation import RequestCancellation, request_cancellation
from oms.application.commands.order import place_order
from oms.application.order_views import OrderView
from oms.application.queries.orders import get_cancellation, get_order, get_plan
from oms.application.workflow import order_cancellation_business_key, order_fulfillment_business_key
from oms.workflow import job_types


def running_order(flow: Flow) -> tuple[OrderView, int]:
    order = flow.run(AGENT, lambda uow: place_order(uow, fiber_and_tv_order()))
    flow.run_until_idle()
    return order, flow.instance_key(order_fulfillment_business_key(flow.tenant, order.id))


def cancel(flow: Flow, order_id: str) -> tuple[str, int]:
    request = flow.run(AGENT, lambda uow: request_cancellation(uow, RequestCancellation(order_id, reason="moved")))
    flow.run_until_idle()
    return request.id, flow.instance_key(order_cancellation_business_key(flow.tenant, order_id, request.id))


def order_state(flow: Flow, order_id: str) -> str:
    return flow.query(lambda uow: get_order(uow, order_id)).state


def test_a_cancellation_before_the_point_of_no_return_stops_fulfillment_and_compensates(flow: Flow) -> None:
    # given: resources reserved, fulfillment waiting for the provisioning answer
    flow.stub_fulfillment_until_provisioning()
    flow.stub_compensation()
    order, fulfillment = running_order(flow)
    flow.harness.assert_that(fulfillment).is_active().is_waiting_at_elements("await_provisioning")
    # when
    request_id, cancellation = cancel(flow, order.id)
    # then: fulfillment stopped by the message, the reservations released, the order cancelled
    (
        flow.harness.assert_that(fulfillment)
        .is_completed()
        .has_terminated_elements("await_provisioning")
        .has_completed_elements("cancellation_accepted", "fulfillment_stopped")
        .has_no_incidents()
    )
    (
        flow.harness.assert_that(cancellation)
        .is_completed()
        .has_completed_elements("assess_cancellation", "compensate", "close_cancellation", "order_cancelled")
        .has_variable("cancellationDecision", "compensate")
        .has_no_incidents()
    )
    assert [(m[0], m[1], m[3]) for m in flow.messages("order.cancellation.accepted")] == [
        (order.id, f"{order.id}:cancellation:{request_id}", "published")
    ]
    assert flow.query(lambda uow: get_cancellation(uow, request_id)).state == "done"
    assert order_state(flow, order.id) == "cancelled"


def test_a_cancellation_before_any_work_is_done_cancels_at_once(flow: Flow) -> None:
    # given: decomposed and started, the reservation job not served yet
    flow.stub_fulfillment_until_provisioning()
    flow.paused.add(job_types.ORDER_FULFILLMENT_RESERVE_RESOURCE)
    order, fulfillment = running_order(flow)
    flow.harness.assert_that(fulfillment).is_waiting_at_elements("reserve_resource")
    # when
    _, cancellation = cancel(flow, order.id)
    # then
    (
        flow.harness.assert_that(cancellation)
        .is_completed()
        .has_completed_elements("cancelled_without_compensation")
        .has_variable("cancellationDecision", "nothingToUndo")
    )
    flow.harness.assert_that(fulfillment).is_completed().has_completed_elements("fulfillment_stopped")
    assert order_state(flow, order.id) == "cancelled"


def test_a_cancellation_after_the_point_of_no_return_is_refused_and_fulfillment_goes_on(flow: Flow) -> None:
    # given: everything ran up to billing while fulfillment waits for provisioning
    flow.stub_fulfillment_until_provisioning()
    order, fulfillment = running_order(flow)
    flow.run_ready_tasks(f"{order.id}:fulfillment")
    # when
    request_id, cancellation = cancel(flow, order.id)
    # then
    (
        flow.harness.assert_that(cancellation)
        .is_completed()
        .has_completed_elements("cancellation_refused")
        .has_variable("cancellationDecision", "refused")
        .has_no_incidents()
    )
    assert flow.query(lambda uow: get_cancellation(uow, request_id)).state == "terminatedWithError"
    assert flow.messages("order.cancellation.accepted") == []
    flow.harness.assert_that(fulfillment).is_active().is_waiting_at_elements("await_provisioning")
    assert order_state(flow, order.id) == "inProgress"
    plan = flow.query(lambda uow: get_plan(uow, f"{order.id}:fulfillment"))
    assert {t.id: t.state for t in plan.tasks}[task_id(order.id, "fiber", "activate-billing")] == "completed"
