"""The order-amendment process with its assess and apply workers and the operator's decision: accepted
and applied (the plan revised), approval required then approved or declined, refused at assessment,
and refused at apply when the plan moved past it in between."""

from __future__ import annotations

from approval_workers_support import AGENT, OPERATOR, Flow, fiber_and_tv_order, task_id

from oms.application.commands.amendment import RequestAmendment, request_amendment
from oms.application.commands.amendment_decision import DecideAmendment, decide_amendment
from oms.application.commands.order import place_order
from oms.application.order_views import AmendmentView, OrderView
from oms.application.queries.orders import get_amendment, get_plan
from oms.application.workflow import order_amendment_business_key
from oms.workflow import job_types


def running_order(flow: Flow, *, reserved: bool) -> OrderView:
    """Decomposed and started; with ``reserved``, the resources are reserved and fulfillment waits
    for provisioning, else it waits at the reservation job (not served)."""
    flow.stub_fulfillment_until_provisioning()
    if not reserved:
        flow.paused.add(job_types.ORDER_FULFILLMENT_RESERVE_RESOURCE)
    order = flow.run(AGENT, lambda uow: place_order(uow, fiber_and_tv_order()))
    flow.run_until_idle()
    return order


def remove_tv(flow: Flow, order_id: str) -> tuple[str, int]:
    change = flow.run(AGENT, lambda uow: request_amendment(uow, RequestAmendment(order_id, remove=("tv",))))
    assert change.amendment is not None
    flow.run_until_idle()
    request_id = change.amendment.id
    return request_id, flow.instance_key(order_amendment_business_key(flow.tenant, order_id, request_id))


def amendment(flow: Flow, request_id: str) -> AmendmentView:
    return flow.query(lambda uow: get_amendment(uow, request_id))


def task_states(flow: Flow, order_id: str) -> dict[str, str]:
    return {t.id: t.state for t in flow.query(lambda uow: get_plan(uow, f"{order_id}:fulfillment")).tasks}


def decide(flow: Flow, request_id: str, *, approved: bool) -> None:
    decision = DecideAmendment(request_id, approved=approved, comment="checked with the customer")
    flow.run(OPERATOR, lambda uow: decide_amendment(uow, decision))
    flow.run_until_idle()


def test_an_amendment_of_work_not_yet_done_is_accepted_and_applied(flow: Flow) -> None:
    # given
    order = running_order(flow, reserved=False)
    # when
    request_id, instance = remove_tv(flow, order.id)
    # then
    (
        flow.harness.assert_that(instance)
        .is_completed()
        .has_completed_elements("assess_amendment", "apply_amendment", "amendment_applied")
        .has_not_activated_elements("await_amendment_decision")
        .has_variable("amendmentDecision", "accepted")
        .has_variable("amendmentApplied", True)
        .has_no_incidents()
    )
    assert amendment(flow, request_id).status == "applied"
    assert task_states(flow, order.id)[task_id(order.id, "tv", "reserve-resource")] == "skipped"


def test_undoing_done_work_waits_for_the_operator_and_is_applied_once_approved(flow: Flow) -> None:
    # given: the TV's resource is reserved
    order = running_order(flow, reserved=True)
    request_id, instance = remove_tv(flow, order.id)
    flow.harness.assert_that(instance).is_active().is_waiting_at_elements("await_amendment_decision").has_variable(
        "amendmentDecision", "approvalRequired"
    )
    assert amendment(flow, request_id).awaiting_approval
    # when
    decide(flow, request_id, approved=True)
    # then
    (
        flow.harness.assert_that(instance)
        .is_completed()
        .has_completed_elements("await_amendment_decision", "apply_amendment", "amendment_applied")
        .has_variable("amendmentApproved", True)
        .has_variable("amendmentApplied", True)
        .has_no_incidents()
    )
    assert amendment(flow, request_id).status == "applied"
    assert [(m[0], m[1], m[2]) for m in flow.messages("order.amendment.decided")] == [
        (request_id, f"{request_id}:decided", {"amendmentApproved": True})
    ]
    release = task_id(order.id, "tv", "release-resource") + f":amendment-{request_id}-undo"
    assert task_states(flow, order.id)[release] == "pending"


def test_a_declined_amendment_ends_the_process_and_is_refused(flow: Flow) -> None:
    # given
    order = running_order(flow, reserved=True)
    request_id, instance = remove_tv(flow, order.id)
    # when
    decide(flow, request_id, approved=False)
    # then
    (
        flow.harness.assert_that(instance)
        .is_completed()
        .has_completed_elements("amendment_declined")
        .has_not_activated_elements("apply_amendment")
        .has_variable("amendmentApproved", False)
    )
    declined = amendment(flow, request_id)
    assert declined.status == "refused" and declined.reasons == ("declined by operator-1: checked with the customer",)
    assert task_states(flow, order.id)[task_id(order.id, "tv", "reserve-resource")] == "completed"


def test_an_amendment_past_the_point_of_no_return_is_refused_at_assessment(flow: Flow) -> None:
    # given: everything done up to billing
    order = running_order(flow, reserved=True)
    flow.run_ready_tasks(f"{order.id}:fulfillment")
    # when
    request_id, instance = remove_tv(flow, order.id)
    # then
    (
        flow.harness.assert_that(instance)
        .is_completed()
        .has_completed_elements("amendment_refused")
        .has_variable("amendmentDecision", "refused")
        .has_no_incidents()
    )
    assert "point of no return passed" in amendment(flow, request_id).reasons[0]


def test_an_amendment_the_plan_moved_past_before_apply_is_refused_at_apply(flow: Flow) -> None:
    # given: accepted, but the apply job waits while the TV's work runs through billing
    order = running_order(flow, reserved=False)
    flow.paused.add(job_types.ORDER_AMENDMENT_APPLY)
    request_id, instance = remove_tv(flow, order.id)
    flow.harness.assert_that(instance).is_waiting_at_elements("apply_amendment")
    flow.run_ready_tasks(f"{order.id}:fulfillment")
    # when
    flow.paused.discard(job_types.ORDER_AMENDMENT_APPLY)
    flow.run_until_idle()
    # then
    (
        flow.harness.assert_that(instance)
        .is_completed()
        .has_completed_elements("apply_amendment", "amendment_refused_at_apply")
        .has_variable("amendmentApplied", False)
        .has_no_incidents()
    )
    assert amendment(flow, request_id).status == "refused"
