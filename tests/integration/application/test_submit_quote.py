"""submit_quote: approved at once, or pending with an approval case and a workflow start request
for the approval process, all in the submitting transaction."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from cpq_app_support import AGENT, WORKER, TenantDriver, rows

from oms.application.commands.quote import SubmitQuote, submit_quote
from oms.application.errors import Conflict, Forbidden, StaleVersion
from oms.application.queries.approvals import get_approval_case
from oms.application.unit_of_work import UnitOfWork
from oms.application.workflow import QUOTE_APPROVAL_WORKFLOW


def test_a_quote_without_discount_is_approved_at_once_and_starts_no_process(
    tenant: TenantDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    quote = tenant.create_quote()
    # when
    submitted = tenant.run(AGENT, lambda uow: submit_quote(uow, SubmitQuote(quote.id, expected_version=0)))
    # then
    assert (submitted.state, submitted.approval_case_id, submitted.version) == ("approved", None, 1)
    assert rows(admin, "SELECT 1 FROM workflow_start_request WHERE tenant_id = %s", tenant.id) == []
    assert rows(admin, "SELECT 1 FROM approval_case WHERE tenant_id = %s", tenant.id) == []


def test_a_quote_needing_approval_opens_a_case_and_requests_the_approval_process(
    tenant: TenantDriver, admin: psycopg.Connection[Any]
) -> None:
    # given: 15 % on an item is above the sales manager's 10 %
    quote = tenant.create_quote(item_discount="15")
    # when
    submitted = tenant.run(AGENT, lambda uow: submit_quote(uow, SubmitQuote(quote.id)))
    # then
    assert submitted.state == "pending"
    case_id = submitted.approval_case_id
    assert case_id is not None
    case = tenant.query(AGENT, lambda uow: get_approval_case(uow, case_id))
    assert (case.state, case.quote_id, [lv["role"] for lv in case.levels]) == ("open", quote.id, ["sales_manager"])
    starts = rows(
        admin,
        "SELECT workflow_type, business_key, aggregate_type, aggregate_id, variables, status, attempt_count"
        " FROM workflow_start_request WHERE tenant_id = %s",
        tenant.id,
    )
    assert starts == [
        (
            QUOTE_APPROVAL_WORKFLOW,
            f"quote:{tenant.id}:{quote.id}:approval:{case_id}",
            "quote",
            quote.id,
            {
                "tenantId": tenant.id,
                "quoteId": quote.id,
                "approvalCaseId": case_id,
                "correlationId": starts[0][4]["correlationId"],
            },
            "pending",
            0,
        )
    ]


def test_the_case_the_start_request_and_the_quote_change_commit_in_one_transaction(
    tenant: TenantDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    quote = tenant.create_quote(item_discount="15")
    # when
    tenant.run(AGENT, lambda uow: submit_quote(uow, SubmitQuote(quote.id)))
    # then: every row the submission wrote carries the same writing transaction id (xmin)
    writers = rows(
        admin,
        """
        SELECT 'quote', xmin::text FROM quote WHERE tenant_id = %(t)s AND id = %(q)s
        UNION ALL SELECT 'case', xmin::text FROM approval_case WHERE tenant_id = %(t)s
        UNION ALL SELECT 'start', xmin::text FROM workflow_start_request WHERE tenant_id = %(t)s
        UNION ALL SELECT 'outbox', xmin::text FROM outbox_event
            WHERE tenant_id = %(t)s AND event_type IN ('QuoteSubmitted', 'QuoteApprovalRequested', 'ApprovalCaseOpened')
        UNION ALL SELECT 'audit', xmin::text FROM audit_event
            WHERE tenant_id = %(t)s AND action IN ('submitQuote', 'openApprovalCase')
        """,
        t=tenant.id,
        q=quote.id,
    )
    kinds = sorted(kind for kind, _ in writers)
    assert kinds == ["audit", "audit", "case", "outbox", "outbox", "outbox", "quote", "start"]
    assert len({xid for _, xid in writers}) == 1


def test_a_submission_that_fails_after_writing_leaves_no_case_and_no_start_request(
    tenant: TenantDriver, admin: psycopg.Connection[Any]
) -> None:
    # given
    quote = tenant.create_quote(item_discount="15")

    def submit_then_fail(uow: UnitOfWork) -> None:
        submit_quote(uow, SubmitQuote(quote.id))
        raise RuntimeError("crash before commit")

    # when
    with pytest.raises(RuntimeError):
        tenant.run(AGENT, submit_then_fail)
    # then
    assert rows(admin, "SELECT state FROM quote WHERE tenant_id = %s", tenant.id) == [("inProgress",)]
    assert rows(admin, "SELECT 1 FROM approval_case WHERE tenant_id = %s", tenant.id) == []
    assert rows(admin, "SELECT 1 FROM workflow_start_request WHERE tenant_id = %s", tenant.id) == []


def test_a_quote_cannot_be_submitted_twice(tenant: TenantDriver) -> None:
    # given
    quote = tenant.submitted_quote(item_discount="15")
    # when / then
    with pytest.raises(Conflict) as raised:
        tenant.run(AGENT, lambda uow: submit_quote(uow, SubmitQuote(quote.id)))
    assert raised.value.details["from_state"] == "pending"


def test_submitting_an_outdated_version_fails(tenant: TenantDriver) -> None:
    # given
    quote = tenant.create_quote()
    # when / then
    with pytest.raises(StaleVersion):
        tenant.run(AGENT, lambda uow: submit_quote(uow, SubmitQuote(quote.id, expected_version=3)))


def test_a_service_actor_cannot_submit_a_quote(tenant: TenantDriver) -> None:
    # given
    quote = tenant.create_quote()
    # when / then
    with pytest.raises(Forbidden):
        tenant.run(WORKER, lambda uow: submit_quote(uow, SubmitQuote(quote.id)))
