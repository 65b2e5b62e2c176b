"""Operator extension (``/oms-api/orderOperations/v1``): an order's fulfillment plan, its fallout
cases, the work queue, and each repair of a case (assign, repair data, retry, complete manually
with evidence, skip, cancel the order). Only operators repair."""

from __future__ import annotations

from typing import Any

import pytest
from order_api_support import OPERATIONS, OrderDriver


def _case(orders: OrderDriver, case_id: str) -> dict[str, Any]:
    return orders.get(f"{OPERATIONS}/falloutCase/{case_id}", "operator")


def test_shows_the_orders_fulfillment_plan_with_every_task(orders: OrderDriver) -> None:
    # given
    order = orders.running_order()
    # when
    response = orders.api.get(order["@oms.fulfillmentPlan"]["href"], "operator")
    # then
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["@type"] == "FulfillmentPlan"
    assert plan["productOrder"]["id"] == order["id"]
    assert plan["purpose"] == "fulfillment"
    assert plan["canClose"] is False
    tasks = {task["id"]: task for task in plan["task"]}
    assert {task["itemId"] for task in tasks.values()} == {"1", "2"}
    assert set(plan["readyTask"]) <= set(tasks)
    assert {dep for task in tasks.values() for dep in task["dependsOn"]} <= set(tasks)
    assert response.headers["ETag"].strip('"').isdigit()
    by_id = orders.api.get(plan["href"], "operator")
    assert by_id.json() == plan


def test_an_order_not_yet_decomposed_has_no_plan(orders: OrderDriver) -> None:
    # given
    order = orders.place()
    # when
    response = orders.api.get(order["@oms.fulfillmentPlan"]["href"], "operator")
    # then
    assert response.status_code == 404


def test_a_failed_task_shows_as_fallout_on_the_order_and_in_the_work_queue(orders: OrderDriver) -> None:
    # given
    order, case_id = orders.order_in_fallout()
    # when
    of_order = orders.api.get(f"{OPERATIONS}/productOrder/{order['id']}/falloutCase", "operator")
    queue = orders.api.get(f"{OPERATIONS}/falloutCase", "operator", status="open,inRepair")
    closed = orders.api.get(f"{OPERATIONS}/falloutCase", "operator", status="resolved")
    # then
    assert order["state"] == "held"
    assert order["@oms.falloutStatus"] == "inFallout"
    assert [ref["id"] for ref in order["@oms.falloutCase"]] == [case_id]
    assert [c["id"] for c in of_order.json()] == [case_id]
    assert [c["id"] for c in queue.json()] == [case_id]
    assert closed.json() == []
    case = _case(orders, case_id)
    assert case["@type"] == "FalloutCase"
    assert case["status"] == "open"
    assert case["productOrder"]["id"] == order["id"]
    assert "no port free" in case["reason"]


def test_assigns_a_case_to_the_operator_who_takes_it(orders: OrderDriver) -> None:
    # given
    _, case_id = orders.order_in_fallout()
    # when
    response = orders.api.post(f"{OPERATIONS}/falloutCase/{case_id}/assign", None, "operator")
    # then
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "inRepair"
    assert response.json()["assignee"] == "operator-1"
    mine = orders.api.get(f"{OPERATIONS}/falloutCase", "operator", assignee="operator-1")
    assert [c["id"] for c in mine.json()] == [case_id]


def test_retrying_the_task_resolves_the_case_and_releases_the_order(orders: OrderDriver) -> None:
    # given
    order, case_id = orders.order_in_fallout()
    data = orders.api.post(f"{OPERATIONS}/falloutCase/{case_id}/repairData", {"data": {"port": "p-7"}}, "operator")
    assert data.status_code == 200, data.text
    # when
    response = orders.api.post(f"{OPERATIONS}/falloutCase/{case_id}/retry", None, "operator")
    # then
    assert response.status_code == 200, response.text
    case = response.json()
    assert case["status"] == "resolved"
    assert case["repair"]["kind"] == "retryTask"
    assert case["repairData"]["port"] == "p-7"
    after = orders.get(order["href"])
    assert (after["state"], after["@oms.falloutStatus"]) == ("inProgress", "none")


