"""(g) The provisioning system delivers its callback three times (the same callback id): the API
records it once and answers the repeats as duplicates, the plan's task completes once, and the
waiting process gets one ``order.provisioning.completed``: the order is fulfilled once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scenario_support import Scenario, wait_until

from oms.application.workflow import ORDER_FULFILLMENT_WORKFLOW


def test_a_repeated_provisioning_callback_is_recorded_once_and_the_order_completes_once(
    start_system: Callable[..., Scenario],
) -> None:
    # given: a provisioning system that sends every callback two extra times
    e2e = start_system(simulators={"provisioning": {"callbackDuplicates": 2}})

    # when
    order = e2e.place_order()

    # then: the order completes
    assert e2e.wait_for_order(order["id"], "completed")["state"] == "completed"

    # and: three deliveries of one callback, the first recorded (202), the repeats duplicates (200)
    def delivered() -> list[dict[str, Any]] | None:
        deliveries = e2e.callback_deliveries()
        return deliveries if len(deliveries) == 3 else None

    deliveries = wait_until(delivered, what="three callback deliveries")
    assert [d["status"] for d in deliveries] == [202, 200, 200]
    assert len({d["callbackId"] for d in deliveries}) == 1
    request_id = deliveries[0]["correlationKey"]

    # and: the callback recorded once (its receipt, and its result for the process), one provisioning
    # call, one completed task, and the result published to the engine once
    messages = e2e.rows(
        "SELECT message_name, correlation_key, status FROM workflow_message_correlation WHERE tenant_id = %s"
        " ORDER BY message_name",
        e2e.tenant,
    )
    assert [(m["message_name"], m["status"]) for m in messages] == [
        ("order.provisioning.completed", "published"),
        ("provisioning.callback", "published"),
    ]
    assert messages[1]["correlation_key"] == request_id
    assert [c["status"] for c in e2e.simulator_calls("provisioning")] == [202]
    provisioning = [t for t in e2e.plan(order["id"])["task"] if t["taskType"] == "provision-service"]
    assert [t["state"] for t in provisioning] == ["completed"]
    published = e2e.rows("SELECT name FROM engine.message WHERE name = 'order.provisioning.completed'")
    assert len(published) == 1
    e2e.wait_for_instance_state(ORDER_FULFILLMENT_WORKFLOW, e2e.fulfillment_key(order["id"]), "COMPLETED")
