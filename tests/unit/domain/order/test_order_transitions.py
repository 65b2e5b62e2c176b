"""Every (order state, command) pair: the new state or IllegalTransition naming the state, with
the order left untouched; and every edge of the TMF622 pictures is used, no other.
The same table is in docs/domain-order.md."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from order_builders import CANCEL, FIBER_ITEM, NOW, TV_ITEM, customer, operator, order_in, run, service

from oms.domain.fallout import FalloutCaseId
from oms.domain.fulfillment import FulfillmentPlan
from oms.domain.order import (
    ITEM_EDGES,
    ORDER_ALLOWED_FROM,
    ORDER_EDGES,
    AmendmentRequestId,
    ItemState,
    OrderAction,
    OrderState,
    ProductOrder,
    ProductOrderStateChanged,
    StaleRequest,
    UseSupplementalOrder,
)
from oms.domain.shared import DomainError, IllegalTransition

S, A = OrderState, OrderAction


def _close(order: ProductOrder, plan: FulfillmentPlan) -> None:
    run(plan)
    order.close(service(), plan=plan, now=NOW)


COMMANDS: dict[OrderAction, Callable[[ProductOrder, FulfillmentPlan], object]] = {
    A.START: lambda o, p: o.start_treatment(service(), now=NOW),
    A.REQUEST_INFORMATION: lambda o, p: o.request_information(service(), reason="floor?", now=NOW),
    A.RECEIVE_INFORMATION: lambda o, p: o.record_information_received(customer(), now=NOW),
    A.RECORD_FALLOUT: lambda o, p: o.record_fallout(service(), case_id=FalloutCaseId("fc-2"), item_id=TV_ITEM, now=NOW),
    A.CLEAR_FALLOUT: lambda o, p: o.clear_fallout(service(), case_id=FalloutCaseId("fc-1"), now=NOW),
    A.CANCEL_UNSOLVABLE: lambda o, p: o.cancel_unsolvable(operator(), reason="no coverage", plan=p, now=NOW),
    A.REQUEST_CANCELLATION: lambda o, p: o.request_cancellation(customer(), request_id=CANCEL, reason="r", now=NOW),
    A.DENY_CANCELLATION: lambda o, p: o.deny_cancellation(service(), request_id=CANCEL, reason="r", now=NOW),
    A.ACCEPT_CANCELLATION: lambda o, p: o.accept_cancellation(service(), request_id=CANCEL, now=NOW),
    A.COMPLETE_CANCELLATION: lambda o, p: o.complete_cancellation(service(), request_id=CANCEL, reason="r", now=NOW),
    A.FAIL_ITEM: lambda o, p: o.fail_item(operator(), item_id=TV_ITEM, reason="r", plan=p, now=NOW),
    A.CLOSE: _close,
    A.REQUEST_AMENDMENT: lambda o, p: o.begin_amendment(customer(), request_id=AmendmentRequestId("a1"), now=NOW),
}

ALLOWED: dict[tuple[OrderState, OrderAction], OrderState] = {
    (S.ACKNOWLEDGED, A.START): S.IN_PROGRESS,
    (S.ACKNOWLEDGED, A.REQUEST_INFORMATION): S.PENDING,
    (S.PENDING, A.RECEIVE_INFORMATION): S.IN_PROGRESS,
    (S.PENDING, A.RECORD_FALLOUT): S.PENDING,  # recorded only: a pending order is not running
    (S.PENDING, A.CLEAR_FALLOUT): S.PENDING,
    (S.PENDING, A.CANCEL_UNSOLVABLE): S.CANCELLED,  # extra information cannot be supplied
    (S.PENDING, A.REQUEST_CANCELLATION): S.ASSESSING_CANCELLATION,
    (S.PENDING, A.REQUEST_AMENDMENT): S.PENDING,
    (S.IN_PROGRESS, A.REQUEST_INFORMATION): S.PENDING,
    (S.IN_PROGRESS, A.RECORD_FALLOUT): S.HELD,
    (S.IN_PROGRESS, A.CLEAR_FALLOUT): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.REQUEST_CANCELLATION): S.ASSESSING_CANCELLATION,
    (S.IN_PROGRESS, A.FAIL_ITEM): S.IN_PROGRESS,
    (S.IN_PROGRESS, A.CLOSE): S.COMPLETED,
    (S.IN_PROGRESS, A.REQUEST_AMENDMENT): S.IN_PROGRESS,
    (S.HELD, A.RECORD_FALLOUT): S.HELD,
    (S.HELD, A.CLEAR_FALLOUT): S.IN_PROGRESS,  # issue is solved (its only case)
    (S.HELD, A.CANCEL_UNSOLVABLE): S.CANCELLED,  # issue cannot be solved
    (S.HELD, A.REQUEST_CANCELLATION): S.ASSESSING_CANCELLATION,
    (S.HELD, A.FAIL_ITEM): S.HELD,
    (S.HELD, A.REQUEST_AMENDMENT): S.HELD,
    (S.ASSESSING_CANCELLATION, A.RECORD_FALLOUT): S.ASSESSING_CANCELLATION,
    (S.ASSESSING_CANCELLATION, A.CLEAR_FALLOUT): S.ASSESSING_CANCELLATION,
    (S.ASSESSING_CANCELLATION, A.DENY_CANCELLATION): S.IN_PROGRESS,  # back where it was
    (S.ASSESSING_CANCELLATION, A.ACCEPT_CANCELLATION): S.PENDING_CANCELLATION,
    (S.PENDING_CANCELLATION, A.RECORD_FALLOUT): S.PENDING_CANCELLATION,  # a compensation fell out
    (S.PENDING_CANCELLATION, A.CLEAR_FALLOUT): S.PENDING_CANCELLATION,
    (S.PENDING_CANCELLATION, A.COMPLETE_CANCELLATION): S.CANCELLED,
}
# Clearing a case the order does not hold changes nothing (redelivered jobs are normal).
NO_OP = {(s, A.CLEAR_FALLOUT) for s in (S.PENDING, S.IN_PROGRESS, S.ASSESSING_CANCELLATION, S.PENDING_CANCELLATION)}
REFUSED_OTHERWISE: dict[tuple[OrderState, OrderAction], type[DomainError]] = {
    (S.COMPLETED, A.REQUEST_AMENDMENT): UseSupplementalOrder,
}

PAIRS = [(state, command) for state in OrderState for command in COMMANDS]


@pytest.mark.parametrize(("state", "command"), PAIRS, ids=[f"{s}-{c}" for s, c in PAIRS])
def test_every_order_state_and_command_pair(state: OrderState, command: OrderAction) -> None:
    # given
    order, plan = order_in(state)
    version, items = order.version, order.items
    # when / then
    if (state, command) in ALLOWED:
        COMMANDS[command](order, plan)
        assert order.state is ALLOWED[state, command]
        assert order.version == version + (0 if (state, command) in NO_OP else 1)
    else:
        expected = REFUSED_OTHERWISE.get((state, command), IllegalTransition)
        with pytest.raises(expected) as raised:
            COMMANDS[command](order, plan)
        if expected is IllegalTransition:
            assert raised.value.details["from_state"] == state
        assert (order.state, order.version, order.items) == (state, version, items)


def test_the_table_agrees_with_the_allowed_states_of_each_command() -> None:
    # then
    for command in COMMANDS:
        assert {s for (s, c) in ALLOWED if c is command} == set(ORDER_ALLOWED_FROM[command]), command


@pytest.mark.parametrize("command", [A.CONCLUDE_AMENDMENT, A.APPLY_AMENDMENT])
@pytest.mark.parametrize("state", list(OrderState))
def test_amendment_bookkeeping_is_allowed_only_from_its_states(state: OrderState, command: OrderAction) -> None:
    # given: no amendment running, so an allowed state answers "stale request" instead
    order, _ = order_in(state)
    request_id = AmendmentRequestId("a-unknown")
    commands: dict[OrderAction, Callable[[], object]] = {
        A.CONCLUDE_AMENDMENT: lambda: order.conclude_amendment(
            service(), request_id=request_id, accepted=True, reasons=(), now=NOW
        ),
        A.APPLY_AMENDMENT: lambda: order.apply_amendment(
            service(), request_id=request_id, added=(), modified=(), removed=(), now=NOW
        ),
    }
    # when / then
    expected = StaleRequest if state in ORDER_ALLOWED_FROM[command] else IllegalTransition
    with pytest.raises(expected):
        commands[command]()


@pytest.mark.parametrize("resume", [S.IN_PROGRESS, S.PENDING, S.HELD])
def test_a_denied_cancellation_returns_the_order_and_its_items_where_they_were(resume: OrderState) -> None:
    # given
    order, _ = order_in(resume)
    items = [(i.item_id, i.state) for i in order.items]
    order.request_cancellation(customer(), request_id=CANCEL, reason="r", now=NOW)
    # when
    order.deny_cancellation(service(), request_id=CANCEL, reason="past the point of no return", now=NOW)
    # then
    assert order.state is resume
    assert [(i.item_id, i.state) for i in order.items] == items


def _moves(order: ProductOrder) -> set[tuple[str, str]]:
    return {(e.previous_state, e.state) for e in order.pull_events() if isinstance(e, ProductOrderStateChanged)}


def test_every_edge_of_the_order_picture_is_used_and_no_other() -> None:
    # given: scenarios through every edge
    seen: set[tuple[str, str]] = set()
    scenarios: list[tuple[OrderState, list[OrderAction]]] = [
        (S.ACKNOWLEDGED, [A.REQUEST_INFORMATION, A.RECEIVE_INFORMATION, A.RECORD_FALLOUT]),
        (S.HELD, [A.CLEAR_FALLOUT]),
        (S.ACKNOWLEDGED, [A.START, A.CLOSE]),
        (S.ACKNOWLEDGED, [A.REQUEST_INFORMATION, A.CANCEL_UNSOLVABLE]),
        (S.IN_PROGRESS, [A.REQUEST_INFORMATION, A.REQUEST_CANCELLATION, A.DENY_CANCELLATION]),
        (S.PENDING, [A.REQUEST_CANCELLATION, A.ACCEPT_CANCELLATION, A.COMPLETE_CANCELLATION]),
        (S.IN_PROGRESS, [A.RECORD_FALLOUT, A.REQUEST_CANCELLATION, A.DENY_CANCELLATION, A.CANCEL_UNSOLVABLE]),
        (S.IN_PROGRESS, [A.REQUEST_CANCELLATION, A.DENY_CANCELLATION, A.FAIL_ITEM, A.CLOSE]),
    ]
    for start, commands in scenarios:
        order, plan = order_in(start)
        # when
        for command in commands:
            COMMANDS[command](order, plan)
        seen |= _moves(order)
    order, plan = order_in(S.IN_PROGRESS)
    for item_id in (FIBER_ITEM, TV_ITEM):
        order.fail_item(operator(), item_id=item_id, reason="r", plan=plan, now=NOW)
    _close(order, plan)
    seen |= _moves(order)
    # then
    assert seen == {(str(a), str(b)) for a, b in ORDER_EDGES}


def test_items_move_only_along_the_item_picture() -> None:
    # given
    seen: set[tuple[ItemState, ItemState]] = set()
    for state in OrderState:
        for command in COMMANDS.values():
            order, plan = order_in(state)
            before = {i.item_id: i.state for i in order.items}
            try:
                command(order, plan)
            except DomainError:
                continue
            # then
            for item in order.items:
                if item.item_id in before and before[item.item_id] is not item.state:
                    seen.add((before[item.item_id], item.state))
    # an order move may take an item two edges at once (inProgress -> held -> cancelled), never off the picture
    two_steps = {(a, c) for a, b in ITEM_EDGES for b2, c in ITEM_EDGES if b == b2}
    assert seen <= ITEM_EDGES | two_steps
    assert {(ItemState.IN_PROGRESS, ItemState.FAILED), (ItemState.IN_PROGRESS, ItemState.COMPLETED)} <= seen
