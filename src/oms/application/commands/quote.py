"""Quote commands: create, change items, submit, accept, reject, cancel, expire, new version.

The application layer does what the domain leaves to it (docs/domain-cpq.md): it generates ids,
reads the clock (``uow.now``), loads the catalog and the approval policy, prices before create and
change, opens the approval case with its workflow start request when a submission needs approval,
and cancels a waiting approval case when its quote is cancelled or expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from oms.application.audit import approval_case_state, quote_state, record_case_change, record_quote_change
from oms.application.commands._loading import load_catalog_version, load_quote
from oms.application.unit_of_work import UnitOfWork
from oms.application.views import QuoteView
from oms.application.workflow import QUOTE_APPROVAL_WORKFLOW, WorkflowStartRequest, quote_approval_business_key
from oms.domain.approval.authorization import can_change_items, can_create_quote, require
from oms.domain.approval.case import ApprovalCase, ApprovalCaseState
from oms.domain.approval.policy import ApprovalPolicy, default_policy
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.pricing.calculator import NO_MANUAL_DISCOUNTS, ManualDiscounts
from oms.domain.pricing.service import configure_and_price
from oms.domain.quote.lifecycle import QuoteState
from oms.domain.quote.model import Quote
from oms.domain.shared.ids import ApprovalCaseId, CustomerId, QuoteId, QuoteItemId

DEFAULT_VALIDITY = timedelta(days=30)


@dataclass(frozen=True)
class CreateQuote:
    customer_id: str
    items: tuple[ConfiguredItem, ...]
    contract_term_months: int
    discounts: ManualDiscounts = NO_MANUAL_DISCOUNTS
    valid_until: datetime | None = None  # default: DEFAULT_VALIDITY from now
    description: str = ""
    catalog_version: str | None = None  # default: the tenant's active catalog


@dataclass(frozen=True)
class ChangeQuoteItems:
    quote_id: str
    items: tuple[ConfiguredItem, ...]
    # None keeps the manual discounts already granted (for the items that remain), so a customer
    # client can change items without touching a price an agent set.
    discounts: ManualDiscounts | None = None
    expected_version: int | None = None
    catalog_version: str | None = None


@dataclass(frozen=True)
class SubmitQuote:
    quote_id: str
    expected_version: int | None = None


@dataclass(frozen=True)
class AcceptQuote:
    quote_id: str
    expected_version: int | None = None


@dataclass(frozen=True)
class RejectQuote:
    quote_id: str
    reason: str = ""
    expected_version: int | None = None


@dataclass(frozen=True)
class CancelQuote:
    quote_id: str
    reason: str = ""
    expected_version: int | None = None


@dataclass(frozen=True)
class ExpireQuote:
    quote_id: str


@dataclass(frozen=True)
class NewQuoteVersion:
    quote_id: str
    valid_until: datetime | None = None
    expected_version: int | None = None


def create_quote(uow: UnitOfWork, request: CreateQuote) -> QuoteView:
    actor, now = uow.context.actor, uow.now
    # Checked before pricing so an unauthorized actor learns nothing about the catalog.
    require(can_create_quote(actor), actor, "create a quote")
    catalog = load_catalog_version(uow, request.catalog_version)
    priced = configure_and_price(catalog, request.items, now, request.discounts)
    quote = Quote.create(
        quote_id=QuoteId(uow.new_id()),
        customer_id=CustomerId(request.customer_id),
        priced=priced,
        valid_until=request.valid_until or now + DEFAULT_VALIDITY,
        contract_term_months=request.contract_term_months,
        actor=actor,
        now=now,
        description=request.description,
    )
    uow.quotes.add(quote)
    record_quote_change(uow, "createQuote", quote, None)
    return QuoteView.of(quote)


def change_quote_items(uow: UnitOfWork, request: ChangeQuoteItems) -> QuoteView:
    actor, now = uow.context.actor, uow.now
    require(can_change_items(actor), actor, "change quote items")
    quote = load_quote(uow, request.quote_id, request.expected_version)
    before = quote_state(quote)
    catalog = load_catalog_version(uow, request.catalog_version)
    discounts = request.discounts if request.discounts is not None else _granted_discounts(quote, request.items)
    priced = configure_and_price(catalog, request.items, now, discounts)
    quote.change_items(actor, priced=priced, now=now)
    uow.quotes.save(quote)
    record_quote_change(uow, "changeQuoteItems", quote, before)
    return QuoteView.of(quote)


def submit_quote(uow: UnitOfWork, request: SubmitQuote, *, policy: ApprovalPolicy | None = None) -> QuoteView:
    """Approved at once when the policy needs no approval; otherwise pending, with the approval
    case and the start request of the approval process written in this same transaction."""
    actor, now = uow.context.actor, uow.now
    policy = policy or default_policy()
    quote = load_quote(uow, request.quote_id, request.expected_version)
    before = quote_state(quote)
    case_id = ApprovalCaseId(uow.new_id())
    requirement = quote.submit(actor, policy=policy, approval_case_id=case_id, now=now)
    uow.quotes.save(quote)
    if requirement.needed:
        case = ApprovalCase.open(case_id, quote.id, requirement, policy, actor, now)
        uow.approvals.add(case)
        record_case_change(uow, "openApprovalCase", case, None)
        tenant_id = uow.context.tenant_id
        uow.workflow_starts.request(
            WorkflowStartRequest(
                workflow_type=QUOTE_APPROVAL_WORKFLOW,
                business_key=quote_approval_business_key(tenant_id, quote.id, case_id),
                aggregate_type="quote",
                aggregate_id=quote.id,
                variables={
                    "tenantId": tenant_id,
                    "quoteId": quote.id,
                    "approvalCaseId": case_id,
                    "correlationId": uow.context.correlation_id,
                },
            )
        )
    record_quote_change(uow, "submitQuote", quote, before)
    return QuoteView.of(quote)


def accept_quote(uow: UnitOfWork, request: AcceptQuote) -> QuoteView:
    quote = load_quote(uow, request.quote_id, request.expected_version)
    before = quote_state(quote)
    quote.accept(uow.context.actor, now=uow.now)
    uow.quotes.save(quote)
    record_quote_change(uow, "acceptQuote", quote, before)
    return QuoteView.of(quote)


def reject_quote(uow: UnitOfWork, request: RejectQuote) -> QuoteView:
    quote = load_quote(uow, request.quote_id, request.expected_version)
    before = quote_state(quote)
    quote.reject(uow.context.actor, now=uow.now, reason=request.reason)
    uow.quotes.save(quote)
    record_quote_change(uow, "rejectQuote", quote, before)
    return QuoteView.of(quote)


def cancel_quote(uow: UnitOfWork, request: CancelQuote) -> QuoteView:
    quote = load_quote(uow, request.quote_id, request.expected_version)
    before = quote_state(quote)
    waiting_case = quote.approval_case_id if quote.state is QuoteState.PENDING else None
    quote.cancel(uow.context.actor, now=uow.now, reason=request.reason)
    uow.quotes.save(quote)
    record_quote_change(uow, "cancelQuote", quote, before)
    reason = f"quote cancelled: {request.reason}" if request.reason else "quote cancelled"
    _close_waiting_case(uow, waiting_case, reason)
    return QuoteView.of(quote)


def expire_quote(uow: UnitOfWork, request: ExpireQuote) -> QuoteView:
    quote = load_quote(uow, request.quote_id)
    before = quote_state(quote)
    waiting_case = quote.approval_case_id if quote.state is QuoteState.PENDING else None
    quote.expire(uow.context.actor, now=uow.now)
    uow.quotes.save(quote)
    record_quote_change(uow, "expireQuote", quote, before)
    _close_waiting_case(uow, waiting_case, "quote expired")
    return QuoteView.of(quote)


def new_quote_version(uow: UnitOfWork, request: NewQuoteVersion) -> QuoteView:
    """Version V+1 of a rejected quote. The old quote is saved first, so of two concurrent
    attempts the second fails on its version (and the unique previous_quote_id backs that)."""
    actor, now = uow.context.actor, uow.now
    old = load_quote(uow, request.quote_id, request.expected_version)
    before = quote_state(old)
    successor = old.new_version(
        actor, new_quote_id=QuoteId(uow.new_id()), valid_until=request.valid_until or now + DEFAULT_VALIDITY, now=now
    )
    uow.quotes.save(old)
    uow.quotes.add(successor)
    record_quote_change(uow, "supersedeQuote", old, before)
    record_quote_change(uow, "newQuoteVersion", successor, None)
    return QuoteView.of(successor)


def _granted_discounts(quote: Quote, items: tuple[ConfiguredItem, ...]) -> ManualDiscounts:
    kept = {item.item_id for item in items}
    per_item: dict[QuoteItemId, Decimal] = {
        item.id: item.manual_discount_percent
        for item in quote.items
        if item.id in kept and item.manual_discount_percent != 0
    }
    return ManualDiscounts(per_item, quote.price.quote_discount_percent)


def _close_waiting_case(uow: UnitOfWork, case_id: ApprovalCaseId | None, reason: str) -> None:
    """Nobody has to decide on a quote that is gone. A case already closed (decided, but the
    outcome not yet applied) stays as it is: its decisions are evidence."""
    if case_id is None:
        return
    case = uow.approvals.get(case_id)
    if case is None or case.state is not ApprovalCaseState.OPEN:
        return
    before_case = approval_case_state(case)
    case.cancel(uow.context.actor, reason=reason, now=uow.now)
    uow.approvals.save(case)
    record_case_change(uow, "cancelApprovalCase", case, before_case)
