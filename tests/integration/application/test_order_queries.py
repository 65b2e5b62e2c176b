"""Order queries: one order, filtered pages with the total count, cancel requests, plans and
fallout cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from order_app_support import CUSTOMER, WORKER, OrderDriver, fiber_order, task_id

from oms.application.commands.cancellation import RequestCancellation, request_cancellation
from oms.application.commands.fulfillment import FailTask, fail_task
from oms.application.errors import NotFound, ValidationFailed
from oms.application.queries.criteria import PageRequest
from oms.application.queries.order_criteria import CancellationFilter, FalloutFilter, OrderFilter
from oms.application.queries.orders import (
    get_order,
    get_order_plan,
    list_cancellations,
    list_fallout_cases,
    list_orders,
)
from oms.domain.fallout.lifecycle import FalloutStatus
from oms.domain.order.cancellation import CancellationState
from oms.domain.order.lifecycle import OrderState


def test_orders_are_listed_newest_first_with_filters_paging_and_the_total(orders: OrderDriver) -> None:
    # given: three orders a day apart, the last one running
    first = orders.place(fiber_order(external_id="a"))
    orders.tenant.clock.advance(timedelta(days=1))
    second = orders.place(fiber_order(external_id="b"))
    orders.tenant.clock.advance(timedelta(days=1))
    third, _ = orders.running_order()
    # when
    everything = orders.query(lambda uow: list_orders(uow))
    page = orders.query(lambda uow: list_orders(uow, OrderFilter(), PageRequest(offset=1, limit=1)))
    acknowledged = orders.query(lambda uow: list_orders(uow, OrderFilter(states=frozenset({OrderState.ACKNOWLEDGED}))))
    by_date = orders.query(
        lambda uow: list_orders(uow, OrderFilter(order_date_from=second.order_date, order_date_to=third.order_date))
    )
    by_ids = orders.query(lambda uow: list_orders(uow, OrderFilter(ids=frozenset({first.id, third.id}))))
    by_external_id = orders.query(lambda uow: list_orders(uow, OrderFilter(external_id="a")))
    # then
    assert [o.id for o in everything.items] == [third.id, second.id, first.id] and everything.total == 3
    assert ([o.id for o in page.items], page.total) == ([second.id], 3)
    assert {o.id for o in acknowledged.items} == {first.id, second.id} and acknowledged.total == 2
    assert [o.id for o in by_date.items] == [second.id]
    assert [o.id for o in by_ids.items] == [third.id, first.id]
    assert [o.id for o in by_external_id.items] == [first.id]
    assert everything.items[0].item_count == 1 and everything.items[0].state == "inProgress"
    assert everything.items[0].recurring_monthly_total == third.recurring_monthly_total


def test_a_filter_refuses_an_empty_date_range_a_naive_date_and_too_many_ids() -> None:
    # given
    day = datetime(2025, 6, 1, tzinfo=UTC)
    # when / then
    with pytest.raises(ValidationFailed):
        OrderFilter(order_date_from=day, order_date_to=day)
    with pytest.raises(ValidationFailed):
        OrderFilter(order_date_from=day.replace(tzinfo=None))
    with pytest.raises(ValidationFailed):
        OrderFilter(ids=frozenset(str(i) for i in range(201)))


def test_cancel_requests_and_fallout_cases_are_listed_by_order_and_state(orders: OrderDriver) -> None:
    # given
    order, plan = orders.running_order()
    reserve = task_id(order.id, "fiber", "reserve-resource")
    orders.start(plan.id, reserve)
    failed = orders.run(WORKER, lambda uow: fail_task(uow, FailTask(plan.id, reserve, "x", "no port")))
    request = orders.run(CUSTOMER, lambda uow: request_cancellation(uow, RequestCancellation(order.id)))
    # when
    cancellations = orders.query(
        lambda uow: list_cancellations(uow, CancellationFilter(order.id, frozenset({CancellationState.ACKNOWLEDGED})))
    )
    cases = orders.query(
        lambda uow: list_fallout_cases(uow, FalloutFilter(order_id=order.id, statuses=frozenset({FalloutStatus.OPEN})))
    )
    no_cases = orders.query(
        lambda uow: list_fallout_cases(uow, FalloutFilter(statuses=frozenset({FalloutStatus.RESOLVED})))
    )
    # then
    assert [c.id for c in cancellations.items] == [request.id] and cancellations.total == 1
    assert [c.id for c in cases.items] == [failed.fallout_case_id] and cases.total == 1
    assert no_cases.total == 0


def test_an_unknown_order_or_plan_is_not_found(orders: OrderDriver) -> None:
    # given
    order = orders.place()
    # when / then
    with pytest.raises(NotFound):
        orders.query(lambda uow: get_order(uow, "no-such-order"))
    with pytest.raises(NotFound):
        orders.query(lambda uow: get_order_plan(uow, order.id))  # not decomposed yet
