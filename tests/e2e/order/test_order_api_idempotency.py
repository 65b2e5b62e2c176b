"""``Idempotency-Key`` on the order API's writes: the same key and request give the first answer
again and write nothing; the same key with another request is a 422; keys are per operation."""

from __future__ import annotations

from typing import Any

import psycopg
from order_api_support import CANCELS, OPERATIONS, OrderDriver, fiber_item, order_body, tv_item


def _orders_of(admin: psycopg.Connection[Any], tenant: str) -> int:
    row = admin.execute("SELECT count(*) FROM product_order WHERE tenant_id = %s", (tenant,)).fetchone()
    assert row is not None
    return int(row[0])


def test_a_replayed_create_returns_the_first_order_and_writes_nothing(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    first = orders.create(**{"Idempotency-Key": "order-1"})
    # when
    again = orders.create(**{"Idempotency-Key": "order-1"})
    # then
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _orders_of(admin, orders.tenant) == 1


def test_the_same_key_with_another_body_is_422_and_writes_nothing(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    orders.create(**{"Idempotency-Key": "order-2"})
    # when
    other = orders.create(order_body(tv_item("1")), **{"Idempotency-Key": "order-2"})
    # then
    assert other.status_code == 422
    assert other.json()["code"] == "idempotencyKeyReused"
    assert _orders_of(admin, orders.tenant) == 1


def test_a_failed_create_is_not_remembered(orders: OrderDriver) -> None:
    # given: an unknown offering is refused before anything is written
    bad = orders.create(order_body(tv_item("1") | {"productOffering": {"id": "po-nope"}}), **{"Idempotency-Key": "k"})
    assert bad.status_code == 422
    # when: corrected, with the same key
    good = orders.create(**{"Idempotency-Key": "k"})
    # then
    assert good.status_code == 201, good.text


def test_a_replayed_cancellation_request_creates_one_request(orders: OrderDriver) -> None:
    # given
    order = orders.running_order()
    body = {"productOrder": {"id": order["id"]}, "cancellationReason": "moved"}
    first = orders.api.post(CANCELS, body, **{"Idempotency-Key": "cancel-1"})
    # when
    again = orders.api.post(CANCELS, body, **{"Idempotency-Key": "cancel-1"})
    # then
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert orders.api.get(CANCELS).headers["X-Total-Count"] == "1"


def test_a_replayed_repair_answers_as_the_first_time(orders: OrderDriver) -> None:
    # given
    _, case_id = orders.order_in_fallout()
    path = f"{OPERATIONS}/falloutCase/{case_id}/skip"
    first = orders.api.post(path, {"reason": "not needed"}, "operator", **{"Idempotency-Key": "skip-1"})
    # when: without the key the second skip would be a 409 (the case is resolved)
    again = orders.api.post(path, {"reason": "not needed"}, "operator", **{"Idempotency-Key": "skip-1"})
    # then
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()


def test_a_key_used_for_one_case_cannot_replay_for_another(orders: OrderDriver) -> None:
    # given
    (_, one), (_, two) = orders.order_in_fallout(), orders.order_in_fallout()
    orders.api.post(f"{OPERATIONS}/falloutCase/{one}/assign", None, "operator", **{"Idempotency-Key": "assign-x"})
    # when
    response = orders.api.post(
        f"{OPERATIONS}/falloutCase/{two}/assign", None, "operator", **{"Idempotency-Key": "assign-x"}
    )
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "idempotencyKeyReused"
    assert orders.get(f"{OPERATIONS}/falloutCase/{two}", "operator")["status"] == "open"


def test_a_replayed_amendment_answers_202_again_instead_of_amendment_in_progress(orders: OrderDriver) -> None:
    # given
    order = orders.running_order()
    patch = {"productOrderItem": [fiber_item("1", speed=500), tv_item("2")]}
    first = orders.api.patch(order["href"], patch, **{"Idempotency-Key": "amend-1"})
    # when: without the key this would be a 409 (one amendment at a time)
    again = orders.api.patch(order["href"], patch, **{"Idempotency-Key": "amend-1"})
    # then
    assert (first.status_code, again.status_code) == (202, 202)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
