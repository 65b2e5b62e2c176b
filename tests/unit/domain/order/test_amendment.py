"""Amending an order in flight, and supplemental orders for completed ones."""

from __future__ import annotations

import pytest
from domain_builders import item, operator, priced
from order_builders import (
    FIBER_ITEM,
    INSTALLED_FIBER,
    NOW,
    ORDER,
    RULES,
    TV_ITEM,
    customer,
    facts,
    order_in,
    place,
    plan_for,
    request,
    requests_of,
    run,
    service,
    started,
)

from oms.domain.catalog.demo import FIBER, ROUTER_BASIC, STATIC_IP, TV
from oms.domain.fulfillment import FulfillmentPlan, TaskId, TaskState, TaskType
from oms.domain.order import (
    AmendmentInProgress,
    AmendmentRequestId,
    AmendmentStatus,
    ItemAction,
    ItemState,
    OrderItemRequest,
    OrderNotSupplementable,
    OrderState,
    ProductOrder,
    ProductOrderAmendment,
    UseSupplementalOrder,
    supplemental_order,
)
from oms.domain.order.request import OrderItemRequest as Request
from oms.domain.pricing import PriceBreakdown
from oms.domain.shared import IllegalTransition
from oms.domain.shared.ids import OfferingId, OrderId, OrderItemId, QuoteItemId

A1 = AmendmentRequestId("a1")
RESERVE, PROVISION = TaskId("o1:i-fiber:reserve-resource"), TaskId("o1:i-fiber:provision-service")
BILL = TaskId("o1:i-fiber:activate-billing")
TV_RESERVE = TaskId("o1:i-tv:reserve-resource")


def _fiber(speed: int) -> tuple[OrderItemRequest, PriceBreakdown]:
    configured = priced([item("i-fiber", FIBER, {"downloadSpeed": speed}), item("i-tv", TV)])
    return requests_of(configured.items)[0], configured.breakdown


def _static_ip() -> tuple[OrderItemRequest, PriceBreakdown]:
    configured = priced([item("i-fiber", FIBER), item("i-ip", STATIC_IP, {"addressCount": 2})])
    return requests_of(configured.items)[1], configured.breakdown


def _amend(
    order: ProductOrder,
    *,
    add: tuple[Request, ...] = (),
    modify: tuple[Request, ...] = (),
    remove: tuple[OrderItemId, ...] = (),
    price: PriceBreakdown | None = None,
) -> ProductOrderAmendment:
    return ProductOrderAmendment.request(
        customer(), order, request_id=A1, now=NOW, add=add, modify=modify, remove=remove, price=price
    )


def _assess_and_apply(amendment: ProductOrderAmendment, order: ProductOrder, plan: FulfillmentPlan) -> None:
    assert amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW).accepted, amendment.reasons
    if amendment.awaiting_approval:  # it undoes work already done: an operator approves first
        amendment.decide(operator(), order, approved=True, comment="", now=NOW)
    assert amendment.apply(service(), order, plan, facts=facts(), rules=RULES, now=NOW).accepted, amendment.reasons


def test_requesting_marks_the_order_as_being_amended() -> None:
    # given
    order, _ = started()
    # when
    _amend(order, remove=(TV_ITEM,))
    # then
    assert order.amendment_status is AmendmentStatus.ASSESSING and order.amendment_request_id == A1
    assert order.state is OrderState.IN_PROGRESS  # an extension attribute, not a state


def test_an_added_item_joins_the_order_and_its_tasks_join_the_plan() -> None:
    # given
    order, plan = started()
    new_item, price = _static_ip()
    amendment = _amend(order, add=(new_item,), price=price)
    # when
    _assess_and_apply(amendment, order, plan)
    # then
    assert order.item(OrderItemId("i-ip")).state is ItemState.IN_PROGRESS
    assert plan.task(TaskId("o1:i-ip:provision-service")).depends_on == (
        TaskId("o1:i-ip:reserve-resource"),
        PROVISION,
    )
    assert order.amendment_status is AmendmentStatus.APPLIED and amendment.status is AmendmentStatus.APPLIED


def test_a_speed_change_after_the_reservation_keeps_it_and_redoes_provisioning() -> None:
    # given
    order, plan = started()
    run(plan, RESERVE)
    faster, price = _fiber(1000)
    # when
    _assess_and_apply(_amend(order, modify=(faster,), price=price), order, plan)
    # then
    assert plan.task(RESERVE).state is TaskState.COMPLETED
    assert plan.task(PROVISION).superseded_by == "amendment-a1"
    redo = plan.task(TaskId("o1:i-fiber:provision-service:amendment-a1"))
    assert dict(redo.parameters)["downloadSpeed"] == "1000"
    assert order.item(FIBER_ITEM).characteristics["downloadSpeed"] == 1000


def test_a_removed_item_is_undone_and_ends_cancelled_when_the_order_closes() -> None:
    # given
    order, plan = started()
    run(plan, TV_RESERVE)
    # when
    _assess_and_apply(_amend(order, remove=(TV_ITEM,)), order, plan)
    # then
    assert order.item(TV_ITEM).state is ItemState.PENDING_CANCELLATION
    release = plan.task(TaskId("o1:i-tv:release-resource:amendment-a1-undo"))
    assert release.compensates == TV_RESERVE and release.task_type is TaskType.RELEASE_RESOURCE
    run(plan)
    assert order.close(service(), plan=plan, now=NOW) is OrderState.COMPLETED
    assert [i.state for i in order.items] == [ItemState.COMPLETED, ItemState.CANCELLED]


