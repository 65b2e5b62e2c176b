"""Treatment of an order: fallout holds, failing items, closing, realized products."""

from __future__ import annotations

import pytest
from order_builders import CASE, FIBER_ITEM, NOW, TV_ITEM, customer, operator, order_in, run, service, started

from oms.domain.fallout import FalloutCaseId
from oms.domain.fulfillment import FulfillmentPlan, PlanId, PlanNotClosable, PlanPurpose, TaskState
from oms.domain.order import (
    CompensationRequired,
    FalloutStatus,
    ItemState,
    OrderState,
    ProductOrderStateChanged,
    TasksInFlight,
    WrongOrder,
    realized_product_id,
)
from oms.domain.shared import NotAuthorized

OTHER_CASE = FalloutCaseId("fc-2")


def test_starting_treatment_moves_the_items_along() -> None:
    # when
    order, _ = started()
    # then
    assert [i.state for i in order.items] == [ItemState.IN_PROGRESS, ItemState.IN_PROGRESS]
    event = order.pull_events()[-1]
    assert isinstance(event, ProductOrderStateChanged)
    assert (event.previous_state, event.state) == ("acknowledged", "inProgress")


def test_a_fallout_holds_the_order_and_the_item_whose_task_fell_out() -> None:
    # given
    order, _ = started()
    # when
    order.record_fallout(service(), case_id=CASE, item_id=FIBER_ITEM, now=NOW)
    # then
    assert order.state is OrderState.HELD and order.fallout_status is FalloutStatus.IN_FALLOUT
    assert [(i.item_id, i.state) for i in order.items] == [
        (FIBER_ITEM, ItemState.HELD),
        (TV_ITEM, ItemState.IN_PROGRESS),
    ]


def test_the_order_runs_again_only_when_its_last_case_is_cleared() -> None:
    # given
    order, _ = started()
    order.record_fallout(service(), case_id=CASE, item_id=FIBER_ITEM, now=NOW)
    order.record_fallout(service(), case_id=OTHER_CASE, item_id=TV_ITEM, now=NOW)
    # when
    order.clear_fallout(service(), case_id=CASE, now=NOW)
    # then
    assert (order.state, [i.state for i in order.items]) == (OrderState.HELD, [ItemState.IN_PROGRESS, ItemState.HELD])
    order.clear_fallout(service(), case_id=OTHER_CASE, now=NOW)
    assert (order.state, order.fallout_status) == (OrderState.IN_PROGRESS, FalloutStatus.NONE)


def test_recording_the_same_case_twice_changes_nothing() -> None:
    # given
    order, _ = started()
    order.record_fallout(service(), case_id=CASE, item_id=FIBER_ITEM, now=NOW)
    version = order.version
    # when
    order.record_fallout(service(), case_id=CASE, item_id=FIBER_ITEM, now=NOW)
    # then
    assert order.version == version and len(order.fallout_holds) == 1


def test_a_fallout_while_pending_holds_the_order_once_information_arrives() -> None:
    # given
    order, _ = order_in(OrderState.PENDING)
    order.record_fallout(service(), case_id=CASE, item_id=FIBER_ITEM, now=NOW)
    recorded_in = order.state
    # when
    order.record_information_received(customer(), now=NOW)
    # then: recorded only while pending, then pending -> inProgress -> held, both edges of the picture
    assert (recorded_in, order.state) == (OrderState.PENDING, OrderState.HELD)


def test_closing_needs_every_task_completed_or_skipped() -> None:
    # given
    order, plan = started()
    # when / then
    with pytest.raises(PlanNotClosable):
        order.close(service(), plan=plan, now=NOW)
    assert order.state is OrderState.IN_PROGRESS


def test_closing_completes_the_items_and_records_the_products_they_created() -> None:
    # given
    order, plan = started()
    run(plan)
    # when
    outcome = order.close(service(), plan=plan, now=NOW)
    # then
    assert outcome is OrderState.COMPLETED and order.completion_date == NOW
    assert [(i.state, i.product_id) for i in order.items] == [
        (ItemState.COMPLETED, realized_product_id(order.id, FIBER_ITEM)),
        (ItemState.COMPLETED, realized_product_id(order.id, TV_ITEM)),
    ]


def test_failing_an_item_skips_its_open_tasks_and_the_order_closes_partial() -> None:
    # given
    order, plan = started()
    # when
    skipped = order.fail_item(operator(), item_id=TV_ITEM, reason="no set-top box in stock", plan=plan, now=NOW)
    run(plan)
    outcome = order.close(service(), plan=plan, now=NOW)
    # then
    assert all(plan.task(t).state is TaskState.SKIPPED for t in skipped) and len(skipped) == 4
    assert outcome is OrderState.PARTIAL
    assert [i.state for i in order.items] == [ItemState.COMPLETED, ItemState.FAILED]


def test_an_item_with_a_task_running_cannot_fail() -> None:
    # given
    order, plan = started()
    plan.start_task(service(), plan.ready_tasks()[0].id, now=NOW)
    # when / then
    with pytest.raises(TasksInFlight):
        order.fail_item(operator(), item_id=FIBER_ITEM, reason="r", plan=plan, now=NOW)


def test_an_order_cannot_be_cancelled_as_unsolvable_once_work_must_be_undone() -> None:
    # given
    order, plan = started()
    run(plan, plan.ready_tasks()[0].id)
    order.record_fallout(service(), case_id=CASE, item_id=FIBER_ITEM, now=NOW)
    # when / then
    with pytest.raises(CompensationRequired):
        order.cancel_unsolvable(operator(), reason="no coverage", plan=plan, now=NOW)


def test_cancelling_as_unsolvable_cancels_every_item_and_drops_the_holds() -> None:
    # given
    order, plan = order_in(OrderState.HELD)
    # when
    order.cancel_unsolvable(operator(), reason="no coverage", plan=plan, now=NOW)
    # then
    assert order.state is OrderState.CANCELLED and order.cancellation_reason == "no coverage"
    assert {i.state for i in order.items} == {ItemState.CANCELLED}
    assert order.fallout_holds == ()


def test_a_plan_of_another_order_or_purpose_is_refused() -> None:
    # given
    order, _ = started()
    compensation = FulfillmentPlan(
        id=PlanId("o1:cancellation:c1"), order_id=order.id, purpose=PlanPurpose.COMPENSATION, tasks=(), created_at=NOW
    )
    # when / then
    with pytest.raises(WrongOrder):
        order.close(service(), plan=compensation, now=NOW)


def test_customers_do_not_progress_orders() -> None:
    # given
    order, _ = order_in(OrderState.ACKNOWLEDGED)
    # when / then
    with pytest.raises(NotAuthorized):
        order.start_treatment(customer(), now=NOW)
