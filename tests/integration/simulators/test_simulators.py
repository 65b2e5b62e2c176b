"""The external-system simulators over real HTTP (a server on a free port), driven through the OMS's
client adapters: idempotent repeats, transient failures, business rejections, time-outs, signed
asynchronous callbacks, and reconfiguration at run time."""

from __future__ import annotations

import json
import queue
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request, Response

from oms.integration.clients import (
    BillingClient,
    FieldServiceClient,
    InventoryClient,
    LogisticsClient,
    ProvisioningClient,
)
from oms.integration.errors import BusinessRejection, TransientError
from oms.relay.callbacks import SIGNATURE_HEADER, verify_signature
from oms.simulators.app import create_simulator_app
from oms.simulators.config import Rejection, SimulatorConfig, SystemConfig
from oms.simulators.server import BackgroundServer

WAIT_S = 15.0
SECRET = "provisioning-callback-secret-0123456789"


@pytest.fixture
def simulators() -> Iterator[BackgroundServer]:
    with BackgroundServer(create_simulator_app(SimulatorConfig(seed=7))) as server:
        yield server


def configure(server: BackgroundServer, **patch: Any) -> dict[str, Any]:
    response = httpx.patch(f"{server.url}/admin/config", json=patch)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def admin(server: BackgroundServer, path: str, **params: str) -> Any:
    response = httpx.get(f"{server.url}/admin/{path}", params=params)
    response.raise_for_status()
    return response.json()


def test_a_repeated_idempotency_key_gets_the_first_answer_without_a_second_effect(
    simulators: BackgroundServer,
) -> None:
    # given
    with InventoryClient(simulators.url) as inventory:
        # when
        first = inventory.reserve("task-1:run-1", tenant_id="acme", resource_type="port")
        again = inventory.reserve("task-1:run-1", tenant_id="acme", resource_type="port")
    # then
    assert (first.replayed, again.replayed) == (False, True)
    assert again.reservation_id == first.reservation_id
    assert [r["reservationId"] for r in admin(simulators, "records/inventory")] == [first.reservation_id]
    calls = admin(simulators, "calls", system="inventory", idempotencyKey="task-1:run-1")
    assert [(c["status"], c["replayed"]) for c in calls] == [(201, False), (201, True)]


def test_every_operation_of_every_system_answers(simulators: BackgroundServer) -> None:
    with InventoryClient(simulators.url) as inventory, BillingClient(simulators.url) as billing:
        reservation = inventory.reserve("r:run-1", tenant_id="acme", resource_type="number")
        released = inventory.release("r-undo:run-1", tenant_id="acme", reservation_id=reservation.reservation_id)
        subscription = billing.activate("b:run-1", tenant_id="acme", product_offering="fiber", prices={"mrc": "30"})
        updated = billing.update(
            "b2:run-1", tenant_id="acme", subscription_id=subscription.subscription_id, characteristics={"speed": "1G"}
        )
        deactivated = billing.deactivate("b3:run-1", tenant_id="acme", subscription_id=subscription.subscription_id)
    assert (released.status, subscription.status, updated.status, deactivated.status) == (
        "released",
        "active",
        "active",
        "inactive",
    )


def test_logistics_ships_devices_and_cancels_shipments(simulators: BackgroundServer) -> None:
    with LogisticsClient(simulators.url) as logistics:
        # when
        shipment = logistics.ship(
            "o1:2:ship-device:run-1", tenant_id="acme", device_type="ps-tv", quantity=2, order_id="o1"
        )
        again = logistics.ship("o1:2:ship-device:run-1", tenant_id="acme", device_type="ps-tv", quantity=2)
        cancelled = logistics.cancel("o1:2:cancel-shipment:run-1", tenant_id="acme", shipment_id=shipment.shipment_id)
        with pytest.raises(BusinessRejection) as unknown:
            logistics.cancel("o1:3:cancel-shipment:run-1", tenant_id="acme", shipment_id="shp-nothing")
    # then: one shipment (the repeat replayed), cancelled; an unknown one is a business rejection
    assert shipment.shipment_id.startswith("shp-") and shipment.status == "shipped"
    assert (again.shipment_id, again.replayed) == (shipment.shipment_id, True)
    assert cancelled.status == "cancelled"
    assert unknown.value.reason_code == "unknownShipment"
    [record] = admin(simulators, "records/logistics")
    assert (record["shipmentId"], record["status"], record["deviceType"], record["quantity"]) == (
        shipment.shipment_id,
        "cancelled",
        "ps-tv",
        2,
    )


