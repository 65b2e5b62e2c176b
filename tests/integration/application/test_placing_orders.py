"""Placing orders: priced now or from an accepted quote's snapshot, acknowledged with the
fulfillment start request in the same transaction, or rejected with every reason; input that
cannot be an order writes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import psycopg
import pytest
from order_app_support import (
    AGENT,
    CUSTOMER,
    CUSTOMER_PARTY,
    WORKER,
    OrderDriver,
    fiber,
    fiber_order,
    order_table_counts,
    start_requests,
    tv,
)

from oms.application.commands.order import OrderItemInput, PlaceOrder
from oms.application.commands.quote import AcceptQuote, accept_quote
from oms.application.errors import Forbidden, ValidationFailed
from oms.application.workflow import ORDER_FULFILLMENT_WORKFLOW
from oms.domain.catalog.demo import FIBER, TV


def test_a_direct_order_is_priced_now_and_acknowledged_with_its_fulfillment_start_request(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # when
    order = orders.place(fiber_order(fiber(speed=1000), tv(), external_id="ext-42"))
    # then
    assert order.state == "acknowledged"
    assert [(i.id, i.action, i.state) for i in order.items] == [
        ("fiber", "add", "acknowledged"),
        ("tv", "add", "acknowledged"),
    ]
    assert order.recurring_monthly_total is not None and order.recurring_monthly_total.amount > Decimal("49.99")
    assert order.items[0].price is not None and order.items[0].specification_id == "ps-fiber"
    # the configuration settled on the defaults the customer left out
    assert {c["name"] for c in order.items[0].characteristics} == {"downloadSpeed", "technology", "ipv6"}
    assert start_requests(admin, orders.id, ORDER_FULFILLMENT_WORKFLOW) == [
        (
            f"order:{orders.id}:{order.id}:fulfillment",
            "productOrder",
            order.id,
            {"tenantId": orders.id, "orderId": order.id, "correlationId": _correlation(admin, orders.id, order.id)},
        )
    ]
    assert orders.order(order.id) == order


def test_placing_writes_the_creation_event_and_the_audit_row_with_the_order(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # when
    order = orders.place()
    # then
    events = admin.execute(
        "SELECT event_type, payload->>'orderId' FROM outbox_event WHERE tenant_id = %s", (orders.id,)
    ).fetchall()
    audit = admin.execute(
        "SELECT action, actor_id, after->>'state' FROM audit_event WHERE tenant_id = %s AND aggregate_id = %s",
        (orders.id, order.id),
    ).fetchall()
    assert events == [("ProductOrderCreated", order.id)]
    assert audit == [("placeOrder", AGENT.id, "acknowledged")]


def test_an_order_of_an_accepted_quote_is_priced_by_the_quote_snapshot(orders: OrderDriver) -> None:
    # given
    quote = orders.tenant.submitted_quote(item_discount="5")
    orders.run(AGENT, lambda uow: accept_quote(uow, AcceptQuote(quote.id)))
    # when: no items means everything on the quote
    order = orders.place(PlaceOrder(quote_id=quote.id, related_parties=(CUSTOMER_PARTY,)))
    # then
    assert order.state == "acknowledged"
    assert order.quote_id == quote.id
    assert [i.quote_item_id for i in order.items] == [i.id for i in quote.items]
    assert (order.one_time_total, order.recurring_monthly_total) == (
        quote.one_time_total,
        quote.recurring_monthly_total,
    )


def test_an_order_of_a_quote_not_accepted_is_rejected_with_the_reason_and_starts_nothing(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    quote = orders.tenant.create_quote()
    # when
    order = orders.place(PlaceOrder(quote_id=quote.id, related_parties=(CUSTOMER_PARTY,)))
    # then
    assert order.state == "rejected"
    assert [r["code"] for r in order.rejection_reasons] == ["quoteNotAccepted"]
    assert {i.state for i in order.items} == {"rejected"}
    assert start_requests(admin, orders.id, ORDER_FULFILLMENT_WORKFLOW) == []
    assert orders.order(order.id).rejection_reasons == order.rejection_reasons


def test_every_reason_of_a_rejection_is_recorded_with_its_item(orders: OrderDriver) -> None:
    # when: products nobody delivered, and a delete without any product
    order = orders.place(
        fiber_order(
            fiber(),
            OrderItemInput("gone", "delete", product_id="no-such-product"),
            OrderItemInput("again", "modify", TV, product_id="no-such-product-either"),
            OrderItemInput("what", "delete"),
        )
    )
    # then
    assert order.state == "rejected"
    assert sorted((r["itemId"], r["code"]) for r in order.rejection_reasons) == [
        ("again", "unknownProduct"),
        ("gone", "unknownProduct"),
        ("what", "missingProductRef"),
    ]


def test_an_unknown_item_action_is_refused_and_writes_nothing(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    before = order_table_counts(admin, orders.id)
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        orders.place(fiber_order(fiber(), OrderItemInput("x", "upgrade", FIBER)))
    assert raised.value.code == "invalidItemAction"
    assert raised.value.details["problems"] == [{"itemId": "x", "action": "upgrade"}]
    assert order_table_counts(admin, orders.id) == before


def test_an_unknown_offering_is_refused_when_pricing_and_writes_nothing(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    before = order_table_counts(admin, orders.id)
    # when / then
    with pytest.raises(ValidationFailed) as raised:
        orders.place(fiber_order(OrderItemInput("x", "add", "po-does-not-exist")))
    assert "unknownOffering" in str(raised.value.to_dict())
    assert order_table_counts(admin, orders.id) == before


def test_a_customer_client_may_order_but_a_service_may_not(orders: OrderDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    placed = orders.place(actor=CUSTOMER)
    before = order_table_counts(admin, orders.id)
    # when / then
    with pytest.raises(Forbidden):
        orders.place(actor=WORKER)
    assert placed.state == "acknowledged"
    assert order_table_counts(admin, orders.id) == before


def _correlation(admin: psycopg.Connection[Any], tenant_id: str, order_id: str) -> str:
    row = admin.execute(
        "SELECT correlation_id FROM audit_event WHERE tenant_id = %s AND aggregate_id = %s", (tenant_id, order_id)
    ).fetchone()
    assert row is not None
    return str(row[0])
