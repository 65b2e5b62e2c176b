"""Domain objects for the persistence tests, built through the domain's own commands."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from oms.application.context import RequestContext
from oms.domain.approval.case import ApprovalCase
from oms.domain.approval.policy import SALES_MANAGER, default_policy
from oms.domain.catalog.demo import FIBER, TV, demo_catalog
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.pricing.calculator import ManualDiscounts
from oms.domain.pricing.service import configure_and_price
from oms.domain.quote.model import Quote
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId, ApprovalCaseId, CustomerId, OfferingId, QuoteId, QuoteItemId

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
AGENT = Actor(ActorKind.SALES_AGENT, ActorId("agent-1"))
WORKER = Actor(ActorKind.SERVICE, ActorId("approval-worker"))
MANAGER = Actor(ActorKind.APPROVER, ActorId("manager-1"), frozenset({SALES_MANAGER}))


class Clock:
    def now(self) -> datetime:
        return NOW


def new_tenant_id() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def ctx(tenant_id: str, actor: Actor = AGENT) -> RequestContext:
    return RequestContext.new(tenant_id, actor)


def items() -> tuple[ConfiguredItem, ...]:
    return (
        ConfiguredItem(QuoteItemId("i-fiber"), OfferingId(FIBER), {"downloadSpeed": 1000}),
        ConfiguredItem(QuoteItemId("i-tv"), OfferingId(TV)),
    )


def new_quote(fiber_discount: str = "0", quote_id: str | None = None) -> Quote:
    priced = configure_and_price(
        demo_catalog(), items(), NOW, ManualDiscounts({QuoteItemId("i-fiber"): Decimal(fiber_discount)})
    )
    return Quote.create(
        quote_id=QuoteId(quote_id or new_id("q")),
        customer_id=CustomerId("customer-1"),
        priced=priced,
        valid_until=NOW + timedelta(days=30),
        contract_term_months=24,
        actor=AGENT,
        now=NOW,
    )


def pending_quote_with_case() -> tuple[Quote, ApprovalCase]:
    """A quote submitted with a 15 % discount and its open approval case."""
    quote = new_quote("15")
    case_id = ApprovalCaseId(new_id("case"))
    requirement = quote.submit(AGENT, policy=default_policy(), approval_case_id=case_id, now=NOW)
    case = ApprovalCase.open(case_id, quote.id, requirement, default_policy(), AGENT, NOW)
    return quote, case
