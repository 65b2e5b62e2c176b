"""Every command writes its domain events to the outbox and its audit row in its own transaction;
a command that fails writes neither."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from cpq_app_support import AGENT, CUSTOMER, TenantDriver, rows

from oms.application.commands.quote import AcceptQuote, accept_quote
from oms.application.errors import Conflict


def test_creating_a_quote_writes_its_event_and_audit_row_in_the_same_transaction(
    tenant: TenantDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    ctx = tenant.ctx(AGENT, correlation_id="corr-42")
    # when
    from cpq_app_support import TERM, fiber_and_tv

    from oms.application.commands.quote import CreateQuote, create_quote
    from oms.application.runner import run_command

    quote = run_command(tenant.factory, ctx, lambda uow: create_quote(uow, CreateQuote("c-1", fiber_and_tv(), TERM)))
    # then
    outbox = rows(
        admin,
        "SELECT aggregate_type, aggregate_id, event_type, payload, correlation_id, request_id, xmin::text,"
        " published_at FROM outbox_event WHERE tenant_id = %s AND aggregate_id = %s",
        tenant.id,
        quote.id,
    )
    audit = rows(
        admin,
        "SELECT actor_kind, actor_id, action, before, after, correlation_id, request_id, occurred_at, xmin::text"
        " FROM audit_event WHERE tenant_id = %s AND aggregate_id = %s",
        tenant.id,
        quote.id,
    )
    quote_xmin = rows(admin, "SELECT xmin::text FROM quote WHERE tenant_id = %s AND id = %s", tenant.id, quote.id)
    assert [(o[0], o[2], o[4], o[5], o[7]) for o in outbox] == [
        ("quote", "QuoteCreated", "corr-42", ctx.request_id, None)
    ]
    payload = outbox[0][3]
    assert payload["quoteId"] == quote.id and payload["recurringMonthlyTotal"] == {"value": "61.99", "unit": "EUR"}
    assert [(a[0], a[1], a[2], a[3], a[5], a[6], a[7]) for a in audit] == [
        ("sales_agent", "agent-1", "createQuote", None, "corr-42", ctx.request_id, tenant.clock.now())
    ]
    assert audit[0][4]["state"] == "inProgress"
    assert {outbox[0][6], audit[0][8]} == {quote_xmin[0][0]}


def test_a_state_change_is_audited_with_before_and_after(tenant: TenantDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    quote = tenant.submitted_quote()
    # when
    tenant.run(CUSTOMER, lambda uow: accept_quote(uow, AcceptQuote(quote.id)))
    # then
    audit = rows(
        admin,
        "SELECT before->>'state', after->>'state', actor_id FROM audit_event"
        " WHERE tenant_id = %s AND aggregate_id = %s AND action = 'acceptQuote'",
        tenant.id,
        quote.id,
    )
    assert audit == [("approved", "accepted", "portal-1")]
    events = rows(admin, "SELECT event_type FROM outbox_event WHERE tenant_id = %s ORDER BY position", tenant.id)
    assert [e[0] for e in events] == ["QuoteCreated", "QuoteSubmitted", "QuoteApproved", "QuoteAccepted"]


def test_a_failed_command_writes_no_event_and_no_audit_row(
    tenant: TenantDriver, admin: psycopg.Connection[Any]
) -> None:
    # given: a quote in progress cannot be accepted
    quote = tenant.create_quote()
    counts_before = _counts(admin, tenant)
    # when
    with pytest.raises(Conflict):
        tenant.run(CUSTOMER, lambda uow: accept_quote(uow, AcceptQuote(quote.id)))
    # then
    assert _counts(admin, tenant) == counts_before


def _counts(admin: psycopg.Connection[Any], tenant: TenantDriver) -> tuple[Any, ...]:
    return rows(
        admin,
        "SELECT (SELECT count(*) FROM outbox_event WHERE tenant_id = %(t)s),"
        " (SELECT count(*) FROM audit_event WHERE tenant_id = %(t)s)",
        t=tenant.id,
    )[0]
