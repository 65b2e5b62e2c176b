"""Facts about quotes. Amounts are the quote's totals at the time of the fact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from oms.domain.shared.events import DomainEvent
from oms.domain.shared.ids import ActorId, ApprovalCaseId, CustomerId, QuoteId, QuoteItemId
from oms.domain.shared.money import Money


@dataclass(frozen=True)
class QuoteCreated(DomainEvent):
    quote_id: QuoteId
    quote_version: int
    previous_quote_id: QuoteId | None
    customer_id: CustomerId
    item_ids: tuple[QuoteItemId, ...]
    one_time_total: Money
    recurring_monthly_total: Money
    valid_until: datetime
    created_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class QuoteItemsChanged(DomainEvent):
    quote_id: QuoteId
    item_ids: tuple[QuoteItemId, ...]
    one_time_total: Money
    recurring_monthly_total: Money
    changed_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class QuoteSubmitted(DomainEvent):
    quote_id: QuoteId
    approval_required: bool
    submitted_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class QuoteApprovalRequested(DomainEvent):
    quote_id: QuoteId
    approval_case_id: ApprovalCaseId
    levels: tuple[tuple[int, str], ...]  # (level, approver role)
    reasons: tuple[str, ...]
    deal_size: Money
    occurred_at: datetime


@dataclass(frozen=True)
class QuoteApproved(DomainEvent):
    quote_id: QuoteId
    approval_case_id: ApprovalCaseId | None  # None when no approval was needed
    occurred_at: datetime


@dataclass(frozen=True)
class QuoteApprovalDeclined(DomainEvent):
    """Extension: an approver declined; the quote is back in progress (not ``rejected``)."""

    quote_id: QuoteId
    approval_case_id: ApprovalCaseId
    occurred_at: datetime


@dataclass(frozen=True)
class QuoteAccepted(DomainEvent):
    quote_id: QuoteId
    accepted_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class QuoteRejected(DomainEvent):
    """The customer said no."""

    quote_id: QuoteId
    rejected_by: ActorId
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class QuoteCancelled(DomainEvent):
    quote_id: QuoteId
    previous_state: str
    approval_case_id: ApprovalCaseId | None  # set when a pending approval case must be cancelled too
    cancelled_by: ActorId
    reason: str
    occurred_at: datetime


@dataclass(frozen=True)
class QuoteExpired(DomainEvent):
    quote_id: QuoteId
    previous_state: str
    approval_case_id: ApprovalCaseId | None
    valid_until: datetime
    occurred_at: datetime
