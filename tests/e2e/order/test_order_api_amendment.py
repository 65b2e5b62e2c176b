"""``PATCH /productOrder/{id}``: a merge patch of ``productOrderItem`` requests an amendment of an
order in flight (202, assessed by the amendment workflow); a change of a completed order places a
supplemental order (201, ``Location`` the new order)."""

from __future__ import annotations

from typing import Any

from order_api_support import OrderDriver, fiber_item, tv_item


def _item_ids(order: dict[str, Any]) -> set[str]:
    return {item["id"] for item in order["productOrderItem"]}


def test_an_amendment_of_a_running_order_is_accepted_for_assessment(orders: OrderDriver) -> None:
    # given: fiber and tv
    order = orders.running_order()
    etag = orders.api.get(order["href"]).headers["ETag"]
    # when: faster fiber, no tv, and a static ip
    wanted = [fiber_item("1", speed=500), {"id": "3", "action": "add", "productOffering": {"id": "po-static-ip"}}]
    response = orders.api.patch(order["href"], {"productOrderItem": wanted}, **{"If-Match": etag})
    # then
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["id"] == order["id"]
    assert body["@oms.amendmentStatus"] == "assessing"
    amendment = body["@oms.amendment"]
    assert amendment["status"] == "assessing"
    assert (amendment["addedItem"], amendment["modifiedItem"], amendment["removedItem"]) == (["3"], ["1"], ["2"])
    assert response.headers["ETag"] != etag
    again = orders.get(order["href"])
    assert again["@oms.amendment"]["id"] == amendment["id"]


def test_one_amendment_at_a_time(orders: OrderDriver) -> None:
    # given
    order = orders.running_order()
    first = orders.api.patch(order["href"], {"productOrderItem": [fiber_item("1")]})
    assert first.status_code == 202, first.text
    # when
    second = orders.api.patch(order["href"], {"productOrderItem": [fiber_item("1", speed=300), tv_item("2")]})
    # then
    assert second.status_code == 409
    assert second.json()["code"] == "amendmentInProgress"


def test_a_patch_that_changes_nothing_is_400(orders: OrderDriver) -> None:
    # given
    order = orders.running_order()
    # when: the items as they were ordered
    response = orders.api.patch(order["href"], {"productOrderItem": [fiber_item("1"), tv_item("2")]})
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "nothingToChange"


def test_a_patch_of_anything_but_the_items_is_400_naming_it(orders: OrderDriver) -> None:
    # given
    order = orders.running_order()
    # when
    state = orders.api.patch(order["href"], {"state": "cancelled"})
    # then
    assert state.status_code == 400
    assert "state" in state.json()["message"]


def test_amending_an_acknowledged_order_is_a_conflict(orders: OrderDriver) -> None:
    # given: treatment not started
    order = orders.place()
    # when
    response = orders.api.patch(order["href"], {"productOrderItem": [fiber_item("1")]})
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "illegalTransition"
    assert orders.get(order["href"]) == order


def test_a_stale_if_match_is_412_and_nothing_changes(orders: OrderDriver) -> None:
    # given
    order = orders.running_order()
    etag = orders.api.get(order["href"]).headers["ETag"]
    stale = f'"{int(etag.strip(chr(34))) - 1}"'
    # when
    response = orders.api.patch(
        order["href"], {"productOrderItem": [fiber_item("1", speed=500)]}, **{"If-Match": stale}
    )
    # then
    assert response.status_code == 412
    assert response.json()["code"] == "staleVersion"
    assert orders.get(order["href"]) == order


def test_changing_a_completed_order_places_a_supplemental_order(orders: OrderDriver) -> None:
    # given
    order = orders.completed_order()
    router = {"id": "9", "action": "add", "productOffering": {"id": "po-router-basic"}}
    # when: add a router to what was delivered
    response = orders.api.patch(order["href"], {"productOrderItem": [*order_items_of(order), router]})
    # then
    assert response.status_code == 201, response.text
    supplemental = response.json()
    assert supplemental["id"] != order["id"]
    assert response.headers["Location"] == supplemental["href"]
    assert supplemental["@oms.supplementsOrder"]["id"] == order["id"]
    assert supplemental["state"] == "acknowledged"
    assert [(item["id"], item["action"]) for item in supplemental["productOrderItem"]] == [("9", "add")]
    assert orders.get(order["href"])["state"] == "completed"


def order_items_of(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The order's items as a client sends them back (the read-only attributes left out)."""
    return [
        {
            "id": item["id"],
            "action": item["action"],
            "quantity": item["quantity"],
            "productOffering": {"id": item["productOffering"]["id"]},
            "product": {
                "productCharacteristic": [
                    {"name": c["name"], "value": c["value"]} for c in item["product"]["productCharacteristic"]
                ]
            },
        }
        for item in order["productOrderItem"]
    ]
