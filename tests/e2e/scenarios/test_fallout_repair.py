"""(d) Provisioning refuses a service for a business reason (no XGS-PON capacity): the task falls
out, a fallout case is opened (with its repair process) and the order is held. An operator repairs
the case through the operator API, and the order runs again and completes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scenario_support import OPERATIONS, Scenario, fiber_item, order_body, wait_until

from oms.application.workflow import FALLOUT_REPAIR_WORKFLOW, ORDER_FULFILLMENT_WORKFLOW, fallout_repair_business_key

NO_XGS_PON = {
    "reasonCode": "noCapacity",
    "reason": "no XGS-PON capacity at the address",
    "characteristic": "technology",
    "value": "XGS-PON",
    "operations": ["provision"],
}


def _held_by_fallout(e2e: Scenario) -> tuple[dict[str, Any], dict[str, Any]]:
    """An XGS-PON order, held by the fallout case its provisioning rejection opened."""
    order = e2e.place_order(order_body(fiber_item(technology="XGS-PON")))

    def held() -> list[dict[str, Any]] | None:
        cases = e2e.fallout_cases(order["id"])
        return cases if cases and e2e.order(order["id"])["state"] == "held" else None

    [case] = wait_until(held, what="the order held by a fallout case")
    assert (case["status"], case["category"]) == ("open", "externalRejection")
    assert case["reason"] == "no XGS-PON capacity at the address"
    assert case["task"]["id"].endswith(":provision-service")
    e2e.wait_for_instance(FALLOUT_REPAIR_WORKFLOW, fallout_repair_business_key(e2e.tenant, case["id"]))
    return order, case


def _completed_after_repair(e2e: Scenario, order: dict[str, Any], case: dict[str, Any]) -> None:
    assert e2e.wait_for_order(order["id"], "completed")["state"] == "completed"
    assert e2e.get(f"{OPERATIONS}/falloutCase/{case['id']}", "operator")["status"] == "resolved"
    repair_key = fallout_repair_business_key(e2e.tenant, case["id"])
    e2e.wait_for_instance_state(FALLOUT_REPAIR_WORKFLOW, repair_key, "COMPLETED")
    e2e.wait_for_instance_state(ORDER_FULFILLMENT_WORKFLOW, e2e.fulfillment_key(order["id"]), "COMPLETED")


def test_a_business_rejection_opens_fallout_and_the_order_completes_once_the_operator_completes_the_task(
    start_system: Callable[..., Scenario],
) -> None:
    # given: provisioning refuses XGS-PON services, and an XGS-PON order fell out
    e2e = start_system(simulators={"provisioning": {"rejections": [NO_XGS_PON]}})
    order, case = _held_by_fallout(e2e)

    # when: the operator takes the case and, the service provisioned by hand, completes the task
    path = f"{OPERATIONS}/falloutCase/{case['id']}"
    e2e.post(f"{path}/assign", None, "operator", expect=200)
    evidence = {"evidence": "provisioned on a GPON port by the field team", "externalReference": "svc-manual-1"}
    e2e.post(f"{path}/completeManually", evidence, "operator", expect=200)

    # then: billing runs and the order completes; one rejected provisioning call, nothing more
    _completed_after_repair(e2e, order, case)
    assert [c["status"] for c in e2e.simulator_calls("provisioning")] == [422]
    assert [c["status"] for c in e2e.simulator_calls("billing")] == [201]


def test_a_business_rejection_opens_fallout_and_the_order_completes_once_the_operator_retries_the_task(
    start_system: Callable[..., Scenario],
) -> None:
    # given: an XGS-PON order fell out
    e2e = start_system(simulators={"provisioning": {"rejections": [NO_XGS_PON]}})
    order, case = _held_by_fallout(e2e)

    # when: capacity is added in the provisioning system, and the operator retries the task
    assert e2e.simulators("PATCH", "/admin/config", {"provisioning": {"rejections": []}}).status_code == 200
    e2e.post(f"{OPERATIONS}/falloutCase/{case['id']}/retry", None, "operator", expect=200)

    # then: a new run (a new idempotency key) is accepted, and the order completes
    _completed_after_repair(e2e, order, case)
    calls = e2e.simulator_calls("provisioning")
    assert [c["status"] for c in calls] == [422, 202]
    assert calls[0]["idempotencyKey"] != calls[1]["idempotencyKey"]


def test_repair_data_given_by_the_operator_is_used_by_the_retried_task(start_system: Callable[..., Scenario]) -> None:
    # given: an XGS-PON order fell out; provisioning still refuses XGS-PON
    e2e = start_system(simulators={"provisioning": {"rejections": [NO_XGS_PON]}})
    order, case = _held_by_fallout(e2e)

    # when: the operator corrects the technology to GPON and retries
    path = f"{OPERATIONS}/falloutCase/{case['id']}"
    e2e.post(f"{path}/repairData", {"data": {"technology": "GPON"}}, "operator", expect=200)
    e2e.post(f"{path}/retry", None, "operator", expect=200)

    # then: the retried run asks for GPON, is accepted, and the order completes
    def second_call() -> list[dict[str, Any]] | None:
        calls = e2e.simulator_calls("provisioning")
        return calls if len(calls) >= 2 else None

    calls = wait_until(second_call, what="the retried provisioning call")
    assert calls[1]["body"]["characteristics"]["technology"] == "GPON"
    _completed_after_repair(e2e, order, case)
