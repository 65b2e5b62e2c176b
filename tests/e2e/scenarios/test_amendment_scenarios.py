"""Amendment of an order in flight, before and after the point of no return. Job types are held
back (no worker serves them yet) so that the order waits at a known step while it is amended; a
second worker for them is started afterwards, as a worker process joining would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scenario_support import OPERATIONS, ORDERS, Scenario, fiber_item, wait_until

from oms.application.workflow import ORDER_AMENDMENT_WORKFLOW
from oms.workflow.job_types import ALL_JOB_TYPES
from oms.workflow.job_types import ORDER_FULFILLMENT_CLOSE_ORDER as CLOSE
from oms.workflow.job_types import ORDER_FULFILLMENT_PROVISION_SERVICE as PROVISION


def _except(job_type: str) -> list[str]:
    return [other for other in ALL_JOB_TYPES if other != job_type]


def _waiting_at(e2e: Scenario, job_type: str) -> None:
    wait_until(lambda: [j for j in e2e.jobs(job_type) if j["state"] == "ACTIVATABLE"], what=f"a {job_type} job")


def _amendment_settled(e2e: Scenario, order_id: str) -> dict[str, Any]:
    def settled() -> dict[str, Any] | None:
        order = e2e.order(order_id)
        return order if order.get("@oms.amendmentStatus") in ("applied", "refused") else None

    return wait_until(settled, what=f"the amendment of order {order_id} applied or refused")


def _speed(item: dict[str, Any]) -> Any:
    values = {c["name"]: c["value"] for c in item["product"]["productCharacteristic"]}
    return values["downloadSpeed"]


def test_an_amendment_before_the_point_of_no_return_is_applied_and_the_order_completes_as_amended(
    start_system: Callable[..., Scenario],
) -> None:
    # given: a 1000 Mbps fiber order, reserved, waiting for its provisioning step
    e2e = start_system(job_types=_except(PROVISION))
    order = e2e.place_order()
    _waiting_at(e2e, PROVISION)

    # when: the customer changes the speed to 500 Mbps
    amended = e2e.patch(f"{ORDERS}/{order['id']}", {"productOrderItem": [fiber_item(speed=500)]}, expect=202)
    assert amended["@oms.amendmentStatus"] == "assessing"

    # then: the amendment process accepts and applies it
    assert _amendment_settled(e2e, order["id"])["@oms.amendmentStatus"] == "applied"
    amendment_id = amended["@oms.amendment"]["id"]
    key = f"order:{e2e.tenant}:{order['id']}:amendment:{amendment_id}"
    e2e.wait_for_instance_state(ORDER_AMENDMENT_WORKFLOW, key, "COMPLETED")

    # when: provisioning workers join
    e2e.system.start_workers([PROVISION])

    # then: the order completes as amended: 500 Mbps provisioned
    completed = e2e.wait_for_order(order["id"], "completed")
    assert _speed(completed["productOrderItem"][0]) == 500
    [provision] = [c for c in e2e.simulator_calls("provisioning") if c["operation"] == "provision"]
    assert str(provision["body"]["characteristics"]["downloadSpeed"]) == "500"


def test_an_amendment_after_the_point_of_no_return_is_refused_and_the_order_completes_as_ordered(
    start_system: Callable[..., Scenario],
) -> None:
    # given: a 1000 Mbps fiber order whose billing is active (the point of no return), not closed yet
    e2e = start_system(job_types=_except(CLOSE))
    order = e2e.place_order()
    _waiting_at(e2e, CLOSE)

    # when: the customer asks for 500 Mbps
    e2e.patch(f"{ORDERS}/{order['id']}", {"productOrderItem": [fiber_item(speed=500)]}, expect=202)

    # then: the amendment is refused, with the reason
    refused = _amendment_settled(e2e, order["id"])
    assert refused["@oms.amendmentStatus"] == "refused"
    amendment = e2e.get(f"{OPERATIONS}/amendment/{refused['@oms.amendment']['id']}", "operator")
    assert "point of no return" in str(amendment), amendment

    # when: the closing worker joins
    e2e.system.start_workers([CLOSE])

    # then: the order completes as ordered
    completed = e2e.wait_for_order(order["id"], "completed")
    assert _speed(completed["productOrderItem"][0]) == 1000


def test_an_approved_amendment_that_undoes_a_completed_reservation_releases_it_and_reserves_again(
    start_system: Callable[..., Scenario],
) -> None:
    # given: a GPON fiber order whose resource is reserved, waiting for its provisioning step
    e2e = start_system(job_types=_except(PROVISION))
    order = e2e.place_order()
    _waiting_at(e2e, PROVISION)

    # when: the customer asks for XGS-PON (the reservation must be undone) and an operator approves
    amended = e2e.patch(f"{ORDERS}/{order['id']}", {"productOrderItem": [fiber_item(technology="XGS-PON")]}, expect=202)
    amendment_id = amended["@oms.amendment"]["id"]
    wait_until(
        lambda: e2e.get(f"{OPERATIONS}/amendment/{amendment_id}", "operator").get("approvalRequired") is True,
        what="the amendment waiting for approval",
    )
    e2e.post(f"{OPERATIONS}/amendment/{amendment_id}/decision", {"decision": "approve"}, "operator", expect=200)
    assert _amendment_settled(e2e, order["id"])["@oms.amendmentStatus"] == "applied"
    e2e.system.start_workers([PROVISION])

    # then: the first reservation is released, a new one made, and the order completes as amended
    e2e.wait_for_order(order["id"], "completed")
    inventory = e2e.simulator_calls("inventory")
    released = [c for c in inventory if c["operation"] == "release"]
    reserved = [c for c in inventory if c["operation"] == "reserve"]
    assert len(released) == 1 and len(reserved) == 2, inventory
    [first] = [t for t in e2e.plan(order["id"])["task"] if t["id"] == f"{order['id']}:1:reserve-resource"]
    records = {r["reservationId"]: r for r in e2e.simulators("GET", "/admin/records/inventory").json()}
    assert records[first["result"]["externalReference"]]["status"] == "released"
    assert sorted(r["status"] for r in records.values()) == ["released", "reserved"]