def test_field_service_schedules_installations_and_cancels_them(simulators: BackgroundServer) -> None:
    with FieldServiceClient(simulators.url) as field_service:
        # when
        appointment = field_service.schedule(
            "o1:4:schedule-installation:run-1",
            tenant_id="acme",
            work_type="ps-installation",
            characteristics={"installationType": "technician"},
        )
        cancelled = field_service.cancel(
            "o1:4:cancel-installation:run-1", tenant_id="acme", appointment_id=appointment.appointment_id
        )
        with pytest.raises(BusinessRejection) as unknown:
            field_service.cancel("o1:5:cancel-installation:run-1", tenant_id="acme", appointment_id="apt-nothing")
    # then
    assert appointment.appointment_id.startswith("apt-") and appointment.status == "scheduled"
    assert cancelled.status == "cancelled"
    assert unknown.value.reason_code == "unknownAppointment"
    calls = admin(simulators, "calls", system="field-service")
    assert [(c["operation"], c["status"]) for c in calls] == [
        ("schedule", 201),
        ("cancel-installation", 200),
        ("cancel-installation", 422),
    ]


def test_logistics_and_field_service_have_the_same_failure_knobs_as_the_others(simulators: BackgroundServer) -> None:
    # given: logistics fails the first attempt of every key and refuses premium routers; field
    # service refuses technician visits in the north, and answers slowly
    configure(
        simulators,
        logistics={
            "failFirstAttempts": 1,
            "rejections": [{"reasonCode": "outOfStock", "characteristic": "model", "value": "premium"}],
        },
        **{
            "field-service": {
                "latencyMs": 5,
                "rejections": [{"reasonCode": "noTechnician", "characteristic": "region", "value": "north"}],
            }
        },
    )
    with LogisticsClient(simulators.url) as logistics, FieldServiceClient(simulators.url) as field_service:
        # when
        with pytest.raises(TransientError) as busy:
            logistics.ship("s1:run-1", tenant_id="acme", device_type="ps-router")
        shipped = logistics.ship("s1:run-1", tenant_id="acme", device_type="ps-router")
        with pytest.raises(TransientError):
            logistics.ship("s2:run-1", tenant_id="acme", device_type="ps-router", characteristics={"model": "premium"})
        with pytest.raises(BusinessRejection) as out_of_stock:
            logistics.ship("s2:run-1", tenant_id="acme", device_type="ps-router", characteristics={"model": "premium"})
        with pytest.raises(BusinessRejection) as no_technician:
            field_service.schedule(
                "a1:run-1", tenant_id="acme", work_type="ps-installation", characteristics={"region": "north"}
            )
    # then
    assert (busy.value.status, shipped.status, shipped.replayed) == (503, "shipped", False)
    assert (out_of_stock.value.reason_code, no_technician.value.reason_code) == ("outOfStock", "noTechnician")
    config = admin(simulators, "config")
    assert (config["logistics"]["failFirstAttempts"], config["field-service"]["latencyMs"]) == (1, 5)
    assert admin(simulators, "records/field-service") == []


def test_transient_failures_are_503s_that_leave_no_answer_behind(simulators: BackgroundServer) -> None:
    # given
    configure(simulators, billing={"failFirstAttempts": 2})
    with BillingClient(simulators.url) as billing:
        # when
        errors = []
        for _ in range(2):
            with pytest.raises(TransientError) as raised:
                billing.activate("task-2:run-1", tenant_id="acme", product_offering="fiber")
            errors.append(raised.value)
        subscription = billing.activate("task-2:run-1", tenant_id="acme", product_offering="fiber")
    # then
    assert [(e.status, e.retry_after_s) for e in errors] == [(503, 1.0), (503, 1.0)]
    assert subscription.replayed is False
    assert len(admin(simulators, "records/billing")) == 1


