"""Bad input to the order API: each case gets its status and a TMF error body that says what is
wrong, and nothing is half-written (docs/api-order.md, "Errors")."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from order_api_support import CANCELS, ORDERS, OrderDriver, fiber_item, order_body, tv_item


def _rows(admin: psycopg.Connection[Any], tenant: str) -> tuple[int, ...]:
    counts = []
    for table in ("product_order", "product_order_item", "workflow_start_request", "outbox_event", "audit_event"):
        row = admin.execute(f"SELECT count(*) FROM {table} WHERE tenant_id = %s", (tenant,)).fetchone()
        assert row is not None
        counts.append(int(row[0]))
    return tuple(counts)


def _is_tmf_error(body: dict[str, Any], status: int, code: str) -> None:
    assert body["@type"] == "Error"
    assert (body["status"], body["code"]) == (str(status), code)
    assert body["reason"] and body["message"]


def test_a_body_that_is_not_json_is_400(orders: OrderDriver) -> None:
    # when
    response = orders.api.client.post(
        ORDERS, content=b'{"productOrderItem": [', headers=orders.api.headers(**{"Content-Type": "application/json"})
    )
    # then
    assert response.status_code == 400
    _is_tmf_error(response.json(), 400, "malformedJson")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"relatedParty": [{"id": "c", "role": "customer", "@referredType": "Individual"}]}, "productOrderItem"),
        (order_body({"id": "1", "productOffering": {"id": "po-tv"}}), "action"),
        (order_body({**tv_item("1"), "action": "explode"}), "action"),
        (order_body({**tv_item("1"), "quantity": "two"}), "quantity"),
        (order_body(note=[{"text": "call first"}]), "note"),
        (order_body(requestedStartDate="2030-01-01T10:00:00"), "requestedStartDate"),
        ({**order_body(), "relatedParty": [{"id": "c", "role": "customer"}]}, "@referredType"),
        ({**order_body(), "relatedParty": [{"id": "c", "role": "payer", "@referredType": "Individual"}]}, "customer"),
    ],
    ids=[
        "noItems",
        "noAction",
        "unknownAction",
        "quantityText",
        "unknownAttribute",
        "naiveDate",
        "noReferredType",
        "noCustomer",
    ],
)
def test_a_body_not_matching_the_schema_is_400_naming_the_field(
    orders: OrderDriver, admin: psycopg.Connection[Any], body: dict[str, Any], field: str
) -> None:
    # given
    before = _rows(admin, orders.tenant)
    # when
    response = orders.create(body)
    # then
    assert response.status_code == 400, response.text
    _is_tmf_error(response.json(), 400, "invalidRequest")
    assert field in response.json()["message"]
    assert _rows(admin, orders.tenant) == before


def test_an_unknown_offering_is_422_and_nothing_is_written(orders: OrderDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    before = _rows(admin, orders.tenant)
    # when
    response = orders.create(order_body(fiber_item("1"), {**tv_item("2"), "productOffering": {"id": "po-nope"}}))
    # then
    assert response.status_code == 422, response.text
    _is_tmf_error(response.json(), 422, "invalidConfiguration")
    assert "po-nope" in response.json()["message"]
    assert _rows(admin, orders.tenant) == before


def test_an_invalid_characteristic_is_422_naming_it(orders: OrderDriver) -> None:
    # when
    response = orders.create(order_body(fiber_item("1", speed=7)))
    # then
    assert response.status_code == 422, response.text
    assert "downloadSpeed" in response.json()["message"]


def test_an_unknown_quote_rejects_the_order(orders: OrderDriver) -> None:
    # when
    order = orders.place({"quote": [{"id": "no-such-quote"}], "relatedParty": []})
    # then: the order exists, rejected for its unknown quote
    assert order["state"] == "rejected"
    assert "unknownQuote" in {r["code"] for r in order["@oms.rejectionReason"]}


def test_a_cancellation_that_names_no_order_is_400(orders: OrderDriver) -> None:
    # when
    response = orders.api.post(CANCELS, {"cancellationReason": "x"})
    # then
    assert response.status_code == 400
    assert "productOrder" in response.json()["message"]


def test_a_malformed_if_match_is_400(orders: OrderDriver) -> None:
    # given
    order = orders.running_order()
    # when
    response = orders.api.patch(order["href"], {"productOrderItem": [fiber_item("1")]}, **{"If-Match": "yesterday"})
    # then
    assert response.status_code == 400
    _is_tmf_error(response.json(), 400, "invalidIfMatch")


def test_an_unknown_path_is_a_tmf_404(orders: OrderDriver) -> None:
    # when
    response = orders.api.get(f"{ORDERS}/x/y/z")
    # then
    assert response.status_code == 404
    _is_tmf_error(response.json(), 404, "notFound")
