"""What order commands and queries return: detached, plain values with ``to_dict()`` (camelCase
JSON), as ``views.py`` is for quotes. The API renders TMF622 ``productOrder`` and
``cancelProductOrder`` from these; an idempotent command stores ``to_dict()`` to replay it.

Extension attributes TMF622 v4 has no field for are named as the API renders them:
``@oms.rejectionReason``, ``@oms.falloutStatus``, ``@oms.amendmentStatus``,
``@oms.cancellationOutcome``, ``@oms.supplementsOrder``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oms.application.codecs import iso_or_none
from oms.application.order_codecs import (
    characteristics_to_json,
    item_request_to_dict,
    party_to_dict,
    price_line_to_dict,
    reason_to_dict,
)
from oms.application.views import Page
from oms.domain.order.amendment import ProductOrderAmendment
from oms.domain.order.cancellation import CancelProductOrder
from oms.domain.order.items import ProductOrderItem
from oms.domain.order.model import ProductOrder
from oms.domain.pricing.snapshot import breakdown_to_dict, item_price_to_dict
from oms.domain.shared.money import Money

Json = dict[str, Any]


def _money(value: Money | None) -> Json | None:
    return None if value is None else value.to_dict()


@dataclass(frozen=True)
class OrderItemView:
    id: str
    action: str  # add, modify, delete, noChange
    state: str
    offering_id: str | None
    specification_id: str | None
    characteristics: tuple[Json, ...]  # productCharacteristic: name, valueType, value
    quantity: int
    product_id: str | None  # the existing product acted on; for a completed add, the product created
    quote_item_id: str | None
    parent_item_id: str | None  # the bundle item this one belongs to
    price: Json | None  # the item's own price snapshot (item_price_to_dict)

    @classmethod
    def of(cls, item: ProductOrderItem) -> OrderItemView:
        return cls(
            id=item.item_id,
            action=str(item.action),
            state=str(item.state),
            offering_id=item.offering_id,
            specification_id=item.specification_id,
            characteristics=tuple(characteristics_to_json(item.characteristics)),
            quantity=item.quantity,
            product_id=item.product_id,
            quote_item_id=item.quote_item_id,
            parent_item_id=item.parent_item_id,
            price=None if item.price is None else item_price_to_dict(item.price),
        )

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "action": self.action,
            "state": self.state,
            "productOffering": self.offering_id,
            "productSpecification": self.specification_id,
            "productCharacteristic": list(self.characteristics),
            "quantity": self.quantity,
            "productId": self.product_id,
            "quoteItemId": self.quote_item_id,
            "parentItemId": self.parent_item_id,
            "price": self.price,
        }


@dataclass(frozen=True)
class OrderView:
    id: str
    version: int  # optimistic-locking version (ETag / If-Match)
    state: str
    order_date: datetime
    completion_date: datetime | None
    cancellation_date: datetime | None
    cancellation_reason: str | None
    items: tuple[OrderItemView, ...]
    related_parties: tuple[Json, ...]
    quote_id: str | None
    requested_start_date: datetime | None
    requested_completion_date: datetime | None
    category: str | None
    description: str
    external_id: str | None
    priority: str | None
    currency: str | None  # None only for a rejected order that could not be priced
    one_time_total: Money | None
    recurring_monthly_total: Money | None
    order_lines: tuple[Json, ...]  # order-level price lines (a quote's manual discount)
    rejection_reasons: tuple[Json, ...]  # @oms.rejectionReason: code, message, itemId
    fallout_status: str  # @oms.falloutStatus: none, inFallout
    fallout_case_ids: tuple[str, ...]
    amendment_status: str | None  # @oms.amendmentStatus
    amendment_request_id: str | None
    cancellation_request_id: str | None
    supplements_order_id: str | None  # @oms.supplementsOrder

    @classmethod
    def of(cls, order: ProductOrder) -> OrderView:
        header, totals = order.header, order.totals
        return cls(
            id=order.id,
            version=order.version,
            state=str(order.state),
            order_date=order.order_date,
            completion_date=order.completion_date,
            cancellation_date=order.cancellation_date,
            cancellation_reason=order.cancellation_reason,
            items=tuple(OrderItemView.of(item) for item in order.items),
            related_parties=tuple(party_to_dict(p) for p in header.related_parties),
            quote_id=header.quote_id,
            requested_start_date=header.requested_start_date,
            requested_completion_date=header.requested_completion_date,
            category=header.category,
            description=header.description,
            external_id=header.external_id,
            priority=header.priority,
            currency=order.currency,
            one_time_total=None if totals is None else totals.one_time,
            recurring_monthly_total=None if totals is None else totals.recurring_monthly,
            order_lines=tuple(price_line_to_dict(line) for line in order.order_lines),
            rejection_reasons=tuple(reason_to_dict(r) for r in order.rejection_reasons),
            fallout_status=str(order.fallout_status),
            fallout_case_ids=tuple(hold.case_id for hold in order.fallout_holds),
            amendment_status=None if order.amendment_status is None else str(order.amendment_status),
            amendment_request_id=order.amendment_request_id,
            cancellation_request_id=order.cancellation_request_id,
            supplements_order_id=order.supplements_order_id,
        )

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "version": self.version,
            "state": self.state,
            "orderDate": iso_or_none(self.order_date),
            "completionDate": iso_or_none(self.completion_date),
            "cancellationDate": iso_or_none(self.cancellation_date),
            "cancellationReason": self.cancellation_reason,
            "items": [item.to_dict() for item in self.items],
            "relatedParty": list(self.related_parties),
            "quoteId": self.quote_id,
            "requestedStartDate": iso_or_none(self.requested_start_date),
            "requestedCompletionDate": iso_or_none(self.requested_completion_date),
            "category": self.category,
            "description": self.description,
            "externalId": self.external_id,
            "priority": self.priority,
            "currency": self.currency,
            "totals": {
                "oneTime": _money(self.one_time_total),
                "recurringMonthly": _money(self.recurring_monthly_total),
            },
            "orderLines": list(self.order_lines),
            "rejectionReasons": list(self.rejection_reasons),
            "falloutStatus": self.fallout_status,
            "falloutCaseIds": list(self.fallout_case_ids),
            "amendmentStatus": self.amendment_status,
            "amendmentRequestId": self.amendment_request_id,
            "cancellationRequestId": self.cancellation_request_id,
            "supplementsOrderId": self.supplements_order_id,
        }


@dataclass(frozen=True)
class OrderSummary:
    """One row of an order list: enough to show and to page, without items."""

    id: str
    version: int
    state: str
    order_date: datetime
    completion_date: datetime | None
    external_id: str | None
    quote_id: str | None
    currency: str | None
    one_time_total: Money | None
    recurring_monthly_total: Money | None
    item_count: int
    fallout_status: str
    supplements_order_id: str | None

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "version": self.version,
            "state": self.state,
            "orderDate": iso_or_none(self.order_date),
            "completionDate": iso_or_none(self.completion_date),
            "externalId": self.external_id,
            "quoteId": self.quote_id,
            "currency": self.currency,
            "totals": {
                "oneTime": _money(self.one_time_total),
                "recurringMonthly": _money(self.recurring_monthly_total),
            },
            "itemCount": self.item_count,
            "falloutStatus": self.fallout_status,
            "supplementsOrderId": self.supplements_order_id,
        }


OrderPage = Page[OrderSummary]


@dataclass(frozen=True)
class CancellationView:
    """TMF622 ``cancelProductOrder``; states acknowledged, inProgress, done, terminatedWithError."""

    id: str
    version: int
    order_id: str
    state: str
    reason: str  # cancellationReason
    requested_at: datetime
    requested_by: str
    requested_cancellation_date: datetime | None
    effective_cancellation_date: datetime | None
    outcome: str | None  # @oms.cancellationOutcome: accepted, refused
    outcome_reason: str
    compensation_plan_id: str | None
    fallout_case_ids: tuple[str, ...]  # open compensation fallout

    @classmethod
    def of(cls, request: CancelProductOrder) -> CancellationView:
        return cls(
            id=request.id,
            version=request.version,
            order_id=request.order_id,
            state=str(request.state),
            reason=request.reason,
            requested_at=request.requested_at,
            requested_by=request.requested_by,
            requested_cancellation_date=request.requested_cancellation_date,
            effective_cancellation_date=request.effective_cancellation_date,
            outcome=None if request.outcome is None else str(request.outcome),
            outcome_reason=request.outcome_reason,
            compensation_plan_id=request.compensation_plan_id,
            fallout_case_ids=tuple(request.fallout_case_ids),
        )

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "version": self.version,
            "orderId": self.order_id,
            "state": self.state,
            "cancellationReason": self.reason,
            "requestedAt": iso_or_none(self.requested_at),
            "requestedBy": self.requested_by,
            "requestedCancellationDate": iso_or_none(self.requested_cancellation_date),
            "effectiveCancellationDate": iso_or_none(self.effective_cancellation_date),
            "outcome": self.outcome,
            "outcomeReason": self.outcome_reason,
            "compensationPlanId": self.compensation_plan_id,
            "falloutCaseIds": list(self.fallout_case_ids),
        }


CancellationPage = Page[CancellationView]


@dataclass(frozen=True)
class AmendmentView:
    id: str
    version: int
    order_id: str
    status: str  # assessing, accepted, applied, refused
    requested_at: datetime
    requested_by: str
    add: tuple[Json, ...]  # requested items (item_request_to_dict)
    modify: tuple[Json, ...]
    remove: tuple[str, ...]
    price: Json | None  # prices of added and modified items at amendment time
    reasons: tuple[str, ...]  # why it was refused
    approval_required: bool = False  # the revision undoes work already done: an operator decides
    approval: Json | None = None  # the operator's decision: approved, decidedBy, decidedAt, comment

    @property
    def awaiting_approval(self) -> bool:
        return self.status == "accepted" and self.approval_required and self.approval is None

    @classmethod
    def of(cls, amendment: ProductOrderAmendment) -> AmendmentView:
        return cls(
            id=amendment.id,
            version=amendment.version,
            order_id=amendment.order_id,
            status=str(amendment.status),
            requested_at=amendment.requested_at,
            requested_by=amendment.requested_by,
            add=tuple(item_request_to_dict(item) for item in amendment.add),
            modify=tuple(item_request_to_dict(item) for item in amendment.modify),
            remove=tuple(amendment.remove),
            price=None if amendment.price is None else breakdown_to_dict(amendment.price),
            reasons=tuple(amendment.reasons),
            approval_required=amendment.approval_required,
            approval=None
            if amendment.approval is None
            else {
                "approved": amendment.approval.approved,
                "decidedBy": amendment.approval.decided_by,
                "decidedAt": iso_or_none(amendment.approval.decided_at),
                "comment": amendment.approval.comment,
            },
        )

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "version": self.version,
            "orderId": self.order_id,
            "status": self.status,
            "requestedAt": iso_or_none(self.requested_at),
            "requestedBy": self.requested_by,
            "add": list(self.add),
            "modify": list(self.modify),
            "remove": list(self.remove),
            "price": self.price,
            "reasons": list(self.reasons),
            "approvalRequired": self.approval_required,
            "approval": self.approval,
        }


AMENDMENT = "amendment"
SUPPLEMENTAL_ORDER = "supplementalOrder"


@dataclass(frozen=True)
class OrderChangeView:
    """The answer to a requested change of an order's items: an amendment of the order in flight
    (``kind`` = amendment, ``order`` is the amended order), or, for a completed order, a new
    supplemental order linked to it (``kind`` = supplementalOrder, ``order`` is the new order)."""

    kind: str
    order: OrderView
    amendment: AmendmentView | None

    def to_dict(self) -> Json:
        return {
            "kind": self.kind,
            "order": self.order.to_dict(),
            "amendment": None if self.amendment is None else self.amendment.to_dict(),
        }
