"""Placing an order: the business consistency check decides acknowledged or rejected, and a
rejected order records every reason, each naming its item."""

from __future__ import annotations

from datetime import timedelta

import pytest
from domain_builders import CASE_ID, NEVER_APPROVE, approver, customer, item, new_quote, priced, quote_in
from order_builders import (
    CUSTOMER,
    INSTALLED_FIBER,
    NOW,
    ORDER,
    RULES,
    add,
    agent,
    configured,
    facts,
    place,
    price_of,
    request,
    requests_of,
    service,
)

from oms.domain.catalog.demo import FIBER, FIBER_LEGACY, FIBER_TV_BUNDLE, INSTALLATION, ROUTER_BASIC, TV
from oms.domain.order import (
    ExistingProduct,
    InvalidRelatedParty,
    ItemAction,
    ItemState,
    OrderingFacts,
    OrderItemRequest,
    OrderRequest,
    OrderState,
    ProductOrder,
    ProductOrderCreated,
    ProductOrderRejected,
    QuoteFacts,
    ReasonCode,
    RelatedParty,
    order_request_from_quote,
)
from oms.domain.quote import QuoteState
from oms.domain.shared import Actor, InvalidTime, NotAuthorized, QuoteId
from oms.domain.shared.ids import OfferingId, OrderItemId, ProductId

R = ReasonCode


def _codes(order: ProductOrder) -> list[tuple[str, str | None]]:
    return [(str(reason.code), reason.item_id) for reason in order.rejection_reasons]


def _placed(req: OrderRequest, order_facts: OrderingFacts | None = None) -> ProductOrder:
    return ProductOrder.place(agent(), order_id=ORDER, request=req, facts=order_facts or facts(), rules=RULES, now=NOW)


def test_a_consistent_order_is_acknowledged_with_its_items_and_prices() -> None:
    # when
    order = _placed(request())
    # then
    assert order.state is OrderState.ACKNOWLEDGED
    assert [(i.item_id, i.state) for i in order.items] == [
        ("i-fiber", ItemState.ACKNOWLEDGED),
        ("i-tv", ItemState.ACKNOWLEDGED),
    ]
    assert order.totals is not None and str(order.totals.recurring_monthly) == "51.99 EUR"
    assert order.order_date == NOW and order.rejection_reasons == ()
    event = order.pull_events()[0]
    assert isinstance(event, ProductOrderCreated) and event.item_ids == ("i-fiber", "i-tv")


def test_an_empty_order_is_rejected() -> None:
    # when
    order = _placed(request(items=()))
    # then
    assert order.state is OrderState.REJECTED
    assert _codes(order) == [(R.EMPTY_ORDER, None)]
    assert isinstance(order.pull_events()[0], ProductOrderRejected)


def test_an_unknown_offering_is_rejected_naming_the_item() -> None:
    # given
    req = request([add("x", OfferingId("po-unknown"))], price=price_of(configured()))
    # when
    order = _placed(req)
    # then
    assert (R.UNKNOWN_OFFERING, "x") in _codes(order)
    assert order.items[0].state is ItemState.REJECTED


def test_an_offering_no_longer_sold_cannot_be_added() -> None:
    # when
    order = _placed(request([add("x", FIBER_LEGACY)]))
    # then
    assert (R.OFFERING_NOT_SELLABLE, "x") in _codes(order)


@pytest.mark.parametrize("action", [ItemAction.MODIFY, ItemAction.DELETE, ItemAction.NO_CHANGE])
def test_modify_delete_and_no_change_need_an_existing_product(action: ItemAction) -> None:
    # when
    order = _placed(request([OrderItemRequest(OrderItemId("x"), action, FIBER)]))
    # then
    assert (R.MISSING_PRODUCT_REF, "x") in _codes(order)


