"""(e) An order in flight is cancelled; its compensation fails because the provisioning system no
longer knows the service (its records were lost): the compensation opens a ``compensationFailed``
fallout case and waits. The operator skips what cannot be undone, and the order ends cancelled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scenario_support import CANCELS, OPERATIONS, Scenario, wait_until

from oms.application.workflow import ORDER_CANCELLATION_WORKFLOW, order_cancellation_business_key
from oms.workflow.job_types import ORDER_FULFILLMENT_PROVISION_SERVICE as PROVISION


def _open_cases(e2e: Scenario, order_id: str) -> list[dict[str, Any]]:
    return [case for case in e2e.fallout_cases(order_id) if case["status"] == "open"]


def test_a_cancellation_whose_compensation_fails_opens_fallout_and_ends_cancelled_after_repair(
    start_system: Callable[..., Scenario],
) -> None:
    # given: an order waiting for provisioning's answer (the resource reserved, the service requested)
    e2e = start_system(simulators={"provisioning": {"callbackDelayMs": 600_000}})
    order = e2e.place_order()
    wait_until(lambda: [j for j in e2e.jobs(PROVISION) if j["state"] == "COMPLETED"], what="the service requested")
    assert e2e.order(order["id"])["state"] == "inProgress"
    # and: the external systems lose their records (the service and the reservation are unknown now)
    assert e2e.simulators("POST", "/admin/reset").status_code == 204

    # when: the customer cancels
    request = e2e.post(
        CANCELS, {"productOrder": {"id": order["id"]}, "cancellationReason": "moving abroad"}, expect=201
    )

    # then: the compensation falls out; the order waits in pendingCancellation
    [case] = wait_until(lambda: _open_cases(e2e, order["id"]), what="a compensation fallout case")
    assert case["category"] == "compensationFailed"
    assert case["task"]["id"].split(":")[2] == "deprovision-service"
    assert e2e.order(order["id"])["state"] == "pendingCancellation"
    assert e2e.get(f"{CANCELS}/{request['id']}")["state"] == "inProgress"
    deprovision = e2e.simulator_calls("provisioning")
    assert [(c["operation"], c["status"]) for c in deprovision] == [("deprovision", 422)]

    # when: the operator skips each compensation the systems cannot do (nothing is left to undo there)
    skipped: list[str] = []
    while e2e.order(order["id"])["state"] != "cancelled":
        open_cases = wait_until(
            lambda: _open_cases(e2e, order["id"]) or e2e.order(order["id"])["state"] == "cancelled",
            what="the next compensation fallout or the end of the cancellation",
        )
        if open_cases is True:
            break
        for open_case in open_cases:
            reason = {"reason": "unknown to the target system: nothing to undo"}
            e2e.post(f"{OPERATIONS}/falloutCase/{open_case['id']}/skip", reason, "operator", expect=200)
            skipped.append(open_case["task"]["id"].split(":")[2])
        assert len(skipped) <= 3, skipped

    # then: both compensations were skipped; the request is done and the order cancelled
    assert skipped == ["deprovision-service", "release-resource"]
    assert e2e.get(f"{CANCELS}/{request['id']}")["state"] == "done"
    key = order_cancellation_business_key(e2e.tenant, order["id"], request["id"])
    e2e.wait_for_instance_state(ORDER_CANCELLATION_WORKFLOW, key, "COMPLETED")
