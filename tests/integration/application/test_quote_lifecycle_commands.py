"""accept, reject, cancel, expire (one quote and the scheduler's sweep) and new versions."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

import psycopg
import pytest
from cpq_app_support import AGENT, CUSTOMER, MANAGER, OPERATOR, WORKER, TenantDriver, rows

from oms.application.commands.expiry import expire_quotes
from oms.application.commands.quote import (
    AcceptQuote,
    CancelQuote,
    ExpireQuote,
    NewQuoteVersion,
    RejectQuote,
    accept_quote,
    cancel_quote,
    expire_quote,
    new_quote_version,
    reject_quote,
)
from oms.application.errors import Conflict, Forbidden, StaleVersion
from oms.application.queries.approvals import get_approval_case
from oms.application.queries.quotes import get_quote, quote_versions


def test_the_customer_accepts_an_approved_quote(tenant: TenantDriver) -> None:
    # given
    quote = tenant.submitted_quote()
    # when
    accepted = tenant.run(CUSTOMER, lambda uow: accept_quote(uow, AcceptQuote(quote.id, expected_version=1)))
    # then
    assert (accepted.state, accepted.completed_at) == ("accepted", tenant.clock.now())


def test_a_quote_still_in_progress_cannot_be_accepted(tenant: TenantDriver) -> None:
    # given
    quote = tenant.create_quote()
    # when / then
    with pytest.raises(Conflict) as raised:
        tenant.run(CUSTOMER, lambda uow: accept_quote(uow, AcceptQuote(quote.id)))
    assert raised.value.code == "illegalTransition"


def test_an_operator_cannot_accept_for_the_customer(tenant: TenantDriver) -> None:
    # given
    quote = tenant.submitted_quote()
    # when / then
    with pytest.raises(Forbidden):
        tenant.run(OPERATOR, lambda uow: accept_quote(uow, AcceptQuote(quote.id)))


def test_the_customer_rejects_an_approved_quote(tenant: TenantDriver) -> None:
    # given
    quote = tenant.submitted_quote()
    # when
    rejected = tenant.run(CUSTOMER, lambda uow: reject_quote(uow, RejectQuote(quote.id, "too expensive")))
    # then
    assert rejected.state == "rejected"


def test_cancelling_a_pending_quote_cancels_its_open_approval_case(tenant: TenantDriver) -> None:
    # given
    quote = tenant.submitted_quote(item_discount="15")
    assert quote.approval_case_id is not None
    case_id = quote.approval_case_id
    # when
    cancelled = tenant.run(AGENT, lambda uow: cancel_quote(uow, CancelQuote(quote.id, "customer left")))
    # then
    assert cancelled.state == "cancelled"
    assert tenant.query(AGENT, lambda uow: get_approval_case(uow, case_id)).state == "cancelled"


def test_an_approved_quote_cannot_be_cancelled(tenant: TenantDriver) -> None:
    # given
    quote = tenant.submitted_quote()
    # when / then
    with pytest.raises(Conflict):
        tenant.run(AGENT, lambda uow: cancel_quote(uow, CancelQuote(quote.id)))


def test_cancelling_with_a_stale_version_fails_and_changes_nothing(tenant: TenantDriver) -> None:
    # given
    quote = tenant.create_quote()
    # when / then
    with pytest.raises(StaleVersion):
        tenant.run(AGENT, lambda uow: cancel_quote(uow, CancelQuote(quote.id, expected_version=7)))
    assert tenant.query(AGENT, lambda uow: get_quote(uow, quote.id)).state == "inProgress"


def test_a_quote_expires_once_its_validity_is_over(tenant: TenantDriver) -> None:
    # given
    quote = tenant.create_quote()
    tenant.clock.advance(timedelta(days=31))
    # when
    expired = tenant.run(WORKER, lambda uow: expire_quote(uow, ExpireQuote(quote.id)))
    # then
    assert expired.state == "expired"


def test_a_valid_quote_does_not_expire(tenant: TenantDriver) -> None:
    # given
    quote = tenant.create_quote()
    # when / then
    with pytest.raises(Conflict) as raised:
        tenant.run(WORKER, lambda uow: expire_quote(uow, ExpireQuote(quote.id)))
    assert raised.value.code == "quoteStillValid"


def test_a_sales_agent_cannot_expire_a_quote(tenant: TenantDriver) -> None:
    # given
    quote = tenant.create_quote()
    tenant.clock.advance(timedelta(days=31))
    # when / then
    with pytest.raises(Forbidden):
        tenant.run(AGENT, lambda uow: expire_quote(uow, ExpireQuote(quote.id)))


def test_the_sweep_expires_every_due_quote_and_their_waiting_cases(tenant: TenantDriver) -> None:
    # given: two due quotes (one waiting for approval), one accepted, one still valid
    due = tenant.create_quote()
    pending = tenant.submitted_quote(item_discount="15")
    accepted = tenant.submitted_quote()
    tenant.run(CUSTOMER, lambda uow: accept_quote(uow, AcceptQuote(accepted.id)))
    tenant.clock.advance(timedelta(days=31))
    fresh = tenant.create_quote()
    # when
    report = expire_quotes(tenant.factory, tenant.ctx(WORKER))
    # then
    assert sorted(report.expired) == sorted([due.id, pending.id])
    assert report.skipped == ()
    states = {q: tenant.query(AGENT, partial(get_quote, quote_id=q)).state for q in (accepted.id, fresh.id)}
    assert states == {accepted.id: "accepted", fresh.id: "inProgress"}
    assert pending.approval_case_id is not None
    case_id = pending.approval_case_id
    assert tenant.query(MANAGER, lambda uow: get_approval_case(uow, case_id)).state == "cancelled"


def test_a_rejected_quote_gets_a_new_version_with_the_same_items(tenant: TenantDriver) -> None:
    # given
    quote = tenant.submitted_quote()
    tenant.run(CUSTOMER, lambda uow: reject_quote(uow, RejectQuote(quote.id)))
    # when
    successor = tenant.run(AGENT, lambda uow: new_quote_version(uow, NewQuoteVersion(quote.id)))
    # then
    assert (successor.quote_version, successor.previous_quote_id, successor.state) == (2, quote.id, "inProgress")
    assert successor.items == quote.items
    chain = tenant.query(AGENT, lambda uow: quote_versions(uow, successor.id))
    assert [(v.id, v.quote_version) for v in chain] == [(quote.id, 1), (successor.id, 2)]
    assert chain[0].superseded_by == successor.id


def test_a_rejected_quote_gets_only_one_new_version(tenant: TenantDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    quote = tenant.submitted_quote()
    tenant.run(CUSTOMER, lambda uow: reject_quote(uow, RejectQuote(quote.id)))
    tenant.run(AGENT, lambda uow: new_quote_version(uow, NewQuoteVersion(quote.id)))
    # when / then
    with pytest.raises(Conflict) as raised:
        tenant.run(AGENT, lambda uow: new_quote_version(uow, NewQuoteVersion(quote.id)))
    assert raised.value.code == "quoteAlreadySuperseded"
    assert rows(
        admin, "SELECT count(*) FROM quote WHERE tenant_id = %s AND previous_quote_id = %s", tenant.id, quote.id
    ) == [(1,)]


def test_only_a_rejected_quote_gets_a_new_version(tenant: TenantDriver) -> None:
    # given
    quote = tenant.submitted_quote()
    # when / then
    with pytest.raises(Conflict):
        tenant.run(AGENT, lambda uow: new_quote_version(uow, NewQuoteVersion(quote.id)))