def test_a_product_the_inventory_does_not_know_is_rejected() -> None:
    # when
    order = _placed(request([OrderItemRequest(OrderItemId("x"), ItemAction.DELETE, product_id=ProductId("nope"))]))
    # then
    assert _codes(order) == [(R.UNKNOWN_PRODUCT, "x")]


def test_an_added_product_cannot_reference_an_existing_one() -> None:
    # given
    req = request([add("i-fiber", FIBER, product_id=INSTALLED_FIBER.product_id)], price=price_of(configured()))
    # when
    order = _placed(req)
    # then
    assert _codes(order) == [(R.PRODUCT_REF_ON_ADD, "i-fiber")]


def test_deleting_an_installed_product_is_consistent_without_price_and_takes_its_offering() -> None:
    # when
    order = _placed(
        request([OrderItemRequest(OrderItemId("x"), ItemAction.DELETE, product_id=INSTALLED_FIBER.product_id)])
    )
    # then
    assert order.state is OrderState.ACKNOWLEDGED
    assert order.items[0].offering_id == FIBER


def test_a_product_of_another_customer_or_offering_is_rejected() -> None:
    # given
    other = RelatedParty("customer-2", "Individual", "customer")
    req = OrderRequest(
        (OrderItemRequest(OrderItemId("x"), ItemAction.DELETE, TV, product_id=INSTALLED_FIBER.product_id),), (other,)
    )
    # when
    order = _placed(req)
    # then
    assert set(_codes(order)) == {(R.PRODUCT_OF_OTHER_CUSTOMER, "x"), (R.OFFERING_DOES_NOT_MATCH_PRODUCT, "x")}


def test_one_product_in_two_items_is_rejected() -> None:
    # given
    product = INSTALLED_FIBER.product_id
    req = request(
        [
            OrderItemRequest(OrderItemId("x"), ItemAction.DELETE, product_id=product),
            OrderItemRequest(OrderItemId("y"), ItemAction.NO_CHANGE, product_id=product),
        ]
    )
    # when / then
    assert _codes(_placed(req)) == [(R.PRODUCT_IN_SEVERAL_ITEMS, "x"), (R.PRODUCT_IN_SEVERAL_ITEMS, "y")]


def test_an_item_that_cannot_be_fulfilled_is_rejected() -> None:
    # given: an installation cannot be modified
    other = OrderingFacts(
        facts().offerings, {ProductId("inst"): ExistingProduct(ProductId("inst"), INSTALLATION, "customer-1")}
    )
    req = request(
        [OrderItemRequest(OrderItemId("x"), ItemAction.MODIFY, product_id=ProductId("inst"))],
        price=price_of([item("x", INSTALLATION)]),
    )
    # when / then
    assert _codes(_placed(req, other)) == [(R.NO_FULFILLMENT_RULE, "x")]


def test_added_and_modified_items_need_a_price() -> None:
    # when
    order = _placed(request([add("i-fiber", FIBER)], price=None))
    # then
    assert _codes(order) == [(R.ITEM_NOT_PRICED, "i-fiber")]


def test_a_price_made_for_another_offering_is_rejected() -> None:
    # given: the breakdown prices i-fiber as a router
    price = price_of([item("i-fiber", ROUTER_BASIC)])
    # when
    order = _placed(request([add("i-fiber", FIBER)], price=price))
    # then
    assert _codes(order) == [(R.PRICE_DOES_NOT_MATCH_ITEM, "i-fiber")]


def test_duplicate_ids_bad_quantities_unknown_bundles_and_bad_dates_are_all_reported_together() -> None:
    # given
    req = request(
        [add("i-fiber", FIBER, quantity=0), add("i-fiber", TV, parent_item_id=OrderItemId("bundle"))],
        price=price_of(configured()),
        requested_start_date=NOW + timedelta(days=10),
        requested_completion_date=NOW + timedelta(days=5),
    )
    # when
    codes = {code for code, _ in _codes(_placed(req))}
    # then
    assert {R.DUPLICATE_ITEM, R.INVALID_QUANTITY, R.UNKNOWN_PARENT_ITEM, R.INVALID_REQUESTED_DATES} <= codes