def test_seeded_random_failures_repeat_exactly() -> None:
    # given
    config = SimulatorConfig(seed=42, inventory=SystemConfig(transientFailureRate=0.5))

    def outcomes() -> list[str]:
        results = []
        with BackgroundServer(create_simulator_app(config)) as server, InventoryClient(server.url) as inventory:
            for n in range(12):
                try:
                    inventory.reserve(f"key-{n}", tenant_id="acme", resource_type="port")
                    results.append("ok")
                except TransientError:
                    results.append("503")
        return results

    # when
    first, second = outcomes(), outcomes()
    # then
    assert first == second
    assert {"ok", "503"} == set(first)


def test_a_characteristic_can_force_a_business_rejection_and_it_is_kept_for_the_key(
    simulators: BackgroundServer,
) -> None:
    with ProvisioningClient(simulators.url) as provisioning:
        rejections = []
        for _ in range(2):
            with pytest.raises(BusinessRejection) as raised:
                provisioning.provision(
                    "task-3:run-1",
                    tenant_id="acme",
                    service_specification="fiber",
                    characteristics={"serviceAddress": "REJECT:addressNotServiceable"},
                )
            rejections.append(raised.value)
    assert [(r.status, r.reason_code) for r in rejections] == [(422, "addressNotServiceable")] * 2
    assert admin(simulators, "records/provisioning") == []
    assert [c["replayed"] for c in admin(simulators, "calls", idempotencyKey="task-3:run-1")] == [False, True]


def test_configured_rejections_match_a_characteristic_value_or_a_listed_key(simulators: BackgroundServer) -> None:
    # given
    rules = [
        Rejection(reason_code="noCapacity", characteristic="region", value="north").model_dump(by_alias=True),
        Rejection(reason_code="blocked", idempotency_keys=["task-4:run-1"]).model_dump(by_alias=True),
    ]
    configure(simulators, inventory={"rejections": rules})
    with InventoryClient(simulators.url) as inventory:
        # when
        with pytest.raises(BusinessRejection) as by_value:
            inventory.reserve(
                "task-5:run-1", tenant_id="acme", resource_type="port", characteristics={"region": "north"}
            )
        with pytest.raises(BusinessRejection) as by_key:
            inventory.reserve("task-4:run-1", tenant_id="acme", resource_type="port")
        accepted = inventory.reserve("task-6:run-1", tenant_id="acme", resource_type="port")
    # then
    assert (by_value.value.reason_code, by_key.value.reason_code) == ("noCapacity", "blocked")
    assert accepted.status == "reserved"


def test_a_slow_answer_is_a_transient_error_for_the_client(simulators: BackgroundServer) -> None:
    configure(simulators, inventory={"latencyMs": 1000})
    with InventoryClient(simulators.url, timeout_s=0.05) as inventory, pytest.raises(TransientError) as raised:
        inventory.reserve("task-7:run-1", tenant_id="acme", resource_type="port")
    assert "no answer in time" in str(raised.value)


def test_an_unreachable_system_is_a_transient_error() -> None:
    server = BackgroundServer(FastAPI())
    url = server.url
    server.stop()  # the port is free again: nobody listens
    with InventoryClient(url) as inventory, pytest.raises(TransientError):
        inventory.reserve("task-8:run-1", tenant_id="acme", resource_type="port")


class CallbackReceiver:
    """A real HTTP server that checks each callback's signature and queues what it received."""

    def __init__(self, status: int = 202) -> None:
        self.received: queue.Queue[dict[str, Any]] = queue.Queue()
        self.app = FastAPI()

        @self.app.post("/callbacks/provisioning")
        async def receive(request: Request) -> Response:
            body = await request.body()
            verify_signature(SECRET, body, request.headers.get(SIGNATURE_HEADER), now=time.time())
            self.received.put(json.loads(body))
            return Response(status_code=status)

    def next(self) -> dict[str, Any]:
        return self.received.get(timeout=WAIT_S)


