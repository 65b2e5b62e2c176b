"""TMF622 ``/cancelProductOrder``: a request is acknowledged (201), assessed by the cancellation
workflow (here: its worker command), and ends ``done`` or, past the point of no return,
``terminatedWithError`` with ``@oms.cancellationOutcome: refused``. An order whose state has no
cancellation edge gets no request: 409, nothing written."""

from __future__ import annotations

from typing import Any

from order_api_support import CANCELS, ORDERS, OrderDriver


def _cancel(orders: OrderDriver, order: dict[str, Any], **headers: str) -> Any:
    body = {"productOrder": {"id": order["id"]}, "cancellationReason": "customer moved abroad"}
    return orders.api.post(CANCELS, body, **headers)


def test_requests_the_cancellation_of_a_running_order(orders: OrderDriver) -> None:
    # given
    order = orders.running_order()
    # when
    response = _cancel(orders, order)
    # then
    assert response.status_code == 201, response.text
    request = response.json()
    assert response.headers["Location"] == request["href"] == f"{CANCELS}/{request['id']}"
    assert request["@type"] == "CancelProductOrder"
    assert request["state"] == "acknowledged"
    assert request["productOrder"]["id"] == order["id"]
    assert request["cancellationReason"] == "customer moved abroad"
    after = orders.get(order["href"])
    assert after["state"] == "assessingCancellation"
    assert after["@oms.cancellationRequest"]["id"] == request["id"]


def test_an_accepted_cancellation_with_nothing_done_cancels_the_order(orders: OrderDriver) -> None:
    # given
    order = orders.running_order()
    request = _cancel(orders, order).json()
    # when
    orders.assess_cancellation(request["id"])
    # then
    done = orders.get(request["href"])
    assert done["state"] == "done"
    assert done["@oms.cancellationOutcome"] == "accepted"
    assert orders.get(order["href"])["state"] == "cancelled"


def test_a_cancellation_past_the_point_of_no_return_ends_terminated_with_error(orders: OrderDriver) -> None:
    # given: billing was activated, which cannot be undone
    order = orders.order_past_point_of_no_return()
    request = _cancel(orders, order).json()
    # when
    orders.assess_cancellation(request["id"])
    # then
    refused = orders.get(request["href"])
    assert refused["state"] == "terminatedWithError"
    assert refused["@oms.cancellationOutcome"] == "refused"
    assert refused["@oms.cancellationOutcomeReason"]
    assert orders.get(order["href"])["state"] == "inProgress"


def test_cancelling_an_acknowledged_order_is_a_conflict_and_writes_nothing(orders: OrderDriver) -> None:
    # given: treatment has not started; the TMF622 picture has no edge to cancellation from here
    order = orders.place()
    # when
    response = _cancel(orders, order)
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "illegalTransition"
    assert "acknowledged" in response.json()["message"]
    assert orders.api.get(CANCELS, **{"productOrder.id": order["id"]}).json() == []
    assert orders.get(order["href"]) == order


def test_cancelling_a_completed_order_is_a_conflict(orders: OrderDriver) -> None:
    # given
    order = orders.completed_order()
    # when
    response = _cancel(orders, order)
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "illegalTransition"
    assert "completed" in response.json()["message"]


def test_cancelling_an_unknown_order_is_404(orders: OrderDriver) -> None:
    # when
    response = orders.api.post(CANCELS, {"productOrder": {"id": "no-such-order"}})
    # then
    assert response.status_code == 404
    assert "no-such-order" in response.json()["message"]


def test_a_stale_if_match_is_412_and_changes_nothing(orders: OrderDriver) -> None:
    # given
    order = orders.running_order()
    etag = orders.api.get(order["href"]).headers["ETag"]
    stale = f'"{int(etag.strip(chr(34))) - 1}"'
    # when
    response = _cancel(orders, order, **{"If-Match": stale})
    # then
    assert response.status_code == 412
    assert response.json()["code"] == "staleVersion"
    assert orders.get(order["href"])["state"] == "inProgress"


def test_lists_and_gets_cancellation_requests(orders: OrderDriver) -> None:
    # given
    first, second = orders.running_order(), orders.running_order()
    r1, r2 = _cancel(orders, first).json(), _cancel(orders, second).json()
    orders.assess_cancellation(r1["id"])
    # when
    every = orders.api.get(CANCELS)
    done = orders.api.get(CANCELS, state="done")
    of_second = orders.api.get(CANCELS, **{"productOrder.id": second["id"]}, fields="state")
    one = orders.api.get(r2["href"])
    # then
    assert every.headers["X-Total-Count"] == "2"
    assert {r["id"] for r in every.json()} == {r1["id"], r2["id"]}
    assert [r["id"] for r in done.json()] == [r1["id"]]
    assert of_second.json() == [
        {"id": r2["id"], "href": r2["href"], "@type": "CancelProductOrder", "state": "acknowledged"}
    ]
    assert one.status_code == 200 and one.json()["id"] == r2["id"]
    assert orders.api.get(CANCELS, state="rejected").status_code == 400
    assert orders.api.get(f"{CANCELS}/nope").status_code == 404
    assert orders.api.get(f"{ORDERS}/{first['id']}").json()["state"] == "cancelled"