def test_requested_dates_must_be_utc() -> None:
    # when / then
    with pytest.raises(InvalidTime):
        _placed(request(requested_start_date=NOW.replace(tzinfo=None)))


def test_an_order_from_an_accepted_quote_is_priced_by_its_snapshot_and_flattens_bundles() -> None:
    # given
    bundle = item("i-bundle", FIBER_TV_BUNDLE, children=[item("i-fiber", FIBER), item("i-tv", TV)])
    quote = new_quote(priced([bundle]))
    quote.submit(agent(), policy=NEVER_APPROVE, approval_case_id=CASE_ID, now=NOW)
    quote.accept(customer(), now=NOW)
    req = order_request_from_quote(quote)
    # when
    order = _placed(req, OrderingFacts(facts().offerings, quote=QuoteFacts.of(quote)))
    # then
    assert order.state is OrderState.ACKNOWLEDGED, order.rejection_reasons
    assert [(i.item_id, i.parent_item_id) for i in order.items] == [
        ("i-bundle", None),
        ("i-fiber", "i-bundle"),
        ("i-tv", "i-bundle"),
    ]
    assert order.header.quote_id == quote.id
    assert order.totals == quote.price.totals  # own lines of every item + quote lines = the quote's totals


@pytest.mark.parametrize("state", [QuoteState.IN_PROGRESS, QuoteState.APPROVED, QuoteState.CANCELLED])
def test_an_order_from_a_quote_not_accepted_is_rejected(state: QuoteState) -> None:
    # given
    quote = quote_in(state)
    # when
    order = _placed(order_request_from_quote(quote), OrderingFacts(facts().offerings, quote=QuoteFacts.of(quote)))
    # then
    assert (R.QUOTE_NOT_ACCEPTED, None) in _codes(order)


def test_an_unknown_quote_or_a_quote_of_another_customer_is_rejected() -> None:
    # given
    quote = quote_in(QuoteState.ACCEPTED)
    other = RelatedParty("customer-2", "Individual", "customer")
    unknown = OrderRequest(requests_of(priced(configured()).items), (CUSTOMER,), quote_id=QuoteId("quote-x"))
    foreign = order_request_from_quote(quote, customer_party=other)
    quote_facts = OrderingFacts(facts().offerings, quote=QuoteFacts.of(quote))
    # when / then
    assert (R.UNKNOWN_QUOTE, None) in _codes(_placed(unknown, quote_facts))
    assert _codes(_placed(foreign, quote_facts)) == [(R.QUOTE_OF_OTHER_CUSTOMER, None)]


def test_related_parties_need_an_id_and_a_referred_type() -> None:
    # when / then
    with pytest.raises(InvalidRelatedParty):
        RelatedParty("customer-1", "")


@pytest.mark.parametrize("actor", [service(), approver()], ids=lambda a: str(a.kind))
def test_services_and_approvers_do_not_place_orders(actor: Actor) -> None:
    # when / then
    with pytest.raises(NotAuthorized):
        ProductOrder.place(actor, order_id=ORDER, request=request(), facts=facts(), rules=RULES, now=NOW)


def test_placing_is_deterministic() -> None:
    # when
    first, second = place(), place()
    # then
    assert first.items == second.items and first.totals == second.totals


def test_a_router_can_be_modified_with_a_new_price() -> None:
    # given
    req = request(
        [
            OrderItemRequest(
                OrderItemId("r"),
                ItemAction.MODIFY,
                characteristics={"acquisition": "buy"},
                product_id=ProductId("prod-router"),
            )
        ],
        price=price_of([item("r", ROUTER_BASIC, {"acquisition": "buy"})]),
    )
    # when
    order = _placed(req)
    # then
    assert order.state is OrderState.ACKNOWLEDGED, order.rejection_reasons