def test_provisioning_accepts_then_posts_a_signed_callback(simulators: BackgroundServer) -> None:
    # given
    receiver = CallbackReceiver()
    with BackgroundServer(receiver.app) as callbacks:
        configure(
            simulators,
            provisioning={
                "callbackUrl": f"{callbacks.url}/callbacks/provisioning",
                "callbackSecret": SECRET,
                "callbackDelayMs": 20,
            },
        )
        with ProvisioningClient(simulators.url) as provisioning:
            # when
            accepted = provisioning.provision(
                "task-9:run-1", tenant_id="acme", service_specification="fiber", characteristics={"speed": "1G"}
            )
            replay = provisioning.provision("task-9:run-1", tenant_id="acme", service_specification="fiber")
            callback = receiver.next()
    # then
    assert (accepted.status, replay.replayed, replay.request_id) == ("accepted", True, accepted.request_id)
    assert callback == {
        "callbackId": f"cb-{accepted.request_id}",
        "tenantId": "acme",
        "correlationKey": accepted.request_id,
        "status": "completed",
        "externalReference": accepted.service_id,
        "details": {"operation": "provision", "idempotencyKey": "task-9:run-1"},
    }
    assert receiver.received.empty()  # the replay sent no second callback
    [service] = admin(simulators, "records/provisioning")
    assert (service["serviceId"], service["status"]) == (accepted.service_id, "active")


def test_a_rejection_in_the_callback_phase_is_reported_by_the_callback(simulators: BackgroundServer) -> None:
    receiver = CallbackReceiver()
    rule = Rejection(reason_code="portFaulty", characteristic="port", value="7", phase="callback")
    with BackgroundServer(receiver.app) as callbacks:
        configure(
            simulators,
            provisioning={
                "callbackUrl": f"{callbacks.url}/callbacks/provisioning",
                "callbackSecret": SECRET,
                "rejections": [rule.model_dump(by_alias=True)],
            },
        )
        with ProvisioningClient(simulators.url) as provisioning:
            accepted = provisioning.provision(
                "task-10:run-1", tenant_id="acme", service_specification="fiber", characteristics={"port": "7"}
            )
            callback = receiver.next()
    assert accepted.status == "accepted"
    assert (callback["status"], callback["reasonCode"]) == ("failed", "portFaulty")


def test_a_failed_delivery_is_retried_and_duplicates_can_be_asked_for(simulators: BackgroundServer) -> None:
    # given: a receiver that answers 503 once, and a simulator that sends each callback twice
    answers = iter([503])
    received: queue.Queue[str] = queue.Queue()
    app = FastAPI()

    @app.post("/cb")
    async def receive(request: Request) -> Response:
        status = next(answers, 200)
        if status == 200:
            received.put(json.loads(await request.body())["callbackId"])
        return Response(status_code=status)

    with BackgroundServer(app) as callbacks:
        configure(simulators, provisioning={"callbackUrl": f"{callbacks.url}/cb", "callbackDuplicates": 1})
        with ProvisioningClient(simulators.url) as provisioning:
            accepted = provisioning.provision("task-11:run-1", tenant_id="acme", service_specification="fiber")
        # when
        delivered = [received.get(timeout=WAIT_S), received.get(timeout=WAIT_S)]
    # then
    assert delivered == [f"cb-{accepted.request_id}"] * 2
    statuses = [d["status"] for d in admin(simulators, "callbacks")["deliveries"]]
    assert statuses == [503, 200, 200]


def test_the_admin_endpoints_show_and_change_the_configuration(simulators: BackgroundServer) -> None:
    # when
    changed = configure(simulators, seed=9, provisioning={"callbackSecret": SECRET, "latencyMs": 5})
    # then
    assert changed["seed"] == 9
    assert (changed["provisioning"]["callbackSecret"], changed["provisioning"]["latencyMs"]) == ("***", 5)
    assert httpx.patch(f"{simulators.url}/admin/config", json={"billing": {"latencyMs": -1}}).status_code == 422
    assert httpx.post(f"{simulators.url}/admin/reset").status_code == 204
    assert admin(simulators, "calls") == []


def test_a_request_without_an_idempotency_key_is_refused(simulators: BackgroundServer) -> None:
    response = httpx.post(f"{simulators.url}/inventory/reservations", json={"tenantId": "acme"})
    assert response.status_code == 422
    assert admin(simulators, "calls") == []
