"""A second tenant can neither read nor change the first tenant's quotes and approval cases,
through any query or command: for tenant B they do not exist (NotFound), and nothing changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from cpq_app_support import AGENT, CUSTOMER, MANAGER, OPERATOR, WORKER, TenantDriver, fiber_and_tv, rows

from oms.application.commands.approval import (
    ApplyApprovalOutcome,
    EscalateApproval,
    RecordApprovalDecision,
    apply_approval_outcome,
    escalate_approval,
    record_approval_decision,
)
from oms.application.commands.expiry import expire_quotes
from oms.application.commands.quote import (
    AcceptQuote,
    CancelQuote,
    ChangeQuoteItems,
    ExpireQuote,
    NewQuoteVersion,
    RejectQuote,
    SubmitQuote,
    accept_quote,
    cancel_quote,
    change_quote_items,
    expire_quote,
    new_quote_version,
    reject_quote,
    submit_quote,
)
from oms.application.errors import NotFound
from oms.application.queries.approvals import get_approval_case
from oms.application.queries.quotes import get_quote, list_quotes, quote_versions
from oms.application.unit_of_work import UnitOfWork
from oms.domain.approval.case import DecisionOutcome
from oms.domain.shared.actors import Actor

QuoteCommand = Callable[[str], tuple[Actor, Callable[[UnitOfWork], object]]]

QUOTE_COMMANDS: dict[str, QuoteCommand] = {
    "get": lambda q: (AGENT, lambda uow: get_quote(uow, q)),
    "versions": lambda q: (AGENT, lambda uow: quote_versions(uow, q)),
    "change items": lambda q: (AGENT, lambda uow: change_quote_items(uow, ChangeQuoteItems(q, fiber_and_tv()))),
    "submit": lambda q: (AGENT, lambda uow: submit_quote(uow, SubmitQuote(q))),
    "accept": lambda q: (CUSTOMER, lambda uow: accept_quote(uow, AcceptQuote(q))),
    "reject": lambda q: (CUSTOMER, lambda uow: reject_quote(uow, RejectQuote(q))),
    "cancel": lambda q: (AGENT, lambda uow: cancel_quote(uow, CancelQuote(q))),
    "expire": lambda q: (WORKER, lambda uow: expire_quote(uow, ExpireQuote(q))),
    "new version": lambda q: (AGENT, lambda uow: new_quote_version(uow, NewQuoteVersion(q))),
}

CASE_COMMANDS: dict[str, QuoteCommand] = {
    "get case": lambda c: (MANAGER, lambda uow: get_approval_case(uow, c)),
    "decide": lambda c: (
        MANAGER,
        lambda uow: record_approval_decision(uow, RecordApprovalDecision(c, DecisionOutcome.APPROVE)),
    ),
    "escalate": lambda c: (OPERATOR, lambda uow: escalate_approval(uow, EscalateApproval(c, "x"))),
    "apply outcome": lambda c: (WORKER, lambda uow: apply_approval_outcome(uow, ApplyApprovalOutcome(c))),
}


def _fingerprint(admin: psycopg.Connection[Any], tenant_id: str) -> list[tuple[Any, ...]]:
    return rows(
        admin,
        "SELECT 'quote', id, state, version FROM quote WHERE tenant_id = %(t)s"
        " UNION ALL SELECT 'case', id, state, version FROM approval_case WHERE tenant_id = %(t)s ORDER BY 1, 2",
        t=tenant_id,
    )


@pytest.mark.parametrize("name", sorted(QUOTE_COMMANDS))
def test_another_tenant_cannot_reach_a_quote(
    name: str, tenant: TenantDriver, other_tenant: TenantDriver, admin: psycopg.Connection[Any]
) -> None:
    # given: tenant A's quote, due for expiry
    quote = tenant.create_quote()
    tenant.clock.advance(timedelta(days=31))
    before = _fingerprint(admin, tenant.id)
    actor, command = QUOTE_COMMANDS[name](quote.id)
    # when / then
    with pytest.raises(NotFound):
        other_tenant.run(actor, command)
    assert _fingerprint(admin, tenant.id) == before


@pytest.mark.parametrize("name", sorted(CASE_COMMANDS))
def test_another_tenant_cannot_reach_an_approval_case(
    name: str, tenant: TenantDriver, other_tenant: TenantDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    quote = tenant.submitted_quote(item_discount="15")
    assert quote.approval_case_id is not None
    before = _fingerprint(admin, tenant.id)
    actor, command = CASE_COMMANDS[name](quote.approval_case_id)
    # when / then
    with pytest.raises(NotFound):
        other_tenant.run(actor, command)
    assert _fingerprint(admin, tenant.id) == before


def test_another_tenant_lists_none_of_the_quotes_and_expires_none(
    tenant: TenantDriver, other_tenant: TenantDriver
) -> None:
    # given
    quote = tenant.create_quote()
    tenant.clock.advance(timedelta(days=31))
    # when
    page = other_tenant.query(AGENT, lambda uow: list_quotes(uow))
    report = expire_quotes(other_tenant.factory, other_tenant.ctx(WORKER))
    # then
    assert (page.items, page.total) == ((), 0)
    assert report.expired == ()
    assert tenant.query(AGENT, lambda uow: get_quote(uow, quote.id)).state == "inProgress"
