"""HTTP clients of the external systems, one class per system, one method per operation: resource
inventory, service provisioning, billing, logistics and field service.

Every method takes the ``idempotency_key`` of the request (``{taskId}:run-{n}`` for fulfillment
tasks: the same for every technical attempt of one run) and sends it as ``Idempotency-Key``; the
system answers a repeated key with its first answer (``replayed`` tells). Provisioning is
asynchronous: it answers 202 (``Accepted``, with its ``request_id``) and reports the result later by
a callback whose correlation key is that request id.

The clients are synchronous (workers run handlers on threads) and thread-safe (one ``httpx.Client``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx

from oms.integration.errors import BusinessRejection, RequestRefused, TransientError

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_TRANSIENT_STATUSES = frozenset({408, 429, 502, 503, 504})
_BUSINESS_STATUSES = frozenset({409, 422})


@dataclass(frozen=True)
class Reservation:
    reservation_id: str
    status: str
    replayed: bool


@dataclass(frozen=True)
class Accepted:
    """An asynchronous request the system took on: the result comes by callback."""

    request_id: str
    service_id: str
    status: str
    replayed: bool


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    status: str
    replayed: bool


@dataclass(frozen=True)
class Shipment:
    shipment_id: str
    status: str
    replayed: bool


@dataclass(frozen=True)
class Appointment:
    appointment_id: str
    status: str
    replayed: bool


class _SystemClient:
    system = ""

    def __init__(
        self,
        base_url: str,
        *,
        timeout_s: float = 10.0,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout_s, headers=dict(headers or {}), transport=transport
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def _post(
        self, operation: str, path: str, idempotency_key: str, body: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        """The answer's JSON body and whether it was replayed; every failure as an integration error."""
        if not idempotency_key:
            raise ValueError("Expected an idempotency key, but it was empty")
        try:
            response = self._http.post(path, json=body, headers={IDEMPOTENCY_HEADER: idempotency_key})
        except httpx.TimeoutException as error:
            raise TransientError(self.system, operation, f"no answer in time ({type(error).__name__})") from error
        except httpx.TransportError as error:
            raise TransientError(self.system, operation, f"{type(error).__name__}: {error}") from error
        status = response.status_code
        data = self._json(operation, response)
        if status in _TRANSIENT_STATUSES or (status >= 500 and status != 501):
            raise TransientError(
                self.system,
                operation,
                f"HTTP {status}: {data.get('reason', response.reason_phrase)}",
                status=status,
                retry_after_s=_retry_after(response),
            )
        if status in _BUSINESS_STATUSES:
            raise BusinessRejection(
                self.system,
                operation,
                str(data.get("reasonCode") or data.get("code") or "rejected"),
                str(data.get("reason", "")),
                status=status,
            )
        if status >= 300:
            raise RequestRefused(self.system, operation, f"HTTP {status}: {response.text[:300]}", status=status)
        return data, response.headers.get(REPLAYED_HEADER, "").lower() == "true"

    def _json(self, operation: str, response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            return data
        if response.status_code >= 500 or response.status_code in _TRANSIENT_STATUSES:
            return {}
        raise RequestRefused(
            self.system, operation, f"HTTP {response.status_code} without a JSON object", status=response.status_code
        )

    @staticmethod
    def _field(data: dict[str, Any], name: str, system: str, operation: str) -> str:
        value = data.get(name)
        if not isinstance(value, str):
            raise RequestRefused(system, operation, f"the answer has no {name!r}")
        return value


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.replace(".", "", 1).isdigit() else None


def _request(tenant_id: str, characteristics: Mapping[str, Any] | None, extra: Mapping[str, Any]) -> dict[str, Any]:
    return {"tenantId": tenant_id, "characteristics": dict(characteristics or {}), **extra}


class InventoryClient(_SystemClient):
    """Resource inventory: reserve a resource (a port, a number, an address), release it."""

    system = "inventory"

    def reserve(
        self,
        idempotency_key: str,
        *,
        tenant_id: str,
        resource_type: str,
        characteristics: Mapping[str, Any] | None = None,
        order_id: str | None = None,
    ) -> Reservation:
        extra = {"resourceType": resource_type} | ({"orderId": order_id} if order_id else {})
        data, replayed = self._post(
            "reserve", "/inventory/reservations", idempotency_key, _request(tenant_id, characteristics, extra)
        )
        return Reservation(self._field(data, "reservationId", self.system, "reserve"), data.get("status", ""), replayed)

    def release(self, idempotency_key: str, *, tenant_id: str, reservation_id: str) -> Reservation:
        path = f"/inventory/reservations/{reservation_id}/release"
        data, replayed = self._post("release", path, idempotency_key, _request(tenant_id, None, {}))
        return Reservation(self._field(data, "reservationId", self.system, "release"), data.get("status", ""), replayed)


class ProvisioningClient(_SystemClient):
    """Service provisioning, asynchronous: each operation is accepted (202) and its result arrives
    as a callback (``POST /callbacks/provisioning``) whose correlation key is the accepted request id."""

    system = "provisioning"

    def provision(
        self,
        idempotency_key: str,
        *,
        tenant_id: str,
        service_specification: str,
        characteristics: Mapping[str, Any] | None = None,
        order_id: str | None = None,
    ) -> Accepted:
        extra = {"serviceSpecification": service_specification} | ({"orderId": order_id} if order_id else {})
        data, replayed = self._post(
            "provision", "/provisioning/services", idempotency_key, _request(tenant_id, characteristics, extra)
        )
        return self._accepted("provision", data, replayed)

    def modify(
        self, idempotency_key: str, *, tenant_id: str, service_id: str, characteristics: Mapping[str, Any]
    ) -> Accepted:
        path = f"/provisioning/services/{service_id}/modify"
        data, replayed = self._post("modify", path, idempotency_key, _request(tenant_id, characteristics, {}))
        return self._accepted("modify", data, replayed)

    def deprovision(self, idempotency_key: str, *, tenant_id: str, service_id: str) -> Accepted:
        path = f"/provisioning/services/{service_id}/deprovision"
        data, replayed = self._post("deprovision", path, idempotency_key, _request(tenant_id, None, {}))
        return self._accepted("deprovision", data, replayed)

    def _accepted(self, operation: str, data: dict[str, Any], replayed: bool) -> Accepted:
        return Accepted(
            request_id=self._field(data, "requestId", self.system, operation),
            service_id=self._field(data, "serviceId", self.system, operation),
            status=str(data.get("status", "")),
            replayed=replayed,
        )


class BillingClient(_SystemClient):
    """Billing: activate a subscription, update its charges, deactivate it."""

    system = "billing"

    def activate(
        self,
        idempotency_key: str,
        *,
        tenant_id: str,
        product_offering: str,
        characteristics: Mapping[str, Any] | None = None,
        prices: Mapping[str, str] | None = None,
        order_id: str | None = None,
    ) -> Subscription:
        extra: dict[str, Any] = {"productOffering": product_offering, "prices": dict(prices or {})}
        if order_id:
            extra["orderId"] = order_id
        data, replayed = self._post(
            "activate", "/billing/subscriptions", idempotency_key, _request(tenant_id, characteristics, extra)
        )
        return self._subscription("activate", data, replayed)

    def update(
        self, idempotency_key: str, *, tenant_id: str, subscription_id: str, characteristics: Mapping[str, Any]
    ) -> Subscription:
        path = f"/billing/subscriptions/{subscription_id}/update"
        data, replayed = self._post("update", path, idempotency_key, _request(tenant_id, characteristics, {}))
        return self._subscription("update", data, replayed)

    def deactivate(self, idempotency_key: str, *, tenant_id: str, subscription_id: str) -> Subscription:
        path = f"/billing/subscriptions/{subscription_id}/deactivate"
        data, replayed = self._post("deactivate", path, idempotency_key, _request(tenant_id, None, {}))
        return self._subscription("deactivate", data, replayed)

    def _subscription(self, operation: str, data: dict[str, Any], replayed: bool) -> Subscription:
        return Subscription(
            self._field(data, "subscriptionId", self.system, operation), str(data.get("status", "")), replayed
        )


class LogisticsClient(_SystemClient):
    """Logistics: ship a device (a router, set-top boxes) to the customer, cancel the shipment."""

    system = "logistics"

    def ship(
        self,
        idempotency_key: str,
        *,
        tenant_id: str,
        device_type: str,
        quantity: int = 1,
        characteristics: Mapping[str, Any] | None = None,
        order_id: str | None = None,
    ) -> Shipment:
        extra: dict[str, Any] = {"deviceType": device_type, "quantity": quantity}
        if order_id:
            extra["orderId"] = order_id
        data, replayed = self._post(
            "ship", "/logistics/shipments", idempotency_key, _request(tenant_id, characteristics, extra)
        )
        return self._shipment("ship", data, replayed)

    def cancel(self, idempotency_key: str, *, tenant_id: str, shipment_id: str) -> Shipment:
        path = f"/logistics/shipments/{shipment_id}/cancel"
        data, replayed = self._post("cancel-shipment", path, idempotency_key, _request(tenant_id, None, {}))
        return self._shipment("cancel-shipment", data, replayed)

    def _shipment(self, operation: str, data: dict[str, Any], replayed: bool) -> Shipment:
        return Shipment(self._field(data, "shipmentId", self.system, operation), str(data.get("status", "")), replayed)


class FieldServiceClient(_SystemClient):
    """Field service: book an installation appointment (a technician visit or a self-install kit), cancel it."""

    system = "field-service"

    def schedule(
        self,
        idempotency_key: str,
        *,
        tenant_id: str,
        work_type: str,
        characteristics: Mapping[str, Any] | None = None,
        order_id: str | None = None,
    ) -> Appointment:
        extra: dict[str, Any] = {"workType": work_type}
        if order_id:
            extra["orderId"] = order_id
        data, replayed = self._post(
            "schedule", "/field-service/appointments", idempotency_key, _request(tenant_id, characteristics, extra)
        )
        return self._appointment("schedule", data, replayed)

    def cancel(self, idempotency_key: str, *, tenant_id: str, appointment_id: str) -> Appointment:
        path = f"/field-service/appointments/{appointment_id}/cancel"
        data, replayed = self._post("cancel-installation", path, idempotency_key, _request(tenant_id, None, {}))
        return self._appointment("cancel-installation", data, replayed)

    def _appointment(self, operation: str, data: dict[str, Any], replayed: bool) -> Appointment:
        return Appointment(
            self._field(data, "appointmentId", self.system, operation), str(data.get("status", "")), replayed
        )
