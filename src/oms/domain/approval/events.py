"""Facts about approval cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from oms.domain.shared.events import DomainEvent
from oms.domain.shared.ids import ActorId, ApprovalCaseId, QuoteId


@dataclass(frozen=True)
class ApprovalCaseOpened(DomainEvent):
    case_id: ApprovalCaseId
    quote_id: QuoteId
    levels: tuple[tuple[int, str], ...]  # (level, role)
    opened_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class ApprovalDecisionRecorded(DomainEvent):
    case_id: ApprovalCaseId
    quote_id: QuoteId
    level: int
    role: str
    approver_id: ActorId
    outcome: str
    comment: str
    recorded_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class ApprovalEscalated(DomainEvent):
    case_id: ApprovalCaseId
    quote_id: QuoteId
    from_level: int
    to_level: int
    to_role: str
    reason: str
    escalated_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class ApprovalCaseApproved(DomainEvent):
    case_id: ApprovalCaseId
    quote_id: QuoteId
    occurred_at: datetime


@dataclass(frozen=True)
class ApprovalCaseRejected(DomainEvent):
    case_id: ApprovalCaseId
    quote_id: QuoteId
    level: int
    approver_id: ActorId
    comment: str
    occurred_at: datetime


@dataclass(frozen=True)
class ApprovalCaseCancelled(DomainEvent):
    case_id: ApprovalCaseId
    quote_id: QuoteId
    reason: str
    cancelled_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class ApprovalCaseExpired(DomainEvent):
    """Nobody decided the waiting level in time; the case closed without an approval."""

    case_id: ApprovalCaseId
    quote_id: QuoteId
    level: int  # the level that was waiting
    role: str
    expired_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class ApprovalLevelAssigned(DomainEvent):
    """The approvers of the waiting level are asked to decide (a notification: the case is unchanged)."""

    case_id: ApprovalCaseId
    quote_id: QuoteId
    level: int
    role: str
    assigned_by: ActorId
    occurred_at: datetime