def test_completing_the_task_by_hand_needs_evidence(orders: OrderDriver) -> None:
    # given
    _, case_id = orders.order_in_fallout()
    path = f"{OPERATIONS}/falloutCase/{case_id}/completeManually"
    # when
    without = orders.api.post(path, {"externalReference": "x"}, "operator")
    blank = orders.api.post(path, {"evidence": "   "}, "operator")
    done = orders.api.post(
        path, {"evidence": "port patched on site, ticket T-1", "externalReference": "T-1"}, "operator"
    )
    # then
    assert (without.status_code, without.json()["code"]) == (400, "invalidRequest")
    assert "evidence" in without.json()["message"]
    assert blank.status_code == 422
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["repair"]["kind"]) == ("resolved", "completeManually")
    assert done.json()["repair"]["evidence"] == "port patched on site, ticket T-1"


def test_skipping_the_task_needs_a_reason_and_resolves_the_case(orders: OrderDriver) -> None:
    # given
    _, case_id = orders.order_in_fallout()
    path = f"{OPERATIONS}/falloutCase/{case_id}/skip"
    # when
    without = orders.api.post(path, {}, "operator")
    skipped = orders.api.post(path, {"reason": "port already reserved by hand"}, "operator")
    again = orders.api.post(path, {"reason": "twice"}, "operator")
    # then
    assert without.status_code == 400
    assert skipped.status_code == 200, skipped.text
    assert (skipped.json()["status"], skipped.json()["repair"]["kind"]) == ("resolved", "skipTask")
    assert again.status_code == 409
    assert again.json()["code"] == "illegalTransition"


def test_cancelling_the_order_from_a_case_gives_the_order_up(orders: OrderDriver) -> None:
    # given: nothing was done yet, so nothing needs undoing
    order, case_id = orders.order_in_fallout()
    # when
    response = orders.api.post(
        f"{OPERATIONS}/falloutCase/{case_id}/cancelOrder", {"reason": "address cannot be served"}, "operator"
    )
    # then
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled"
    assert orders.get(order["href"])["state"] == "cancelled"


@pytest.mark.parametrize("actor", ["agent", "customer", "service"])
def test_only_operators_repair(orders: OrderDriver, actor: str) -> None:
    # given
    _, case_id = orders.order_in_fallout()
    # when
    response = orders.api.post(f"{OPERATIONS}/falloutCase/{case_id}/retry", None, actor)
    # then
    assert response.status_code == 403
    assert _case(orders, case_id)["status"] == "open"


def test_a_stale_if_match_on_a_repair_is_412(orders: OrderDriver) -> None:
    # given
    _, case_id = orders.order_in_fallout()
    etag = orders.api.get(f"{OPERATIONS}/falloutCase/{case_id}", "operator").headers["ETag"]
    orders.api.post(f"{OPERATIONS}/falloutCase/{case_id}/assign", None, "operator")
    # when
    response = orders.api.post(f"{OPERATIONS}/falloutCase/{case_id}/retry", None, "operator", **{"If-Match": etag})
    # then
    assert response.status_code == 412
    assert _case(orders, case_id)["status"] == "inRepair"


def test_unknown_cases_plans_and_bad_filters(orders: OrderDriver) -> None:
    # when / then
    assert orders.api.get(f"{OPERATIONS}/falloutCase/nope", "operator").status_code == 404
    assert orders.api.post(f"{OPERATIONS}/falloutCase/nope/retry", None, "operator").status_code == 404
    assert orders.api.get(f"{OPERATIONS}/fulfillmentPlan/nope", "operator").status_code == 404
    assert orders.api.get(f"{OPERATIONS}/productOrder/nope/falloutCase", "operator").status_code == 404
    bad = orders.api.get(f"{OPERATIONS}/falloutCase", "operator", status="broken")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalidFilter")
