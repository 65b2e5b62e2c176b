"""record_approval_decision, escalate_approval and apply_approval_outcome, with who may do them."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from cpq_app_support import AGENT, DIRECTOR, MANAGER, OPERATOR, WORKER, TenantDriver, rows

from oms.application.commands.approval import (
    ApplyApprovalOutcome,
    EscalateApproval,
    RecordApprovalDecision,
    apply_approval_outcome,
    escalate_approval,
    record_approval_decision,
)
from oms.application.errors import Conflict, Forbidden, NotFound, StaleVersion, ValidationFailed
from oms.application.queries.quotes import get_quote
from oms.application.views import QuoteView
from oms.domain.approval.case import DecisionOutcome

APPROVE, REJECT = DecisionOutcome.APPROVE, DecisionOutcome.REJECT


def _case_id(quote: QuoteView) -> str:
    assert quote.approval_case_id is not None
    return quote.approval_case_id


def test_an_approver_records_their_own_decision(tenant: TenantDriver, admin: psycopg.Connection[Any]) -> None:
    # given
    case_id = _case_id(tenant.submitted_quote(item_discount="15"))
    # when
    case = tenant.run(
        MANAGER, lambda uow: record_approval_decision(uow, RecordApprovalDecision(case_id, APPROVE, "ok"))
    )
    # then
    assert case.state == "approved"
    assert [(d["approverId"], d["role"], d["recordedBy"]) for d in case.decisions] == [
        ("manager-1", "sales_manager", "manager-1")
    ]
    assert rows(admin, "SELECT level, approver_id, outcome FROM approval_decision WHERE tenant_id = %s", tenant.id) == [
        (1, "manager-1", "approve")
    ]


def test_the_worker_records_a_decision_an_approver_made(tenant: TenantDriver) -> None:
    # given
    case_id = _case_id(tenant.submitted_quote(item_discount="15"))
    request = RecordApprovalDecision(case_id, REJECT, "too much", approver_id="manager-7", role="sales_manager")
    # when
    case = tenant.run(WORKER, lambda uow: record_approval_decision(uow, request))
    # then
    assert case.state == "rejected"
    assert case.decisions[0]["recordedBy"] == WORKER.id and case.decisions[0]["approverId"] == "manager-7"


def test_the_worker_cannot_record_a_decision_without_an_approver(tenant: TenantDriver) -> None:
    # given
    case_id = _case_id(tenant.submitted_quote(item_discount="15"))
    # when / then
    with pytest.raises(Forbidden):
        tenant.run(WORKER, lambda uow: record_approval_decision(uow, RecordApprovalDecision(case_id, APPROVE)))
    with pytest.raises(ValidationFailed):
        tenant.run(
            WORKER, lambda uow: record_approval_decision(uow, RecordApprovalDecision(case_id, APPROVE, approver_id="m"))
        )
    with pytest.raises(Forbidden):
        tenant.run(
            WORKER,
            lambda uow: record_approval_decision(
                uow, RecordApprovalDecision(case_id, APPROVE, approver_id=WORKER.id, role="sales_manager")
            ),
        )


def test_an_approver_without_the_levels_role_cannot_decide(tenant: TenantDriver) -> None:
    # given: the case waits for a sales manager
    case_id = _case_id(tenant.submitted_quote(item_discount="15"))
    # when / then
    with pytest.raises(Forbidden):
        tenant.run(DIRECTOR, lambda uow: record_approval_decision(uow, RecordApprovalDecision(case_id, APPROVE)))


def test_a_decision_for_another_level_than_the_waiting_one_is_refused(tenant: TenantDriver) -> None:
    # given: the case waits for level 1 (sales manager)
    case_id = _case_id(tenant.submitted_quote(item_discount="30"))
    request = RecordApprovalDecision(case_id, APPROVE, role="commercial_director")
    # when / then
    with pytest.raises(Conflict) as raised:
        tenant.run(DIRECTOR, lambda uow: record_approval_decision(uow, request))
    assert raised.value.code == "wrongApprovalLevel"


def test_neither_a_sales_agent_nor_an_operator_can_decide(tenant: TenantDriver) -> None:
    # given
    case_id = _case_id(tenant.submitted_quote(item_discount="15"))
    request = RecordApprovalDecision(case_id, APPROVE, approver_id="agent-1", role="sales_manager")
    # when / then
    with pytest.raises(Forbidden):
        tenant.run(AGENT, lambda uow: record_approval_decision(uow, request))
    with pytest.raises(Forbidden):
        tenant.run(OPERATOR, lambda uow: record_approval_decision(uow, RecordApprovalDecision(case_id, APPROVE)))


def test_a_decision_on_a_stale_case_version_fails(tenant: TenantDriver) -> None:
    # given
    case_id = _case_id(tenant.submitted_quote(item_discount="30"))
    tenant.run(MANAGER, lambda uow: record_approval_decision(uow, RecordApprovalDecision(case_id, APPROVE)))
    # when / then
    with pytest.raises(StaleVersion):
        tenant.run(
            DIRECTOR,
            lambda uow: record_approval_decision(uow, RecordApprovalDecision(case_id, APPROVE, expected_version=0)),
        )


def test_an_operator_escalates_to_the_next_level(tenant: TenantDriver) -> None:
    # given
    case_id = _case_id(tenant.submitted_quote(item_discount="15"))
    # when
    case = tenant.run(OPERATOR, lambda uow: escalate_approval(uow, EscalateApproval(case_id, "manager on leave")))
    # then
    assert case.current_level is not None and case.current_level["role"] == "commercial_director"
    assert case.escalations[0]["fromLevel"] == 1 and case.escalations[0]["toLevel"] == 2


def test_the_top_level_cannot_be_escalated(tenant: TenantDriver) -> None:
    # given
    case_id = _case_id(tenant.submitted_quote(item_discount="15"))
    tenant.run(OPERATOR, lambda uow: escalate_approval(uow, EscalateApproval(case_id, "first")))
    # when / then
    with pytest.raises(Conflict) as raised:
        tenant.run(OPERATOR, lambda uow: escalate_approval(uow, EscalateApproval(case_id, "second")))
    assert raised.value.code == "cannotEscalate"


def test_a_sales_agent_cannot_escalate(tenant: TenantDriver) -> None:
    # given
    case_id = _case_id(tenant.submitted_quote(item_discount="15"))
    # when / then
    with pytest.raises(Forbidden):
        tenant.run(AGENT, lambda uow: escalate_approval(uow, EscalateApproval(case_id, "hurry")))


def test_an_approved_case_moves_its_quote_to_approved(tenant: TenantDriver) -> None:
    # given
    quote = tenant.submitted_quote(item_discount="15")
    case_id = _case_id(quote)
    tenant.run(MANAGER, lambda uow: record_approval_decision(uow, RecordApprovalDecision(case_id, APPROVE)))
    # when
    applied = tenant.run(WORKER, lambda uow: apply_approval_outcome(uow, ApplyApprovalOutcome(case_id)))
    # then
    assert applied.state == "approved"
    assert [(a["level"], a["state"], a["approverId"]) for a in applied.authorizations] == [(1, "approved", "manager-1")]


def test_applying_an_outcome_twice_changes_nothing_the_second_time(tenant: TenantDriver) -> None:
    # given: a redelivered apply-decision job
    quote = tenant.submitted_quote(item_discount="15")
    case_id = _case_id(quote)
    tenant.run(MANAGER, lambda uow: record_approval_decision(uow, RecordApprovalDecision(case_id, REJECT)))
    first = tenant.run(WORKER, lambda uow: apply_approval_outcome(uow, ApplyApprovalOutcome(case_id)))
    # when
    second = tenant.run(WORKER, lambda uow: apply_approval_outcome(uow, ApplyApprovalOutcome(case_id)))
    # then
    assert first.state == "inProgress" and second == first
    assert tenant.query(AGENT, lambda uow: get_quote(uow, quote.id)).version == first.version


def test_an_open_case_has_no_outcome_to_apply(tenant: TenantDriver) -> None:
    # given
    case_id = _case_id(tenant.submitted_quote(item_discount="15"))
    # when / then
    with pytest.raises(Conflict) as raised:
        tenant.run(WORKER, lambda uow: apply_approval_outcome(uow, ApplyApprovalOutcome(case_id)))
    assert raised.value.code == "approvalNotComplete"


def test_deciding_on_an_unknown_case_is_not_found(tenant: TenantDriver) -> None:
    # when / then
    with pytest.raises(NotFound):
        tenant.run(MANAGER, lambda uow: record_approval_decision(uow, RecordApprovalDecision("nope", APPROVE)))
