"""Builders for domain tests: actors, items, priced configurations, quotes in any state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from oms.domain.approval import (
    COMMERCIAL_DIRECTOR,
    SALES_MANAGER,
    ApprovalCase,
    ApprovalLevel,
    ApprovalPolicy,
    DecisionOutcome,
)
from oms.domain.catalog import Catalog
from oms.domain.catalog.characteristics import CharacteristicValue
from oms.domain.catalog.demo import FIBER, TV, demo_catalog
from oms.domain.configuration import ConfiguredItem
from oms.domain.pricing import ManualDiscounts, PricedConfiguration, configure_and_price
from oms.domain.quote import Quote, QuoteState
from oms.domain.shared import (
    Actor,
    ActorId,
    ActorKind,
    ApprovalCaseId,
    CustomerId,
    Money,
    OfferingId,
    QuoteId,
    QuoteItemId,
)

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
VALID_UNTIL = NOW + timedelta(days=30)
AFTER_VALIDITY = VALID_UNTIL + timedelta(seconds=1)
TERM = 24


def customer() -> Actor:
    return Actor(ActorKind.CUSTOMER_CLIENT, ActorId("customer-client-1"))


def agent() -> Actor:
    return Actor(ActorKind.SALES_AGENT, ActorId("agent-1"))


def operator() -> Actor:
    return Actor(ActorKind.OPERATOR, ActorId("operator-1"))


def service() -> Actor:
    return Actor(ActorKind.SERVICE, ActorId("approval-worker"))


def approver(actor_id: str = "manager-1", role: str = SALES_MANAGER) -> Actor:
    return Actor(ActorKind.APPROVER, ActorId(actor_id), frozenset({role}))


def director(actor_id: str = "director-1") -> Actor:
    return approver(actor_id, COMMERCIAL_DIRECTOR)


def item(
    item_id: str,
    offering_id: str,
    characteristics: Mapping[str, CharacteristicValue] | None = None,
    *,
    quantity: int = 1,
    children: Sequence[ConfiguredItem] = (),
) -> ConfiguredItem:
    return ConfiguredItem(
        QuoteItemId(item_id), OfferingId(offering_id), dict(characteristics or {}), quantity, tuple(children)
    )


def fiber_and_tv() -> list[ConfiguredItem]:
    return [item("i-fiber", FIBER, {"downloadSpeed": 1000}), item("i-tv", TV)]


def priced(
    items: Sequence[ConfiguredItem] | None = None,
    *,
    item_discounts: Mapping[str, Decimal] | None = None,
    quote_discount: Decimal = Decimal(0),
    catalog: Catalog | None = None,
    at: datetime = NOW,
) -> PricedConfiguration:
    discounts = ManualDiscounts({QuoteItemId(k): v for k, v in (item_discounts or {}).items()}, quote_discount)
    return configure_and_price(catalog or demo_catalog(), items if items is not None else fiber_and_tv(), at, discounts)


def new_quote(
    configuration: PricedConfiguration | None = None,
    *,
    quote_id: str = "quote-1",
    actor: Actor | None = None,
    valid_until: datetime = VALID_UNTIL,
) -> Quote:
    return Quote.create(
        quote_id=QuoteId(quote_id),
        customer_id=CustomerId("customer-1"),
        priced=configuration or priced(),
        valid_until=valid_until,
        contract_term_months=TERM,
        actor=actor or agent(),
        now=NOW,
    )


def eur(amount: str) -> Money:
    return Money.of(amount, "EUR")


NEVER_APPROVE = ApprovalPolicy(
    "EUR", (ApprovalLevel(1, "Sales manager", SALES_MANAGER, Decimal(100), eur("1000000000")),)
)
ALWAYS_APPROVE = ApprovalPolicy("EUR", (ApprovalLevel(1, "Sales manager", SALES_MANAGER, Decimal(0), eur("0")),))
CASE_ID = ApprovalCaseId("case-1")


def approval_case_for(quote: Quote, policy: ApprovalPolicy = ALWAYS_APPROVE) -> ApprovalCase:
    assert quote.approval_requirement is not None and quote.approval_case_id is not None
    case = ApprovalCase.open(quote.approval_case_id, quote.id, quote.approval_requirement, policy, service(), NOW)
    case.pull_events()
    return case


def decide_all(case: ApprovalCase, outcome: DecisionOutcome = DecisionOutcome.APPROVE) -> ApprovalCase:
    """Every waiting level decided by a different approver holding its role, relayed by the worker."""
    n = 0
    while case.current_level is not None:
        n += 1
        level = case.current_level
        case.record_decision(
            service(), approver_id=ActorId(f"approver-{n}"), role=level.role, outcome=outcome, comment="", now=NOW
        )
    return case


def quote_in(state: QuoteState) -> Quote:
    """A quote brought into ``state`` through the commands (not by setting the field), events pulled."""
    quote = new_quote()
    if state is QuoteState.PENDING:
        quote.submit(agent(), policy=ALWAYS_APPROVE, approval_case_id=CASE_ID, now=NOW)
    elif state in (QuoteState.APPROVED, QuoteState.ACCEPTED, QuoteState.REJECTED):
        quote.submit(agent(), policy=NEVER_APPROVE, approval_case_id=CASE_ID, now=NOW)
        if state is QuoteState.ACCEPTED:
            quote.accept(customer(), now=NOW)
        elif state is QuoteState.REJECTED:
            quote.reject(customer(), now=NOW)
    elif state is QuoteState.CANCELLED:
        quote.cancel(agent(), now=NOW)
    elif state is QuoteState.EXPIRED:
        quote.expire(service(), now=AFTER_VALIDITY)
    assert quote.state is state
    quote.pull_events()
    return quote
