"""The unit of work: the events of every aggregate it saw go to the outbox at commit, nothing is
written without a commit, and an aggregate changed but not saved stops the commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
import pytest
from persistence_support import AGENT, NOW, ctx, new_quote, pending_quote_with_case

from oms.domain.shared.errors import InvalidTime
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory, UnsavedChanges


def _outbox(admin: psycopg.Connection[Any], tenant: str) -> list[tuple[Any, ...]]:
    return admin.execute(
        "SELECT aggregate_type, event_type FROM outbox_event WHERE tenant_id = %s ORDER BY position", (tenant,)
    ).fetchall()


def test_commit_writes_the_events_of_every_aggregate_seen_in_order(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str
) -> None:
    # given
    quote, case = pending_quote_with_case()
    with uow_factory(ctx(tenant_a)) as uow:
        uow.quotes.add(quote)
        uow.approvals.add(case)
        # when
        uow.commit()
    # then
    assert _outbox(admin, tenant_a) == [
        ("quote", "QuoteCreated"),
        ("quote", "QuoteSubmitted"),
        ("quote", "QuoteApprovalRequested"),
        ("approvalCase", "ApprovalCaseOpened"),
    ]
    assert quote.pending_events == () and case.pending_events == ()


def test_without_commit_nothing_is_written(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str
) -> None:
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        uow.quotes.add(new_quote())
        uow.audit.record("test", "quote", "q", None, None)
    # then
    counts = admin.execute(
        "SELECT (SELECT count(*) FROM quote WHERE tenant_id = %(t)s), (SELECT count(*) FROM audit_event"
        " WHERE tenant_id = %(t)s), (SELECT count(*) FROM outbox_event WHERE tenant_id = %(t)s)",
        {"t": tenant_a},
    ).fetchone()
    assert counts == (0, 0, 0)


def test_an_aggregate_changed_but_not_saved_stops_the_commit(
    uow_factory: PostgresUnitOfWorkFactory, admin: psycopg.Connection[Any], tenant_a: str
) -> None:
    # given
    quote = new_quote()
    with uow_factory(ctx(tenant_a)) as uow:
        uow.quotes.add(quote)
        uow.commit()
    with uow_factory(ctx(tenant_a)) as uow:
        loaded = uow.quotes.get(quote.id)
        assert loaded is not None
        loaded.cancel(AGENT, now=NOW)
        # when / then
        with pytest.raises(UnsavedChanges):
            uow.commit()
    assert _outbox(admin, tenant_a) == [("quote", "QuoteCreated")]


def test_a_quote_is_loaded_once_per_unit_of_work(uow_factory: PostgresUnitOfWorkFactory, tenant_a: str) -> None:
    # given
    quote = new_quote()
    with uow_factory(ctx(tenant_a)) as uow:
        uow.quotes.add(quote)
        uow.commit()
    # when
    with uow_factory(ctx(tenant_a)) as uow:
        first, second = uow.quotes.get(quote.id), uow.quotes.get(quote.id)
    # then
    assert first is second


def test_the_transaction_time_comes_from_the_injected_clock(pool: Any, tenant_a: str) -> None:
    # given
    class FixedClock:
        def now(self) -> datetime:
            return NOW

    # when
    with PostgresUnitOfWorkFactory(pool, clock=FixedClock())(ctx(tenant_a)) as uow:
        now = uow.now
    # then
    assert now == NOW


def test_a_clock_without_utc_is_refused(pool: Any, tenant_a: str) -> None:
    # given
    class NaiveClock:
        def now(self) -> datetime:
            return datetime(2025, 6, 1, 9, 0)

    # when / then
    with pytest.raises(InvalidTime), PostgresUnitOfWorkFactory(pool, clock=NaiveClock())(ctx(tenant_a)):
        pass
