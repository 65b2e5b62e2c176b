"""TMF622 ``/productOrder``: creation (priced now, or from an accepted quote), reading, lists with
``fields``, paging and filters, and amendment by merge patch."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from order_api_support import CUSTOMER, ORDERS, OrderDriver, fiber_item, order_body, rejected_body, tv_item


def _total(order: dict[str, Any], price_type: str) -> Decimal:
    price = next(p for p in order["orderTotalPrice"] if p["priceType"] == price_type)
    return Decimal(price["price"]["dutyFreeAmount"]["value"])


def test_creates_an_acknowledged_order_priced_at_order_time(orders: OrderDriver) -> None:
    # when
    response = orders.create(order_body(externalId="crm-42", description="fiber and tv"))
    # then
    assert response.status_code == 201, response.text
    order = response.json()
    assert response.headers["Location"] == order["href"] == f"{ORDERS}/{order['id']}"
    assert response.headers["ETag"] == '"0"'
    assert order["@type"] == "ProductOrder"
    assert order["state"] == "acknowledged"
    assert order["orderDate"].endswith("+00:00")
    assert order["externalId"] == "crm-42"
    assert order["relatedParty"] == [{**CUSTOMER, "@type": "RelatedParty"}]
    items = {item["id"]: item for item in order["productOrderItem"]}
    assert {(i["action"], i["state"]) for i in items.values()} == {("add", "acknowledged")}
    assert items["1"]["productOffering"]["id"] == "po-fiber-broadband"
    assert {"name": "downloadSpeed", "valueType": "integer", "value": 1000} in items["1"]["product"][
        "productCharacteristic"
    ] or any(
        c["name"] == "downloadSpeed" and c["value"] == 1000 for c in items["1"]["product"]["productCharacteristic"]
    )
    # prices: every item's own price, and totals that are the sum of the items'
    for price_type in ("oneTime", "recurring"):
        item_sum = sum(
            (
                Decimal(p["price"]["dutyFreeAmount"]["value"])
                for item in items.values()
                for p in item["itemPrice"]
                if p["priceType"] == price_type
            ),
            Decimal(0),
        )
        assert _total(order, price_type) == item_sum
    assert _total(order, "recurring") > 0
    assert order["@oms.rejectionReason"] == []
    assert order["@oms.falloutStatus"] == "none"


def test_an_inconsistent_order_is_created_rejected_with_every_reason(orders: OrderDriver) -> None:
    # when: a modify without the product it changes, and an add naming an existing product
    response = orders.create(rejected_body())
    # then: the order exists (201), rejected, each reason naming its item
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["state"] == "rejected"
    assert response.headers["Location"] == order["href"]
    reasons = {(r["code"], r["itemId"]) for r in order["@oms.rejectionReason"]}
    assert ("missingProductRef", "1") in reasons
    assert ("productRefOnAdd", "2") in reasons
    assert {item["state"] for item in order["productOrderItem"]} == {"rejected"}
    assert orders.get(order["href"])["state"] == "rejected"


def test_creates_an_order_from_an_accepted_quote_at_the_quotes_prices(orders: OrderDriver) -> None:
    # given
    quote = orders.accepted_quote()
    # when: no items, so the order takes every item of the quote
    response = orders.create({"quote": [{"id": quote["id"]}], "relatedParty": [CUSTOMER]})
    # then
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["state"] == "acknowledged"
    assert [ref["id"] for ref in order["quote"]] == [quote["id"]]
    quote_totals = {p["priceType"]: p["price"]["dutyFreeAmount"]["value"] for p in quote["quoteTotalPrice"]}
    for price_type, value in quote_totals.items():
        assert _total(order, price_type) == Decimal(value)
    assert {item["id"] for item in order["productOrderItem"]} == {item["id"] for item in quote["quoteItem"]}
    assert all(item["quoteItem"]["quoteId"] == quote["id"] for item in order["productOrderItem"])


def test_an_order_of_a_quote_not_accepted_is_rejected(orders: OrderDriver) -> None:
    # given: approved, never accepted
    quote = orders.api.approved_quote()
    # when
    order = orders.place({"quote": [{"id": quote["id"]}], "relatedParty": [CUSTOMER]})
    # then
    assert order["state"] == "rejected"
    assert "quoteNotAccepted" in {r["code"] for r in order["@oms.rejectionReason"]}


def test_a_bundle_is_given_and_returned_with_its_children_nested(orders: OrderDriver) -> None:
    # given
    bundle = {
        "id": "b",
        "action": "add",
        "productOffering": {"id": "po-fiber-tv-bundle"},
        "productOrderItem": [fiber_item("b.1"), tv_item("b.2")],
    }
    # when
    response = orders.create(order_body(bundle))
    # then
    assert response.status_code == 201, response.text
    assert response.json()["state"] == "acknowledged", response.json()["@oms.rejectionReason"]
    top = response.json()["productOrderItem"]
    assert [item["id"] for item in top] == ["b"]
    assert [child["id"] for child in top[0]["productOrderItem"]] == ["b.1", "b.2"]
    assert {child["state"] for child in top[0]["productOrderItem"]} == {"acknowledged"}


def test_gets_the_order_with_its_etag_and_fields(orders: OrderDriver) -> None:
    # given
    order = orders.place()
    # when
    full = orders.api.get(order["href"])
    some = orders.api.get(order["href"], fields="state,orderDate")
    # then
    assert full.status_code == 200
    assert full.json() == order
    assert full.headers["ETag"].strip('"').isdigit()
    assert set(some.json()) == {"id", "href", "@type", "state", "orderDate"}


def test_an_unknown_order_is_404(orders: OrderDriver) -> None:
    # when
    response = orders.api.get(f"{ORDERS}/no-such-order")
    # then
    assert response.status_code == 404
    assert response.json()["code"] == "notFound"
    assert "no-such-order" in response.json()["message"]


def test_lists_orders_newest_first_with_paging_headers(orders: OrderDriver) -> None:
    # given
    placed = [orders.place()["id"] for _ in range(3)]
    # when
    first = orders.api.get(ORDERS, limit=2)
    rest = orders.api.get(ORDERS, limit=2, offset=2)
    everything = orders.api.get(ORDERS)
    # then
    assert (first.status_code, first.headers["X-Total-Count"], first.headers["X-Result-Count"]) == (206, "3", "2")
    assert (rest.status_code, rest.headers["X-Result-Count"]) == (206, "1")
    assert everything.status_code == 200
    assert [o["id"] for o in everything.json()] == list(reversed(placed))
    assert [o["id"] for o in first.json() + rest.json()] == list(reversed(placed))
    row = everything.json()[0]
    assert row["@type"] == "ProductOrder" and row["href"].endswith(row["id"])
    assert "productOrderItem" not in row


def test_lists_only_the_fields_asked_for(orders: OrderDriver) -> None:
    # given
    orders.place()
    # when
    listed = orders.api.get(ORDERS, fields="state")
    # then
    assert [set(row) for row in listed.json()] == [{"id", "href", "@type", "state"}]


def test_filters_by_id_state_and_order_date(orders: OrderDriver) -> None:
    # given
    first = orders.place()
    rejected = orders.place(rejected_body())
    last = orders.place()

    def ids(**params: Any) -> list[str]:
        response = orders.api.get(ORDERS, **params)
        assert response.status_code in (200, 206), response.text
        return [o["id"] for o in response.json()]

    # when / then
    assert ids(id=f"{first['id']},{last['id']}") == [last["id"], first["id"]]
    assert ids(state="rejected") == [rejected["id"]]
    assert ids(state="acknowledged,rejected") == [last["id"], rejected["id"], first["id"]]
    assert ids(**{"orderDate.gt": first["orderDate"]}) == [last["id"], rejected["id"]]
    assert ids(**{"orderDate.gte": first["orderDate"], "orderDate.lt": last["orderDate"]}) == [
        rejected["id"],
        first["id"],
    ]
    assert ids(**{"orderDate.lte": first["orderDate"]}) == [first["id"]]
    assert ids(orderDate=rejected["orderDate"]) == [rejected["id"]]
    assert ids(externalId="nobody") == []


def test_a_bad_filter_is_a_400_naming_it(orders: OrderDriver) -> None:
    # when
    state = orders.api.get(ORDERS, state="inFlight")
    naive = orders.api.get(ORDERS, **{"orderDate.gt": "2025-01-01T00:00:00"})
    empty = orders.api.get(ORDERS, **{"orderDate.gt": "2025-01-02T00:00:00Z", "orderDate.lt": "2025-01-01T00:00:00Z"})
    limit = orders.api.get(ORDERS, limit=0)
    # then
    assert (state.status_code, state.json()["code"]) == (400, "invalidFilter")
    assert "inFlight" in state.json()["message"]
    assert (naive.status_code, naive.json()["code"]) == (400, "invalidRequest")
    assert "orderDate.gt" in naive.json()["message"]
    assert (empty.status_code, empty.json()["code"]) == (400, "invalidFilter")
    assert (limit.status_code, limit.json()["code"]) == (400, "invalidRequest")