def test_a_change_past_the_point_of_no_return_is_refused_and_nothing_changes() -> None:
    # given: the fiber is billed
    order, plan = started()
    run(plan, RESERVE, PROVISION, BILL)
    faster, price = _fiber(1000)
    amendment = _amend(order, modify=(faster,), price=price)
    tasks = plan.tasks
    # when
    assessment = amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    # then
    assert not assessment.accepted and "point of no return passed" in assessment.reasons[0]
    assert amendment.status is AmendmentStatus.REFUSED and order.amendment_status is AmendmentStatus.REFUSED
    assert plan.tasks == tasks and order.item(FIBER_ITEM).characteristics["downloadSpeed"] == 500


def test_applying_checks_again_on_the_plan_as_it_is_now() -> None:
    # given: accepted, then billing completed before the apply job ran
    order, plan = started()
    faster, price = _fiber(1000)
    amendment = _amend(order, modify=(faster,), price=price)
    assert amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW).accepted
    run(plan, RESERVE, PROVISION, BILL)
    # when
    assessment = amendment.apply(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    # then
    assert not assessment.accepted
    assert amendment.status is AmendmentStatus.REFUSED and order.amendment_status is AmendmentStatus.REFUSED


def test_changes_that_make_no_sense_are_refused_with_reasons() -> None:
    # given
    order, plan = started()
    bogus = OrderItemRequest(OrderItemId("x"), ItemAction.ADD, OfferingId("po-unknown"))
    amendment = _amend(order, add=(bogus,), remove=(OrderItemId("nope"),))
    # when
    assessment = amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    # then
    assert assessment.reasons == ("item 'nope' is not on the order",)


def test_an_inconsistent_added_item_is_refused() -> None:
    # given
    order, plan = started()
    amendment = _amend(order, add=(OrderItemRequest(OrderItemId("x"), ItemAction.ADD, OfferingId("po-unknown")),))
    # when
    assessment = amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    # then
    assert not assessment.accepted and any("unknown" in reason for reason in assessment.reasons)


def test_one_amendment_at_a_time() -> None:
    # given
    order, _ = started()
    _amend(order, remove=(TV_ITEM,))
    # when / then
    with pytest.raises(AmendmentInProgress):
        ProductOrderAmendment.request(
            customer(), order, request_id=AmendmentRequestId("a2"), now=NOW, remove=(TV_ITEM,)
        )


def test_a_completed_order_is_not_amended_but_supplemented() -> None:
    # given
    order, _ = order_in(OrderState.COMPLETED)
    # when / then
    with pytest.raises(UseSupplementalOrder):
        _amend(order, remove=(TV_ITEM,))


@pytest.mark.parametrize("state", [OrderState.ACKNOWLEDGED, OrderState.CANCELLED, OrderState.REJECTED])
def test_orders_not_running_cannot_be_amended(state: OrderState) -> None:
    # given
    order, _ = order_in(state)
    # when / then
    with pytest.raises(IllegalTransition):
        _amend(order, remove=(TV_ITEM,))


def test_an_amendment_is_assessed_once_and_applied_once() -> None:
    # given
    order, plan = started()
    amendment = _amend(order, remove=(TV_ITEM,))
    _assess_and_apply(amendment, order, plan)
    # when / then
    with pytest.raises(IllegalTransition):
        amendment.assess(service(), order, plan, facts=facts(), rules=RULES, now=NOW)
    with pytest.raises(IllegalTransition):
        amendment.apply(service(), order, plan, facts=facts(), rules=RULES, now=NOW)


def test_a_supplemental_order_changes_what_a_completed_order_delivered() -> None:
    # given
    original, _ = order_in(OrderState.COMPLETED)
    product = original.item(FIBER_ITEM).product_id
    assert product is not None
    faster, price = _fiber(1000)
    change = OrderItemRequest(
        OrderItemId("s1"),
        ItemAction.MODIFY,
        characteristics=faster.characteristics,
        product_id=product,
        quote_item_id=QuoteItemId(faster.item_id),  # priced under the fiber's id
    )
    # when
    supplement = supplemental_order(
        customer(),
        original,
        order_id=OrderId("o2"),
        items=[change],
        facts=facts(),
        rules=RULES,
        now=NOW,
        price=price,
    )
    # then
    assert supplement.state is OrderState.ACKNOWLEDGED, supplement.rejection_reasons
    assert supplement.supplements_order_id == ORDER and supplement.items[0].offering_id == FIBER
    assert original.state is OrderState.COMPLETED  # the original is left as it is


def test_only_a_completed_or_partial_order_can_be_supplemented() -> None:
    # given
    original, _ = started()
    # when / then
    with pytest.raises(OrderNotSupplementable):
        supplemental_order(customer(), original, order_id=OrderId("o2"), items=[], facts=facts(), rules=RULES, now=NOW)


def test_an_order_with_nothing_to_fulfil_can_still_gain_an_item() -> None:
    # given: the only item keeps the installed fiber as it is, so the plan has no task
    keep = OrderItemRequest(OrderItemId("k"), ItemAction.NO_CHANGE, product_id=INSTALLED_FIBER.product_id)
    order = place(request([keep]))
    plan = plan_for(order)
    order.start_treatment(service(), now=NOW)
    router = priced([item("r", ROUTER_BASIC, {"acquisition": "rent"})])
    amendment = _amend(order, add=requests_of(router.items), price=router.breakdown)
    # when
    _assess_and_apply(amendment, order, plan)
    # then
    assert [t.id for t in plan.tasks] == ["o1:r:reserve-resource", "o1:r:ship-device", "o1:r:activate-billing"]
