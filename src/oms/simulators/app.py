"""The simulators as one FastAPI app: resource inventory, service provisioning, billing, logistics
(device shipments) and field service (installation appointments).

| system | operation | route | answer |
|---|---|---|---|
| inventory | reserve | ``POST /inventory/reservations`` | 201 reservation |
| inventory | release | ``POST /inventory/reservations/{id}/release`` | 200 |
| provisioning | provision | ``POST /provisioning/services`` | 202, then a callback |
| provisioning | modify | ``POST /provisioning/services/{id}/modify`` | 202, then a callback |
| provisioning | deprovision | ``POST /provisioning/services/{id}/deprovision`` | 202, then a callback |
| billing | activate | ``POST /billing/subscriptions`` | 201 subscription |
| billing | update | ``POST /billing/subscriptions/{id}/update`` | 200 |
| billing | deactivate | ``POST /billing/subscriptions/{id}/deactivate`` | 200 |
| logistics | ship | ``POST /logistics/shipments`` | 201 shipment |
| logistics | cancel-shipment | ``POST /logistics/shipments/{id}/cancel`` | 200 |
| field-service | schedule | ``POST /field-service/appointments`` | 201 appointment |
| field-service | cancel-installation | ``POST /field-service/appointments/{id}/cancel`` | 200 |

Every operation needs ``Idempotency-Key``. The first answer given for a key (success or business
rejection) is kept and repeated for that key, with ``Idempotent-Replayed: true``, and the effect is
not repeated; a 503 is not an answer (nothing happened) and is not kept. Business rejections are
``422 {"code": "businessRejection", "reasonCode": …}``. ``/admin`` reconfigures a system at run
time and shows the calls and callbacks (for tests and demos).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from oms.simulators.config import SimulatorConfig, System, SystemConfig
from oms.simulators.signing import SIGNATURE_HEADER, signature
from oms.simulators.state import Answer, CallbackDelivery, SimulatorState, now_text

REPLAYED_HEADER = "Idempotent-Replayed"


class OperationRequest(BaseModel):
    """What every operation accepts: the tenant, characteristics, and anything else (kept as sent)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    tenant_id: str = Field(alias="tenantId", min_length=1, max_length=64)
    characteristics: dict[str, Any] = Field(default_factory=dict)


IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=255)]


class CallbackSender:
    """Sends asynchronous results after the configured delay, signed, retrying failed deliveries."""

    def __init__(self, state: SimulatorState) -> None:
        self._state = state
        self._tasks: set[asyncio.Task[None]] = set()
        self._client: httpx.AsyncClient | None = None

    def schedule(self, system: System, payload: dict[str, Any], apply: Callable[[], None]) -> None:
        task = asyncio.get_running_loop().create_task(self._deliver(system, payload, apply))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    async def _deliver(self, system: System, payload: dict[str, Any], apply: Callable[[], None]) -> None:
        config = self._state.config.system(system)
        if config.callback_delay_ms:
            await asyncio.sleep(config.callback_delay_ms / 1000)
        apply()  # the system finished its work now
        if not config.callback_url:
            self._record(system, payload, "", 0, None, "no callback URL configured")
            return
        body = json.dumps(payload, separators=(",", ":")).encode()
        for _ in range(1 + config.callback_duplicates):
            await self._send(system, config, payload, body)

    async def _send(self, system: System, config: SystemConfig, payload: dict[str, Any], body: bytes) -> None:
        url = config.callback_url or ""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=10.0)
        for attempt in range(1, config.callback_max_attempts + 1):
            headers = {"Content-Type": "application/json"}
            if config.callback_secret:
                headers[SIGNATURE_HEADER] = signature(config.callback_secret, body, int(time.time()))
            try:
                response = await self._client.post(url, content=body, headers=headers)
            except httpx.HTTPError as error:
                self._record(system, payload, url, attempt, None, f"{type(error).__name__}: {error}")
            else:
                status = response.status_code
                self._record(system, payload, url, attempt, status, None if status < 300 else response.text[:500])
                if status < 300 or (400 <= status < 500 and status not in (408, 429)):
                    return  # delivered, or refused for good
            await asyncio.sleep(min(0.05 * 2**attempt, 5.0))

    def _record(
        self, system: System, payload: dict[str, Any], url: str, attempt: int, status: int | None, error: str | None
    ) -> None:
        self._state.deliveries.append(
            CallbackDelivery(
                system.value, payload["callbackId"], payload["correlationKey"], url, attempt, status, error, now_text()
            )
        )


