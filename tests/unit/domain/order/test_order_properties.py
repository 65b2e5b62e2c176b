"""Random command sequences on orders and cancellation requests: states never leave the
pictures' edges, and final states are absorbing."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from order_builders import FIBER_ITEM, NOW, TV_ITEM, customer, operator, place, plan_for, run, service, started

from oms.domain.fallout import FalloutCaseId
from oms.domain.fulfillment import FulfillmentPlan, TaskId
from oms.domain.order import (
    CANCELLATION_EDGES,
    ITEM_EDGES,
    ORDER_EDGES,
    AmendmentRequestId,
    CancellationRequestId,
    CancellationState,
    CancelProductOrder,
    CancelProductOrderStateChanged,
    ItemState,
    OrderState,
    ProductOrder,
    ProductOrderStateChanged,
)
from oms.domain.shared import DomainError

# database=None: no example database written into the source tree; max_examples keeps the folder fast.
FAST = settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
TWO_STEPS = {(a, c) for a, b in ITEM_EDGES for b2, c in ITEM_EDGES if b == b2}
CASES = [FalloutCaseId("fc-1"), FalloutCaseId("fc-2")]
ITEMS = [FIBER_ITEM, TV_ITEM]
REQUESTS = [CancellationRequestId("c1"), CancellationRequestId("c2")]

Command = Callable[[ProductOrder, FulfillmentPlan, int], object]
COMMANDS: list[Command] = [
    lambda o, p, n: o.request_information(service(), reason="r", now=NOW),
    lambda o, p, n: o.record_information_received(customer(), now=NOW),
    lambda o, p, n: o.record_fallout(service(), case_id=CASES[n % 2], item_id=ITEMS[n // 2 % 2], now=NOW),
    lambda o, p, n: o.clear_fallout(service(), case_id=CASES[n % 2], now=NOW),
    lambda o, p, n: o.cancel_unsolvable(operator(), reason="r", plan=p, now=NOW),
    lambda o, p, n: o.request_cancellation(customer(), request_id=REQUESTS[n % 2], reason="r", now=NOW),
    lambda o, p, n: o.deny_cancellation(service(), request_id=REQUESTS[n % 2], reason="r", now=NOW),
    lambda o, p, n: o.accept_cancellation(service(), request_id=REQUESTS[n % 2], now=NOW),
    lambda o, p, n: o.complete_cancellation(service(), request_id=REQUESTS[n % 2], reason="r", now=NOW),
    lambda o, p, n: o.fail_item(operator(), item_id=ITEMS[n % 2], reason="r", plan=p, now=NOW),
    lambda o, p, n: run(p, *p.topological_order()[: n % 4]),
    lambda o, p, n: o.close(service(), plan=p, now=NOW),
    lambda o, p, n: o.begin_amendment(customer(), request_id=AmendmentRequestId(f"a{n}"), now=NOW),
    lambda o, p, n: o.start_treatment(service(), now=NOW),
]


@FAST
@given(st.booleans(), st.lists(st.tuples(st.integers(0, len(COMMANDS) - 1), st.integers(0, 7)), max_size=25))
def test_random_commands_keep_order_and_items_on_the_pictures(
    start_treatment: bool, steps: list[tuple[int, int]]
) -> None:
    # given
    order, plan = started()
    if not start_treatment:  # also explore from acknowledged
        order = place()
        plan = plan_for(order)
    for command, n in steps:
        state, items = order.state, {i.item_id: i.state for i in order.items}
        # when
        try:
            COMMANDS[command](order, plan, n)
        except DomainError:
            assert order.state is state  # a refused command leaves the state as it was
        # then: every move the order reports is an edge of the picture
        for event in order.pull_events():
            if isinstance(event, ProductOrderStateChanged):
                assert (OrderState(event.previous_state), OrderState(event.state)) in ORDER_EDGES
        for item in order.items:
            before = items.get(item.item_id)
            if before is not None and before is not item.state:
                assert (before, item.state) in ITEM_EDGES | TWO_STEPS
        if state.is_final:
            assert order.state is state and {i.item_id: i.state for i in order.items} == items


@FAST
@given(st.integers(0, 4), st.lists(st.integers(0, 4), max_size=10))
def test_random_commands_keep_a_cancellation_request_on_its_picture(done: int, steps: list[int]) -> None:
    # given: the order got some way before the customer asked to cancel
    order, plan = started()
    if done:
        run(plan, *plan.topological_order()[:done])
    request = CancelProductOrder.request(customer(), order, request_id=REQUESTS[0], reason="r", now=NOW)
    compensation: list[FulfillmentPlan] = []

    def assess() -> None:
        plan_ = request.assess(service(), order, plan, now=NOW).compensation_plan
        if plan_ is not None:
            compensation.append(plan_)

    def fail_one() -> None:
        ready = compensation[0].ready_tasks() if compensation else ()
        if ready:
            compensation[0].start_task(service(), ready[0].id, now=NOW)
            compensation[0].fail_task(service(), ready[0].id, code="c", message="m", now=NOW)
        target = compensation[0] if compensation else plan
        task_id = ready[0].id if ready else TaskId("none")
        request.open_compensation_fallout(service(), order, target, task_id=task_id, case_id=CASES[0], now=NOW)

    commands: list[Callable[[], object]] = [
        assess,
        fail_one,
        lambda: request.clear_compensation_fallout(service(), order, case_id=CASES[0], now=NOW),
        lambda: run(compensation[0]) if compensation else None,
        lambda: request.finish(service(), order, compensation[0] if compensation else plan, now=NOW),
    ]
    for step in steps:
        state = request.state
        # when
        try:
            commands[step]()
        except DomainError:
            assert request.state is state
        # then
        for event in request.pull_events():
            if isinstance(event, CancelProductOrderStateChanged):
                assert (CancellationState(event.previous_state), CancellationState(event.state)) in CANCELLATION_EDGES
        if state.is_final:
            assert request.state is state
    # then: a done request always means a cancelled order
    if request.state is CancellationState.DONE:
        assert order.state is OrderState.CANCELLED
        assert {i.state for i in order.items} == {ItemState.CANCELLED}
