"""Approval values and quote authorizations as plain JSON (camelCase keys, amounts and percentages
as strings, times as ISO 8601), the one shape used for storage (jsonb), views and audit.

Catalog and price breakdowns already have theirs in the domain (``catalog_to_dict``,
``breakdown_to_dict``); these cover what the domain leaves to its callers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from oms.domain.approval.case import ApprovalDecision, DecisionOutcome, Escalation
from oms.domain.approval.figures import DealFigures
from oms.domain.approval.policy import ApprovalLevel, ApprovalRequirement, RequiredLevel
from oms.domain.quote.items import AuthorizationState, QuoteAuthorization
from oms.domain.shared.ids import ActorId, ApprovalCaseId
from oms.domain.shared.money import Money

Json = dict[str, Any]


def iso_or_none(value: datetime | None) -> str | None:
    """A time as ISO 8601 for JSON, or None."""
    return None if value is None else value.isoformat()


def requirement_to_dict(requirement: ApprovalRequirement) -> Json:
    figures = requirement.figures
    return {
        "figures": {
            "maxItemDiscountPercent": str(figures.max_item_discount_percent),
            "overallDiscountPercent": str(figures.overall_discount_percent),
            "dealSize": figures.deal_size.to_dict(),
        },
        "levels": [required_level_to_dict(level) for level in requirement.levels],
    }


def requirement_from_dict(data: Json) -> ApprovalRequirement:
    figures = data["figures"]
    return ApprovalRequirement(
        figures=DealFigures(
            max_item_discount_percent=Decimal(figures["maxItemDiscountPercent"]),
            overall_discount_percent=Decimal(figures["overallDiscountPercent"]),
            deal_size=Money.from_dict(figures["dealSize"]),
        ),
        levels=tuple(required_level_from_dict(level) for level in data["levels"]),
    )


def required_level_to_dict(level: RequiredLevel) -> Json:
    return {"level": level.level, "name": level.name, "role": level.role, "reasons": list(level.reasons)}


def required_level_from_dict(data: Json) -> RequiredLevel:
    return RequiredLevel(data["level"], data["name"], data["role"], tuple(data["reasons"]))


def ladder_level_to_dict(level: ApprovalLevel) -> Json:
    return {
        "level": level.level,
        "name": level.name,
        "role": level.role,
        "discountAbovePercent": str(level.discount_above_percent),
        "dealSizeAbove": level.deal_size_above.to_dict(),
    }


def ladder_level_from_dict(data: Json) -> ApprovalLevel:
    return ApprovalLevel(
        level=data["level"],
        name=data["name"],
        role=data["role"],
        discount_above_percent=Decimal(data["discountAbovePercent"]),
        deal_size_above=Money.from_dict(data["dealSizeAbove"]),
    )


def authorization_to_dict(authorization: QuoteAuthorization) -> Json:
    return {
        "approvalCaseId": authorization.approval_case_id,
        "level": authorization.level,
        "role": authorization.role,
        "name": authorization.name,
        "state": str(authorization.state),
        "approverId": authorization.approver_id,
        "requestedAt": authorization.requested_at.isoformat(),
        "givenAt": authorization.given_at.isoformat(),
        "comment": authorization.comment,
    }


def authorization_from_dict(data: Json) -> QuoteAuthorization:
    return QuoteAuthorization(
        approval_case_id=ApprovalCaseId(data["approvalCaseId"]),
        level=data["level"],
        role=data["role"],
        state=AuthorizationState(data["state"]),
        approver_id=ActorId(data["approverId"]),
        requested_at=datetime.fromisoformat(data["requestedAt"]),
        given_at=datetime.fromisoformat(data["givenAt"]),
        comment=data["comment"],
    )


def decision_to_dict(decision: ApprovalDecision) -> Json:
    return {
        "level": decision.level,
        "role": decision.role,
        "approverId": decision.approver_id,
        "outcome": str(decision.outcome),
        "comment": decision.comment,
        "decidedAt": decision.decided_at.isoformat(),
        "recordedBy": decision.recorded_by,
    }


def decision_from_dict(data: Json) -> ApprovalDecision:
    return ApprovalDecision(
        level=data["level"],
        role=data["role"],
        approver_id=ActorId(data["approverId"]),
        outcome=DecisionOutcome(data["outcome"]),
        comment=data["comment"],
        decided_at=datetime.fromisoformat(data["decidedAt"]),
        recorded_by=ActorId(data["recordedBy"]),
    )


def escalation_to_dict(escalation: Escalation) -> Json:
    return {
        "fromLevel": escalation.from_level,
        "toLevel": escalation.to_level,
        "reason": escalation.reason,
        "escalatedBy": escalation.escalated_by,
        "escalatedAt": escalation.escalated_at.isoformat(),
    }


def escalation_from_dict(data: Json) -> Escalation:
    return Escalation(
        from_level=data["fromLevel"],
        to_level=data["toLevel"],
        reason=data["reason"],
        escalated_by=ActorId(data["escalatedBy"]),
        escalated_at=datetime.fromisoformat(data["escalatedAt"]),
    )
