"""Who may call the order API: no or bad credentials are a 401 on every endpoint; an actor the
domain does not allow is a 403 and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import API_KEY, API_KEY_TENANT
from order_api_support import CANCELS, OPERATIONS, ORDERS, OrderDriver, order_body

from oms.application.commands.catalog import load_demo_catalog

PATHS = [
    ("POST", ORDERS),
    ("GET", ORDERS),
    ("GET", f"{ORDERS}/o-1"),
    ("PATCH", f"{ORDERS}/o-1"),
    ("POST", CANCELS),
    ("GET", CANCELS),
    ("GET", f"{CANCELS}/c-1"),
    ("GET", f"{OPERATIONS}/productOrder/o-1/fulfillmentPlan"),
    ("GET", f"{OPERATIONS}/falloutCase"),
    ("POST", f"{OPERATIONS}/falloutCase/f-1/retry"),
]


@pytest.mark.parametrize(("method", "path"), PATHS)
@pytest.mark.parametrize(
    "credentials", [{}, {"Authorization": "Bearer not-a-token"}, {"X-API-Key": "unknown-key-0123456789"}]
)
def test_no_or_bad_credentials_are_401(
    orders: OrderDriver, method: str, path: str, credentials: dict[str, str]
) -> None:
    # when
    response = orders.api.client.request(method, path, headers=credentials, json={})
    # then
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_development_api_key_places_an_order(orders: OrderDriver) -> None:
    # given: the key's tenant has the demo catalog (loading it again is a no-op)
    load_demo_catalog(orders.uow_factory, API_KEY_TENANT)
    # when
    response = orders.api.client.post(ORDERS, json=order_body(), headers={"X-API-Key": API_KEY})
    # then
    assert response.status_code == 201, response.text
    assert response.json()["state"] == "acknowledged"


@pytest.mark.parametrize("actor", ["service", "manager"])
def test_actors_that_may_not_order_get_403_and_nothing_is_written(orders: OrderDriver, actor: str) -> None:
    # when
    response = orders.create(actor=actor)
    # then
    assert response.status_code == 403
    assert response.json()["code"] == "notAuthorized"
    assert orders.api.get(ORDERS).json() == []


@pytest.mark.parametrize("actor", ["customer", "agent", "operator"])
def test_customers_agents_and_operators_place_orders(orders: OrderDriver, actor: str) -> None:
    # when
    response = orders.create(actor=actor)
    # then
    assert response.status_code == 201, response.text


def test_a_customer_client_may_request_a_cancellation(orders: OrderDriver) -> None:
    # given
    order: dict[str, Any] = orders.running_order()
    # when
    response = orders.api.post(CANCELS, {"productOrder": {"id": order["id"]}}, "customer")
    # then
    assert response.status_code == 201, response.text
