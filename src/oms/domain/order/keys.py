"""Business keys of the order's workflows and the ids of requests about an order.

The application writes a ``workflow_start_request`` under these keys in the same transaction as
the business change; the keys make a redelivered start idempotent (unique per tenant, workflow
type and business key)."""

from __future__ import annotations

from typing import NewType

from oms.domain.shared.errors import DomainError
from oms.domain.shared.ids import OrderId

CancellationRequestId = NewType("CancellationRequestId", str)
AmendmentRequestId = NewType("AmendmentRequestId", str)


class InvalidKeyPart(DomainError):
    code = "invalidKeyPart"

    def __init__(self, what: str, value: str) -> None:
        super().__init__(f"{what} {value!r} cannot be part of a business key", what=what, value=value)


def _part(what: str, value: str) -> str:
    # ":" separates the parts; an id containing it would make two different keys look alike.
    if not value or ":" in value:
        raise InvalidKeyPart(what, value)
    return value


def fulfillment_business_key(tenant_id: str, order_id: OrderId) -> str:
    return f"order:{_part('tenantId', tenant_id)}:{_part('orderId', order_id)}:fulfillment"


def cancellation_business_key(tenant_id: str, order_id: OrderId, request_id: CancellationRequestId) -> str:
    base = f"order:{_part('tenantId', tenant_id)}:{_part('orderId', order_id)}"
    return f"{base}:cancellation:{_part('requestId', request_id)}"


def amendment_business_key(tenant_id: str, order_id: OrderId, request_id: AmendmentRequestId) -> str:
    base = f"order:{_part('tenantId', tenant_id)}:{_part('orderId', order_id)}"
    return f"{base}:amendment:{_part('requestId', request_id)}"
