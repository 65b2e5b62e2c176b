"""Helpers for the application tests: actors, items, and a driver that runs commands as an actor
of one tenant, each in its own transaction (``run_command``), exactly as the API will."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import psycopg

from oms.application.commands.quote import CreateQuote, SubmitQuote, create_quote, submit_quote
from oms.application.context import RequestContext
from oms.application.runner import run_command, run_query
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from oms.application.views import QuoteView
from oms.domain.approval.policy import COMMERCIAL_DIRECTOR, SALES_MANAGER
from oms.domain.catalog.characteristics import CharacteristicValue
from oms.domain.catalog.demo import FIBER, TV
from oms.domain.configuration.model import ConfiguredItem
from oms.domain.pricing.calculator import ManualDiscounts
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId, OfferingId, QuoteItemId

R = TypeVar("R")
NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
TERM = 24


class ManualClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


def new_tenant_id() -> str:
    return f"t-{uuid.uuid4().hex[:12]}"


AGENT = Actor(ActorKind.SALES_AGENT, ActorId("agent-1"))
CUSTOMER = Actor(ActorKind.CUSTOMER_CLIENT, ActorId("portal-1"))
OPERATOR = Actor(ActorKind.OPERATOR, ActorId("operator-1"))
WORKER = Actor(ActorKind.SERVICE, ActorId("approval-worker"))
MANAGER = Actor(ActorKind.APPROVER, ActorId("manager-1"), frozenset({SALES_MANAGER}))
DIRECTOR = Actor(ActorKind.APPROVER, ActorId("director-1"), frozenset({COMMERCIAL_DIRECTOR}))


def item(
    item_id: str, offering_id: str, characteristics: Mapping[str, CharacteristicValue] | None = None
) -> ConfiguredItem:
    return ConfiguredItem(QuoteItemId(item_id), OfferingId(offering_id), dict(characteristics or {}))


def fiber_and_tv() -> tuple[ConfiguredItem, ...]:
    return (item("i-fiber", FIBER, {"downloadSpeed": 1000}), item("i-tv", TV))


def discounts(item_percent: str | None = None, quote_percent: str = "0") -> ManualDiscounts:
    per_item = {} if item_percent is None else {QuoteItemId("i-fiber"): Decimal(item_percent)}
    return ManualDiscounts(per_item, Decimal(quote_percent))


@dataclass
class TenantDriver:
    id: str
    factory: UnitOfWorkFactory
    clock: ManualClock

    def ctx(self, actor: Actor, correlation_id: str | None = None) -> RequestContext:
        return RequestContext.new(self.id, actor, correlation_id)

    def run(self, actor: Actor, command: Callable[[UnitOfWork], R]) -> R:
        return run_command(self.factory, self.ctx(actor), command)

    def query(self, actor: Actor, query: Callable[[UnitOfWork], R]) -> R:
        return run_query(self.factory, self.ctx(actor), query)

    def create_quote(self, *, actor: Actor = AGENT, item_discount: str | None = None) -> QuoteView:
        request = CreateQuote("customer-1", fiber_and_tv(), TERM, discounts(item_discount))
        return self.run(actor, lambda uow: create_quote(uow, request))

    def submitted_quote(self, *, item_discount: str | None = None) -> QuoteView:
        """Created and submitted by the agent: approved at once without a discount above 10 %,
        pending with one."""
        quote = self.create_quote(item_discount=item_discount)
        return self.run(AGENT, lambda uow: submit_quote(uow, SubmitQuote(quote.id)))


def rows(conn: psycopg.Connection[Any], sql: str, *params: object, **named: object) -> list[tuple[Any, ...]]:
    """Raw rows read as the superuser (no row-level security): tests filter by tenant themselves."""
    return conn.execute(sql, named or params).fetchall()
