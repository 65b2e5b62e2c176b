"""Facts about product orders. The outbox maps them to TMF622 notifications
(``ProductOrderCreateEvent``, ``ProductOrderStateChangeEvent``,
``ProductOrderAttributeValueChangeEvent`` for the ``@oms.*`` extension attributes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from oms.domain.fallout.events import FalloutCaseId
from oms.domain.order.consistency import RejectionReason
from oms.domain.order.keys import AmendmentRequestId, CancellationRequestId
from oms.domain.order.request import OrderHeader
from oms.domain.pricing.model import ChargeTotals
from oms.domain.shared.events import DomainEvent
from oms.domain.shared.ids import ActorId, OrderId, OrderItemId


@dataclass(frozen=True)
class ProductOrderCreated(DomainEvent):
    """The order passed the consistency check: it is ``acknowledged``. The application writes the
    fulfillment workflow start request (``fulfillment_business_key``) in the same transaction."""

    order_id: OrderId
    item_ids: tuple[OrderItemId, ...]
    header: OrderHeader  # related parties, quote, requested dates …: plain values
    totals: ChargeTotals | None
    supplements_order_id: OrderId | None
    created_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class ProductOrderRejected(DomainEvent):
    order_id: OrderId
    reasons: tuple[RejectionReason, ...]
    created_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class ProductOrderStateChanged(DomainEvent):
    order_id: OrderId
    previous_state: str
    state: str
    item_states: tuple[tuple[OrderItemId, str], ...]
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class ProductOrderItemStateChanged(DomainEvent):
    """An item changed state while the order's state stayed the same."""

    order_id: OrderId
    item_id: OrderItemId
    previous_state: str
    state: str
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class ProductOrderFalloutRecorded(DomainEvent):
    order_id: OrderId
    case_id: FalloutCaseId
    item_id: OrderItemId
    occurred_at: datetime


@dataclass(frozen=True)
class ProductOrderFalloutCleared(DomainEvent):
    order_id: OrderId
    case_id: FalloutCaseId
    occurred_at: datetime


@dataclass(frozen=True)
class ProductOrderCancellationRequested(DomainEvent):
    """The application writes the cancellation workflow start request with this request id."""

    order_id: OrderId
    request_id: CancellationRequestId
    reason: str
    requested_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class ProductOrderAmendmentRequested(DomainEvent):
    order_id: OrderId
    request_id: AmendmentRequestId
    requested_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class ProductOrderAmendmentConcluded(DomainEvent):
    """``status``: accepted (to be applied), refused or applied."""

    order_id: OrderId
    request_id: AmendmentRequestId
    status: str
    reasons: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class CancelProductOrderCreated(DomainEvent):
    request_id: CancellationRequestId
    order_id: OrderId
    reason: str
    requested_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class CancelProductOrderStateChanged(DomainEvent):
    request_id: CancellationRequestId
    order_id: OrderId
    previous_state: str
    state: str
    reason: str
    occurred_at: datetime