def create_simulator_app(config: SimulatorConfig | None = None) -> FastAPI:
    state = SimulatorState(config or SimulatorConfig())
    sender = CallbackSender(state)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await sender.close()

    app = FastAPI(
        title="External system simulators",
        description=__doc__ or "",
        lifespan=lifespan,
        version="1.0.0",
    )
    app.state.simulator = state
    app.state.callbacks = sender

    async def serve(
        system: System,
        operation: str,
        key: str,
        request: OperationRequest,
        effect: Callable[[], Answer],
    ) -> JSONResponse:
        config = state.config.system(system)
        if config.latency_ms:
            await asyncio.sleep(config.latency_ms / 1000)
        attempt = state.next_attempt(system, key)
        body = request.model_dump(by_alias=True)
        kept = state.answers.get((system.value, key))
        if kept is not None:
            if kept.operation != operation:
                state.log_call(system, operation, key, attempt, 422, False, body)
                return JSONResponse(
                    {"code": "idempotencyKeyReused", "reason": f"the key was used for {kept.operation}"}, 422
                )
            state.log_call(system, operation, key, attempt, kept.status, True, body)
            return JSONResponse(kept.body, kept.status, headers={REPLAYED_HEADER: "true"})
        if state.transient_failure(system, key, attempt):
            state.log_call(system, operation, key, attempt, 503, False, body)
            return JSONResponse(
                {"code": "temporarilyUnavailable", "reason": f"{system.value} is busy; try again"},
                503,
                headers={"Retry-After": "1"},
            )
        rejection = state.rejection(system, operation, key, request.characteristics, "request")
        if rejection is not None:
            answer = Answer(
                422,
                {"code": "businessRejection", "reasonCode": rejection.reason_code, "reason": rejection.reason},
                operation,
            )
        else:
            answer = effect()
        state.answers[(system.value, key)] = answer
        state.log_call(system, operation, key, attempt, answer.status, False, body)
        return JSONResponse(answer.body, answer.status)

    def unknown(kind: str, identifier: str, operation: str) -> Answer:
        return Answer(
            422,
            {"code": "businessRejection", "reasonCode": f"unknown{kind}", "reason": f"no {kind.lower()} {identifier}"},
            operation,
        )

    # ------------------------------------------------------------------ inventory

    inventory = state.records[System.INVENTORY.value]

    @app.post("/inventory/reservations", tags=["inventory"], status_code=201)
    async def reserve(body: OperationRequest, key: IdempotencyKey) -> JSONResponse:
        def effect() -> Answer:
            reservation_id = state.new_id("res", System.INVENTORY, key)
            record = {"reservationId": reservation_id, "status": "reserved", **body.model_dump(by_alias=True)}
            inventory[reservation_id] = record
            return Answer(201, {"reservationId": reservation_id, "status": "reserved"}, "reserve")

        return await serve(System.INVENTORY, "reserve", key, body, effect)

    @app.post("/inventory/reservations/{reservation_id}/release", tags=["inventory"])
    async def release(reservation_id: str, body: OperationRequest, key: IdempotencyKey) -> JSONResponse:
        def effect() -> Answer:
            record = inventory.get(reservation_id)
            if record is None:
                return unknown("Reservation", reservation_id, "release")
            record["status"] = "released"
            return Answer(200, {"reservationId": reservation_id, "status": "released"}, "release")

        return await serve(System.INVENTORY, "release", key, body, effect)

    # ------------------------------------------------------------------ provisioning (asynchronous)

    services = state.records[System.PROVISIONING.value]

    def accept(operation: str, key: str, body: OperationRequest, service_id: str, done_status: str) -> Answer:
        request_id = state.new_id("preq", System.PROVISIONING, key)
        failure = state.rejection(System.PROVISIONING, operation, key, body.characteristics, "callback")
        payload: dict[str, Any] = {
            "callbackId": f"cb-{request_id}",
            "tenantId": body.tenant_id,
            "correlationKey": request_id,
            "status": "failed" if failure else "completed",
            "externalReference": service_id,
            "details": {"operation": operation, "idempotencyKey": key},
        }
        if failure is not None:
            payload["reasonCode"] = failure.reason_code
            payload["reason"] = failure.reason

        def apply() -> None:
            record = services[service_id]
            record["status"] = "failed" if failure else done_status
            if not failure and body.characteristics:
                record["characteristics"] = {**record.get("characteristics", {}), **body.characteristics}

        sender.schedule(System.PROVISIONING, payload, apply)
        return Answer(202, {"requestId": request_id, "serviceId": service_id, "status": "accepted"}, operation)

    @app.post("/provisioning/services", tags=["provisioning"], status_code=202)
    async def provision(body: OperationRequest, key: IdempotencyKey) -> JSONResponse:
        def effect() -> Answer:
            service_id = state.new_id("svc", System.PROVISIONING, key)
            services[service_id] = {"serviceId": service_id, "status": "provisioning", **body.model_dump(by_alias=True)}
            return accept("provision", key, body, service_id, "active")

        return await serve(System.PROVISIONING, "provision", key, body, effect)

    @app.post("/provisioning/services/{service_id}/modify", tags=["provisioning"], status_code=202)
    async def modify(service_id: str, body: OperationRequest, key: IdempotencyKey) -> JSONResponse:
        def effect() -> Answer:
            if service_id not in services:
                return unknown("Service", service_id, "modify")
            return accept("modify", key, body, service_id, "active")

        return await serve(System.PROVISIONING, "modify", key, body, effect)

    @app.post("/provisioning/services/{service_id}/deprovision", tags=["provisioning"], status_code=202)
    async def deprovision(service_id: str, body: OperationRequest, key: IdempotencyKey) -> JSONResponse:
        def effect() -> Answer:
            if service_id not in services:
                return unknown("Service", service_id, "deprovision")
            return accept("deprovision", key, body, service_id, "terminated")

        return await serve(System.PROVISIONING, "deprovision", key, body, effect)

    # ------------------------------------------------------------------ billing

    subscriptions = state.records[System.BILLING.value]

    @app.post("/billing/subscriptions", tags=["billing"], status_code=201)
    async def activate(body: OperationRequest, key: IdempotencyKey) -> JSONResponse:
        def effect() -> Answer:
            subscription_id = state.new_id("sub", System.BILLING, key)
            subscriptions[subscription_id] = {
                "subscriptionId": subscription_id,
                "status": "active",
                **body.model_dump(by_alias=True),
            }
            return Answer(201, {"subscriptionId": subscription_id, "status": "active"}, "activate")

        return await serve(System.BILLING, "activate", key, body, effect)

    def billing_change(operation: str, new_status: str | None) -> Callable[[str, OperationRequest], Answer]:
        def effect(subscription_id: str, body: OperationRequest) -> Answer:
            record = subscriptions.get(subscription_id)
            if record is None:
                return unknown("Subscription", subscription_id, operation)
            if new_status is not None:
                record["status"] = new_status
            record["characteristics"] = {**record.get("characteristics", {}), **body.characteristics}
            return Answer(200, {"subscriptionId": subscription_id, "status": record["status"]}, operation)

        return effect

    update_effect, deactivate_effect = billing_change("update", None), billing_change("deactivate", "inactive")

    @app.post("/billing/subscriptions/{subscription_id}/update", tags=["billing"])
    async def update(subscription_id: str, body: OperationRequest, key: IdempotencyKey) -> JSONResponse:
        return await serve(System.BILLING, "update", key, body, lambda: update_effect(subscription_id, body))

    @app.post("/billing/subscriptions/{subscription_id}/deactivate", tags=["billing"])
    async def deactivate(subscription_id: str, body: OperationRequest, key: IdempotencyKey) -> JSONResponse:
        return await serve(System.BILLING, "deactivate", key, body, lambda: deactivate_effect(subscription_id, body))

    # ------------------------------------------------------------------ logistics and field service

    def created(
        system: System, prefix: str, reference: str, status: str, operation: str
    ) -> Callable[[str, OperationRequest], Answer]:
        """The effect of an operation that creates a record (a shipment, an appointment)."""
        records = state.records[system.value]

        def effect(key: str, body: OperationRequest) -> Answer:
            identifier = state.new_id(prefix, system, key)
            records[identifier] = {reference: identifier, "status": status, **body.model_dump(by_alias=True)}
            return Answer(201, {reference: identifier, "status": status}, operation)

        return effect

    def cancelled(system: System, kind: str, reference: str, operation: str) -> Callable[[str], Answer]:
        """The effect of cancelling a record: an unknown one is a business rejection (``unknown<Kind>``)."""
        records = state.records[system.value]

        def effect(identifier: str) -> Answer:
            record = records.get(identifier)
            if record is None:
                return unknown(kind, identifier, operation)
            record["status"] = "cancelled"
            return Answer(200, {reference: identifier, "status": "cancelled"}, operation)

        return effect

    ship_effect = created(System.LOGISTICS, "shp", "shipmentId", "shipped", "ship")
    cancel_shipment_effect = cancelled(System.LOGISTICS, "Shipment", "shipmentId", "cancel-shipment")
    schedule_effect = created(System.FIELD_SERVICE, "apt", "appointmentId", "scheduled", "schedule")
    cancel_installation_effect = cancelled(System.FIELD_SERVICE, "Appointment", "appointmentId", "cancel-installation")

    @app.post("/logistics/shipments", tags=["logistics"], status_code=201)
    async def ship(body: OperationRequest, key: IdempotencyKey) -> JSONResponse:
        return await serve(System.LOGISTICS, "ship", key, body, lambda: ship_effect(key, body))

    @app.post("/logistics/shipments/{shipment_id}/cancel", tags=["logistics"])
    async def cancel_shipment(shipment_id: str, body: OperationRequest, key: IdempotencyKey) -> JSONResponse:
        return await serve(System.LOGISTICS, "cancel-shipment", key, body, lambda: cancel_shipment_effect(shipment_id))

    @app.post("/field-service/appointments", tags=["field-service"], status_code=201)
    async def schedule(body: OperationRequest, key: IdempotencyKey) -> JSONResponse:
        return await serve(System.FIELD_SERVICE, "schedule", key, body, lambda: schedule_effect(key, body))

    @app.post("/field-service/appointments/{appointment_id}/cancel", tags=["field-service"])
    async def cancel_installation(appointment_id: str, body: OperationRequest, key: IdempotencyKey) -> JSONResponse:
        return await serve(
            System.FIELD_SERVICE, "cancel-installation", key, body, lambda: cancel_installation_effect(appointment_id)
        )

    # ------------------------------------------------------------------ admin

    async def admin_token(token: Annotated[str | None, Header(alias="X-Admin-Token")] = None) -> None:
        if state.config.admin_token is not None and token != state.config.admin_token:
            raise HTTPException(401, "the admin endpoints need X-Admin-Token")

    admin = [Depends(admin_token)]

    def public_config() -> dict[str, Any]:
        return {"seed": state.config.seed, **{s.value: state.config.system(s).public() for s in System}}

    @app.get("/health", tags=["admin"])
    async def health() -> dict[str, str]:
        return {"status": "up"}

    @app.get("/admin/config", tags=["admin"], dependencies=admin)
    async def get_config() -> dict[str, Any]:
        return public_config()

    @app.patch("/admin/config", tags=["admin"], dependencies=admin)
    async def change_config(request: Request) -> dict[str, Any]:
        """``{"seed": 7, "provisioning": {"callbackDelayMs": 50, ...}}``: only the given fields change."""
        patch = await request.json()
        if not isinstance(patch, dict):
            raise HTTPException(400, "expected a JSON object")
        current = state.config.model_dump(by_alias=True)
        for name, value in patch.items():
            if isinstance(value, dict) and isinstance(current.get(name), dict):
                current[name] = {**current[name], **value}
            else:
                current[name] = value
        try:
            state.config = SimulatorConfig.model_validate(current)
        except ValueError as error:
            raise HTTPException(422, str(error)) from None
        return public_config()

    @app.get("/admin/calls", tags=["admin"], dependencies=admin)
    async def calls(
        system: System | None = None, idempotency_key: Annotated[str | None, Query(alias="idempotencyKey")] = None
    ) -> list[dict[str, Any]]:
        return [c.to_dict() for c in state.calls_of(system.value if system else None, idempotency_key)]

    @app.get("/admin/callbacks", tags=["admin"], dependencies=admin)
    async def callbacks(system: System | None = None) -> dict[str, Any]:
        deliveries = [d.to_dict() for d in state.deliveries if system is None or d.system == system.value]
        return {"pending": sender.pending, "deliveries": deliveries}

    @app.get("/admin/records/{system}", tags=["admin"], dependencies=admin)
    async def records(system: System) -> list[dict[str, Any]]:
        return list(state.records[system.value].values())

    @app.post("/admin/reset", tags=["admin"], dependencies=admin, status_code=204)
    async def reset() -> None:
        state.reset()

    return app
