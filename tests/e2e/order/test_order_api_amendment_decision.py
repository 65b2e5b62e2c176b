"""Operator extension ``/amendment/{id}``: an amendment that undoes work already done waits for an
operator's decision; ``POST …/decision`` records it and queues ``order.amendment.decided`` for the
waiting amendment workflow in the same transaction."""

from __future__ import annotations

from typing import Any

import psycopg
from order_api_support import OrderDriver, fiber_item

from oms.application.commands.amendment import AssessAmendment, assess_amendment
from oms.application.commands.fulfillment import CompleteTask, StartTask, complete_task, start_task
from oms.application.context import RequestContext
from oms.application.runner import run_command

AMENDMENTS = "/oms-api/orderOperations/v1/amendment"


def _amendment_waiting_for_approval(orders: OrderDriver) -> str:
    """A running order whose TV resource is reserved, amended to drop the TV, and assessed."""
    order = orders.running_order()
    plan_id, task = f"{order['id']}:fulfillment", f"{order['id']}:2:reserve-resource"
    worker = RequestContext.for_service(orders.tenant, "order-test-worker")
    run_command(orders.uow_factory, worker, lambda uow: start_task(uow, StartTask(plan_id, task)))
    run_command(orders.uow_factory, worker, lambda uow: complete_task(uow, CompleteTask(plan_id, task, "res-1")))
    response = orders.api.patch(order["href"], {"productOrderItem": [fiber_item("1")]})
    assert response.status_code == 202, response.text
    request_id: str = response.json()["@oms.amendment"]["id"]
    run_command(orders.uow_factory, worker, lambda uow: assess_amendment(uow, AssessAmendment(request_id)))
    return request_id


def _decided_messages(admin: psycopg.Connection[Any], tenant: str) -> list[tuple[Any, ...]]:
    return admin.execute(
        "SELECT correlation_key, message_id, variables FROM workflow_message_correlation"
        " WHERE tenant_id = %s AND message_name = 'order.amendment.decided'",
        (tenant,),
    ).fetchall()


def test_an_operator_approves_an_amendment_waiting_for_approval(
    orders: OrderDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    request_id = _amendment_waiting_for_approval(orders)
    waiting = orders.api.get(f"{AMENDMENTS}/{request_id}")
    assert waiting.status_code == 200, waiting.text
    assert (waiting.json()["status"], waiting.json()["approvalRequired"]) == ("accepted", True)
    # when
    response = orders.api.post(
        f"{AMENDMENTS}/{request_id}/decision",
        {"decision": "approve", "comment": "customer agreed to the fee"},
        "operator",
        **{"If-Match": waiting.headers["ETag"], "Idempotency-Key": "decide-1"},
    )
    # then
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["href"] == f"{AMENDMENTS}/{request_id}" and body["status"] == "accepted"
    assert body["approval"]["approved"] is True and body["approval"]["decidedBy"] == "operator-1"
    assert _decided_messages(admin, orders.tenant) == [
        (request_id, f"{request_id}:decided", {"amendmentApproved": True})
    ]
    replay = orders.api.post(
        f"{AMENDMENTS}/{request_id}/decision",
        {"decision": "approve", "comment": "customer agreed to the fee"},
        "operator",
        **{"If-Match": waiting.headers["ETag"], "Idempotency-Key": "decide-1"},
    )
    assert replay.status_code == 200 and replay.json() == body


def test_a_declined_amendment_is_refused(orders: OrderDriver) -> None:
    request_id = _amendment_waiting_for_approval(orders)
    response = orders.api.post(f"{AMENDMENTS}/{request_id}/decision", {"decision": "decline"}, "operator")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "refused"
    assert response.json()["reasons"] == ["declined by operator-1"]
    again = orders.api.post(f"{AMENDMENTS}/{request_id}/decision", {"decision": "approve"}, "operator")
    assert again.status_code == 409 and again.json()["code"] == "illegalTransition"


def test_only_an_operator_decides(orders: OrderDriver) -> None:
    request_id = _amendment_waiting_for_approval(orders)
    response = orders.api.post(f"{AMENDMENTS}/{request_id}/decision", {"decision": "approve"}, "agent")
    assert response.status_code == 403, response.text
    assert orders.api.get(f"{AMENDMENTS}/{request_id}").json()["approval"] is None


def test_deciding_an_unknown_amendment_is_not_found(orders: OrderDriver) -> None:
    response = orders.api.post(f"{AMENDMENTS}/nope/decision", {"decision": "approve"}, "operator")
    assert response.status_code == 404, response.text
