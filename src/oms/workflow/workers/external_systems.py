"""The external systems as the application's port (:class:`~oms.application.external_systems.ExternalSystems`),
over the HTTP clients of :mod:`oms.integration`: one client per configured system, the client's errors
translated into the application's (transient, business rejection, refused). A system without a base
URL is not configured: its tasks are refused (an incident), see docs/workers.md."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from oms.application.external_systems import ExternalRefused, ExternalRejection, ExternalTransient, Json
from oms.integration.clients import (
    BillingClient,
    FieldServiceClient,
    InventoryClient,
    LogisticsClient,
    ProvisioningClient,
)
from oms.integration.errors import BusinessRejection, RequestRefused, TransientError


@dataclass(frozen=True)
class SystemUrls:
    """Base URLs of the systems; ``None``: not configured (its tasks are refused)."""

    inventory: str | None = None
    provisioning: str | None = None
    billing: str | None = None
    timeout_s: float = 10.0
    logistics: str | None = None
    field_service: str | None = None

    @classmethod
    def all_at(cls, base_url: str, timeout_s: float = 10.0) -> SystemUrls:
        """Every system at one address (``oms simulators`` serves all five)."""
        return cls(base_url, base_url, base_url, timeout_s, logistics=base_url, field_service=base_url)


class _NotConfigured(Exception):
    """A system without a base URL; ``send`` names the operation that needed it."""

    def __init__(self, system: str) -> None:
        super().__init__(system)
        self.system = system


class HttpExternalSystems:
    def __init__(self, urls: SystemUrls) -> None:
        self._inventory = None if urls.inventory is None else InventoryClient(urls.inventory, timeout_s=urls.timeout_s)
        self._provisioning = (
            None if urls.provisioning is None else ProvisioningClient(urls.provisioning, timeout_s=urls.timeout_s)
        )
        self._billing = None if urls.billing is None else BillingClient(urls.billing, timeout_s=urls.timeout_s)
        self._logistics = None if urls.logistics is None else LogisticsClient(urls.logistics, timeout_s=urls.timeout_s)
        self._field_service = (
            None if urls.field_service is None else FieldServiceClient(urls.field_service, timeout_s=urls.timeout_s)
        )
        self._operations: dict[tuple[str, str], Callable[[str, Mapping[str, Any]], Json]] = {
            ("inventory", "reserve"): self._reserve,
            ("inventory", "release"): self._release,
            ("provisioning", "provision"): self._provision,
            ("provisioning", "modify"): self._modify,
            ("provisioning", "deprovision"): self._deprovision,
            ("billing", "activate"): self._activate,
            ("billing", "update"): self._update,
            ("billing", "deactivate"): self._deactivate,
            ("logistics", "ship"): self._ship,
            ("logistics", "cancel-shipment"): self._cancel_shipment,
            ("field-service", "schedule"): self._schedule,
            ("field-service", "cancel-installation"): self._cancel_installation,
        }

    def send(self, system: str, operation: str, idempotency_key: str, request: Mapping[str, Any]) -> Json:
        action = self._operations.get((system, operation))
        if action is None:
            raise ExternalRefused(system, operation, "no adapter is configured for this system and operation")
        try:
            return action(idempotency_key, request)
        except _NotConfigured as error:
            raise ExternalRefused(
                system, operation, f"no base URL is configured for {error.system} (docs/workers.md)"
            ) from error
        except TransientError as error:
            raise ExternalTransient(system, operation, str(error), retry_after_s=error.retry_after_s) from error
        except BusinessRejection as error:
            raise ExternalRejection(system, operation, error.reason_code, error.reason) from error
        except RequestRefused as error:
            raise ExternalRefused(system, operation, str(error)) from error

    # -- one method per operation -------------------------------------------------------------------

    def _client(self, client: Any, system: str) -> Any:
        if client is None:
            raise _NotConfigured(system)
        return client

    def _reserve(self, key: str, request: Mapping[str, Any]) -> Json:
        inventory: InventoryClient = self._client(self._inventory, "inventory")
        answer = inventory.reserve(
            key,
            tenant_id=request["tenantId"],
            resource_type=request["resourceType"],
            characteristics=request.get("characteristics"),
            order_id=request.get("orderId"),
        )
        return {"reservationId": answer.reservation_id, "status": answer.status, "replayed": answer.replayed}

    def _release(self, key: str, request: Mapping[str, Any]) -> Json:
        inventory: InventoryClient = self._client(self._inventory, "inventory")
        answer = inventory.release(key, tenant_id=request["tenantId"], reservation_id=request["reservationId"])
        return {"reservationId": answer.reservation_id, "status": answer.status, "replayed": answer.replayed}

    def _provision(self, key: str, request: Mapping[str, Any]) -> Json:
        provisioning: ProvisioningClient = self._client(self._provisioning, "provisioning")
        answer = provisioning.provision(
            key,
            tenant_id=request["tenantId"],
            service_specification=request["serviceSpecification"],
            characteristics=request.get("characteristics"),
            order_id=request.get("orderId"),
        )
        return _accepted(answer.request_id, answer.service_id, answer.status, answer.replayed)

    def _modify(self, key: str, request: Mapping[str, Any]) -> Json:
        provisioning: ProvisioningClient = self._client(self._provisioning, "provisioning")
        answer = provisioning.modify(
            key,
            tenant_id=request["tenantId"],
            service_id=request["serviceId"],
            characteristics=request.get("characteristics") or {},
        )
        return _accepted(answer.request_id, answer.service_id, answer.status, answer.replayed)

    def _deprovision(self, key: str, request: Mapping[str, Any]) -> Json:
        provisioning: ProvisioningClient = self._client(self._provisioning, "provisioning")
        answer = provisioning.deprovision(key, tenant_id=request["tenantId"], service_id=request["serviceId"])
        return _accepted(answer.request_id, answer.service_id, answer.status, answer.replayed)

    def _activate(self, key: str, request: Mapping[str, Any]) -> Json:
        billing: BillingClient = self._client(self._billing, "billing")
        answer = billing.activate(
            key,
            tenant_id=request["tenantId"],
            product_offering=request["productOffering"],
            characteristics=request.get("characteristics"),
            prices=request.get("prices"),
            order_id=request.get("orderId"),
        )
        return {"subscriptionId": answer.subscription_id, "status": answer.status, "replayed": answer.replayed}

    def _update(self, key: str, request: Mapping[str, Any]) -> Json:
        billing: BillingClient = self._client(self._billing, "billing")
        answer = billing.update(
            key,
            tenant_id=request["tenantId"],
            subscription_id=request["subscriptionId"],
            characteristics=request.get("characteristics") or {},
        )
        return {"subscriptionId": answer.subscription_id, "status": answer.status, "replayed": answer.replayed}

    def _deactivate(self, key: str, request: Mapping[str, Any]) -> Json:
        billing: BillingClient = self._client(self._billing, "billing")
        answer = billing.deactivate(key, tenant_id=request["tenantId"], subscription_id=request["subscriptionId"])
        return {"subscriptionId": answer.subscription_id, "status": answer.status, "replayed": answer.replayed}

    def _ship(self, key: str, request: Mapping[str, Any]) -> Json:
        logistics: LogisticsClient = self._client(self._logistics, "logistics")
        answer = logistics.ship(
            key,
            tenant_id=request["tenantId"],
            device_type=request["deviceType"],
            quantity=int(request.get("quantity", 1)),
            characteristics=request.get("characteristics"),
            order_id=request.get("orderId"),
        )
        return {"shipmentId": answer.shipment_id, "status": answer.status, "replayed": answer.replayed}

    def _cancel_shipment(self, key: str, request: Mapping[str, Any]) -> Json:
        logistics: LogisticsClient = self._client(self._logistics, "logistics")
        answer = logistics.cancel(key, tenant_id=request["tenantId"], shipment_id=request["shipmentId"])
        return {"shipmentId": answer.shipment_id, "status": answer.status, "replayed": answer.replayed}

    def _schedule(self, key: str, request: Mapping[str, Any]) -> Json:
        field_service: FieldServiceClient = self._client(self._field_service, "field-service")
        answer = field_service.schedule(
            key,
            tenant_id=request["tenantId"],
            work_type=request["workType"],
            characteristics=request.get("characteristics"),
            order_id=request.get("orderId"),
        )
        return {"appointmentId": answer.appointment_id, "status": answer.status, "replayed": answer.replayed}

    def _cancel_installation(self, key: str, request: Mapping[str, Any]) -> Json:
        field_service: FieldServiceClient = self._client(self._field_service, "field-service")
        answer = field_service.cancel(key, tenant_id=request["tenantId"], appointment_id=request["appointmentId"])
        return {"appointmentId": answer.appointment_id, "status": answer.status, "replayed": answer.replayed}

    # -- life cycle -----------------------------------------------------------------------------

    def close(self) -> None:
        for client in (self._inventory, self._provisioning, self._billing, self._logistics, self._field_service):
            if client is not None:
                client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def _accepted(request_id: str, service_id: str, status: str, replayed: bool) -> Json:
    return {"requestId": request_id, "serviceId": service_id, "status": status, "replayed": replayed}
