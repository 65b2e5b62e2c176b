"""What the audit trail keeps of an aggregate before and after a command: the facts a reviewer
asks about (state, versions, totals, discounts, approval), not the whole document, so audit rows
stay small and readable. Who, when and under which correlation id the unit of work adds."""

from __future__ import annotations

from typing import Any

from oms.application.unit_of_work import UnitOfWork
from oms.domain.approval.case import ApprovalCase
from oms.domain.quote.model import Quote

Json = dict[str, Any]


def quote_state(quote: Quote) -> Json:
    totals = quote.price.totals
    return {
        "state": str(quote.state),
        "version": quote.version,
        "quoteVersion": quote.quote_version,
        "itemIds": list(quote.item_ids),
        "oneTimeTotal": totals.one_time.to_dict(),
        "recurringMonthlyTotal": totals.recurring_monthly.to_dict(),
        "quoteDiscountPercent": str(quote.price.quote_discount_percent),
        "itemDiscountPercents": {item.id: str(item.manual_discount_percent) for item in quote.items},
        "catalogVersion": quote.price.catalog_version,
        "validUntil": quote.valid_until.isoformat(),
        "approvalCaseId": quote.approval_case_id,
        "supersededBy": quote.superseded_by,
    }


def approval_case_state(case: ApprovalCase) -> Json:
    current = case.current_level
    return {
        "state": str(case.state),
        "version": case.version,
        "currentLevel": None if current is None else current.level,
        "levels": [level.level for level in case.levels],
        "decisions": [
            {"level": d.level, "approverId": d.approver_id, "outcome": str(d.outcome)} for d in case.decisions
        ],
        "escalations": len(case.escalations),
    }


def record_quote_change(uow: UnitOfWork, action: str, quote: Quote, before: Json | None) -> None:
    uow.audit.record(action, "quote", quote.id, before, quote_state(quote))


def record_case_change(uow: UnitOfWork, action: str, case: ApprovalCase, before: Json | None) -> None:
    uow.audit.record(action, "approvalCase", case.id, before, approval_case_state(case))
