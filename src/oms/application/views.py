"""What commands and queries return: detached, plain values (no aggregate leaks out of a
transaction), each with ``to_dict()`` giving camelCase JSON. The API renders TMF648/TMF620 from
these; an idempotent command stores ``to_dict()`` to replay it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from oms.application.codecs import (
    authorization_to_dict,
    decision_to_dict,
    escalation_to_dict,
    iso_or_none,
    required_level_to_dict,
    requirement_to_dict,
)
from oms.domain.approval.case import ApprovalCase
from oms.domain.pricing.snapshot import breakdown_to_dict, item_price_to_dict
from oms.domain.quote.model import Quote
from oms.domain.shared.money import Money

Json = dict[str, Any]
T = TypeVar("T", bound="Listed")


@dataclass(frozen=True)
class QuoteItemView:
    id: str
    offering_id: str
    quantity: int
    configuration: Json  # ConfiguredItem.to_dict(): characteristics and bundle children
    price: Json  # the item's price snapshot (item_price_to_dict)

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "productOffering": self.offering_id,
            "quantity": self.quantity,
            "configuration": self.configuration,
            "price": self.price,
        }


@dataclass(frozen=True)
class QuoteView:
    id: str
    version: int  # optimistic-locking version (ETag / If-Match)
    quote_version: int  # TMF business version
    state: str
    customer_id: str
    description: str
    valid_from: datetime
    valid_until: datetime
    contract_term_months: int
    currency: str
    catalog_version: str
    one_time_total: Money
    recurring_monthly_total: Money
    items: tuple[QuoteItemView, ...]
    price: Json  # the whole breakdown, quote lines and totals included
    created_at: datetime
    submitted_at: datetime | None
    completed_at: datetime | None
    previous_quote_id: str | None
    superseded_by: str | None
    approval_case_id: str | None
    approval_requirement: Json | None
    authorizations: tuple[Json, ...]

    @classmethod
    def of(cls, quote: Quote) -> QuoteView:
        return cls(
            id=quote.id,
            version=quote.version,
            quote_version=quote.quote_version,
            state=str(quote.state),
            customer_id=quote.customer_id,
            description=quote.description,
            valid_from=quote.created_at if quote.valid_for.start is None else quote.valid_for.start,
            valid_until=quote.valid_until,
            contract_term_months=quote.contract_term_months,
            currency=quote.price.currency,
            catalog_version=quote.price.catalog_version,
            one_time_total=quote.price.totals.one_time,
            recurring_monthly_total=quote.price.totals.recurring_monthly,
            items=tuple(
                QuoteItemView(
                    id=item.id,
                    offering_id=item.offering_id,
                    quantity=item.configuration.quantity,
                    configuration=item.configuration.to_dict(),
                    price=item_price_to_dict(item.price),
                )
                for item in quote.items
            ),
            price=breakdown_to_dict(quote.price),
            created_at=quote.created_at,
            submitted_at=quote.submitted_at,
            completed_at=quote.completed_at,
            previous_quote_id=quote.previous_quote_id,
            superseded_by=quote.superseded_by,
            approval_case_id=quote.approval_case_id,
            approval_requirement=None
            if quote.approval_requirement is None
            else requirement_to_dict(quote.approval_requirement),
            authorizations=tuple(authorization_to_dict(a) for a in quote.authorizations),
        )

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "version": self.version,
            "quoteVersion": self.quote_version,
            "state": self.state,
            "customerId": self.customer_id,
            "description": self.description,
            "validFor": {"startDateTime": iso_or_none(self.valid_from), "endDateTime": iso_or_none(self.valid_until)},
            "contractTermMonths": self.contract_term_months,
            "currency": self.currency,
            "catalogVersion": self.catalog_version,
            "totals": {
                "oneTime": self.one_time_total.to_dict(),
                "recurringMonthly": self.recurring_monthly_total.to_dict(),
            },
            "items": [item.to_dict() for item in self.items],
            "price": self.price,
            "createdAt": iso_or_none(self.created_at),
            "submittedAt": iso_or_none(self.submitted_at),
            "completedAt": iso_or_none(self.completed_at),
            "previousQuoteId": self.previous_quote_id,
            "supersededBy": self.superseded_by,
            "approvalCaseId": self.approval_case_id,
            "approvalRequirement": self.approval_requirement,
            "authorizations": list(self.authorizations),
        }


@dataclass(frozen=True)
class QuoteSummary:
    """One row of a quote list: enough to show and to page, without items or price lines."""

    id: str
    version: int
    quote_version: int
    state: str
    customer_id: str
    created_at: datetime
    valid_until: datetime
    one_time_total: Money
    recurring_monthly_total: Money

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "version": self.version,
            "quoteVersion": self.quote_version,
            "state": self.state,
            "customerId": self.customer_id,
            "createdAt": iso_or_none(self.created_at),
            "validUntil": iso_or_none(self.valid_until),
            "totals": {
                "oneTime": self.one_time_total.to_dict(),
                "recurringMonthly": self.recurring_monthly_total.to_dict(),
            },
        }


class Listed(Protocol):
    def to_dict(self) -> Json: ...


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: the items, and how many match in all (X-Total-Count)."""

    items: tuple[T, ...]
    total: int  # every match, not only this page
    offset: int
    limit: int

    def to_dict(self) -> Json:
        return {
            "items": [item.to_dict() for item in self.items],
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
        }


QuotePage = Page[QuoteSummary]


@dataclass(frozen=True)
class ApprovalCaseView:
    id: str
    version: int
    quote_id: str
    state: str
    current_level: Json | None  # the level waiting for a decision, None once closed
    levels: tuple[Json, ...]
    decisions: tuple[Json, ...]
    escalations: tuple[Json, ...]
    opened_at: datetime
    closed_at: datetime | None

    @classmethod
    def of(cls, case: ApprovalCase) -> ApprovalCaseView:
        current = case.current_level
        return cls(
            id=case.id,
            version=case.version,
            quote_id=case.quote_id,
            state=str(case.state),
            current_level=None if current is None else required_level_to_dict(current),
            levels=tuple(required_level_to_dict(level) for level in case.levels),
            decisions=tuple(decision_to_dict(d) for d in case.decisions),
            escalations=tuple(escalation_to_dict(e) for e in case.escalations),
            opened_at=case.opened_at,
            closed_at=case.closed_at,
        )

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "version": self.version,
            "quoteId": self.quote_id,
            "state": self.state,
            "currentLevel": self.current_level,
            "levels": list(self.levels),
            "decisions": list(self.decisions),
            "escalations": list(self.escalations),
            "openedAt": iso_or_none(self.opened_at),
            "closedAt": iso_or_none(self.closed_at),
        }


@dataclass(frozen=True)
class CatalogVersionView:
    version: str
    currency: str
    active: bool
    loaded_at: datetime
    loaded_by: str
    document: Json  # catalog_to_dict: TMF620-flavoured

    def to_dict(self) -> Json:
        return {
            "version": self.version,
            "currency": self.currency,
            "active": self.active,
            "loadedAt": iso_or_none(self.loaded_at),
            "loadedBy": self.loaded_by,
            "catalog": self.document,
        }
