"""(a) An order is validated and acknowledged, but starting its fulfillment process fails (the
engine is away): the start request written in the order's transaction survives, and the relay
retries it until the engine takes it. One instance exists for the business key, and the order is
fulfilled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scenario_support import Faults, Scenario, wait_until

from oms.application.workflow import ORDER_FULFILLMENT_WORKFLOW


def test_an_order_whose_process_start_fails_is_started_by_a_relay_retry(start_system: Callable[..., Scenario]) -> None:
    # given: the engine refuses the next two process starts
    faults = Faults()
    faults.refuse_starts = 2
    e2e = start_system(wrap_client=faults.wrap)

    # when
    order = e2e.place_order()

    # then: acknowledged at once; the relay's third attempt starts the process
    key = e2e.fulfillment_key(order["id"])

    def started() -> dict[str, Any] | None:
        request = e2e.start_request(key)
        return request if request is not None and request["status"] == "started" else None

    request = wait_until(started, what="the fulfillment start request being started")
    assert faults.refused_starts == 2
    assert request["attempt_count"] == 3
    assert "Unavailable" in (request["last_error"] or "")
    instance = e2e.wait_for_instance(ORDER_FULFILLMENT_WORKFLOW, key)
    refs = e2e.rows("SELECT process_instance_key FROM workflow_instance_ref WHERE business_key = %s", key)
    assert refs == [{"process_instance_key": instance.key}]

    # and the order is fulfilled by that one instance
    assert e2e.wait_for_order(order["id"], "completed")["state"] == "completed"
    e2e.wait_for_instance_state(ORDER_FULFILLMENT_WORKFLOW, key, "COMPLETED")
