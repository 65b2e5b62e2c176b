"""Tenant B can neither read nor change tenant A's orders through any endpoint: every request is a
404 (never 403, so ids cannot be probed), B's lists do not show A's data, and A's order, its
cancellation request and its fallout case are unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from order_api_support import CANCELS, OPERATIONS, ORDERS, OrderDriver, fiber_item


@dataclass
class TenantA:
    order: dict[str, Any]  # held by a fallout case
    case_id: str
    cancel: dict[str, Any]  # a cancellation request of another order


@pytest.fixture
def tenant_a(orders: OrderDriver) -> TenantA:
    order, case_id = orders.order_in_fallout()
    running = orders.running_order()
    cancel = orders.api.post(CANCELS, {"productOrder": {"id": running["id"]}})
    assert cancel.status_code == 201, cancel.text
    return TenantA(order, case_id, cancel.json())


def _snapshot(orders: OrderDriver, a: TenantA) -> list[Any]:
    paths = [a.order["href"], a.cancel["href"], f"{OPERATIONS}/falloutCase/{a.case_id}"]
    responses = [orders.api.get(path, "operator") for path in paths]
    return [(r.json(), r.headers["ETag"]) for r in responses]


# (method, path with {order}, {case}, {cancel} placeholders, body, acting role of tenant B)
ENDPOINTS: list[tuple[str, str, Any, str]] = [
    ("GET", "{order}", None, "agent"),
    ("PATCH", "{order}", {"productOrderItem": [fiber_item("9")]}, "agent"),
    ("POST", CANCELS, "cancel-order", "agent"),
    ("GET", "{cancel}", None, "agent"),
    ("GET", OPERATIONS + "/productOrder/{order_id}/fulfillmentPlan", None, "operator"),
    ("GET", OPERATIONS + "/fulfillmentPlan/{order_id}:fulfillment", None, "operator"),
    ("GET", OPERATIONS + "/productOrder/{order_id}/falloutCase", None, "operator"),
    ("GET", OPERATIONS + "/falloutCase/{case}", None, "operator"),
    ("POST", OPERATIONS + "/falloutCase/{case}/assign", None, "operator"),
    ("POST", OPERATIONS + "/falloutCase/{case}/repairData", {"data": {"port": "p-1"}}, "operator"),
    ("POST", OPERATIONS + "/falloutCase/{case}/retry", None, "operator"),
    ("POST", OPERATIONS + "/falloutCase/{case}/completeManually", {"evidence": "done by hand"}, "operator"),
    ("POST", OPERATIONS + "/falloutCase/{case}/skip", {"reason": "not needed"}, "operator"),
    ("POST", OPERATIONS + "/falloutCase/{case}/cancelOrder", {"reason": "give up"}, "operator"),
]


@pytest.mark.parametrize(("method", "template", "body", "actor"), ENDPOINTS)
def test_another_tenant_gets_404_on_every_order_endpoint_and_changes_nothing(
    orders: OrderDriver, other: OrderDriver, tenant_a: TenantA, method: str, template: str, body: Any, actor: str
) -> None:
    # given
    before = _snapshot(orders, tenant_a)
    path = template.format(
        order=tenant_a.order["href"],
        order_id=tenant_a.order["id"],
        case=tenant_a.case_id,
        cancel=tenant_a.cancel["href"],
    )
    if body == "cancel-order":
        body = {"productOrder": {"id": tenant_a.order["id"]}}
    headers = {"Idempotency-Key": "same-key-in-both-tenants"}
    # when
    if method == "GET":
        response = other.api.get(path, actor)
    elif method == "PATCH":
        response = other.api.patch(path, body, actor, **headers)
    else:
        response = other.api.post(path, body, actor, **headers)
    # then
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "notFound"
    assert _snapshot(orders, tenant_a) == before


def test_another_tenants_lists_show_nothing_of_a(orders: OrderDriver, other: OrderDriver, tenant_a: TenantA) -> None:
    # when
    listed = [
        other.api.get(ORDERS, "operator"),
        other.api.get(ORDERS, "operator", id=tenant_a.order["id"]),
        other.api.get(CANCELS, "operator"),
        other.api.get(f"{OPERATIONS}/falloutCase", "operator"),
    ]
    # then
    assert [(r.status_code, r.json(), r.headers["X-Total-Count"]) for r in listed] == [(200, [], "0")] * 4
    assert orders.api.get(ORDERS, "operator").headers["X-Total-Count"] == "2"
