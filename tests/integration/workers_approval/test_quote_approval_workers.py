"""The quote-approval process end to end on the embedded engine: submit (start request) -> relay ->
evaluate -> assign -> the approver's decision (command publishes ``quote.approval.decided``) -> relay
-> apply-decision; the SLA escalation and the 7-day expiry on the virtual clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from approval_workers_support import AGENT, DIRECTOR, MANAGER, OPERATOR, Flow

from oms.application.commands.approval import RecordApprovalDecision, record_approval_decision
from oms.application.commands.quote import SubmitQuote, submit_quote
from oms.application.errors import Conflict, Forbidden
from oms.application.queries.approvals import get_approval_case
from oms.application.queries.quotes import get_quote
from oms.application.views import QuoteView
from oms.application.workflow import quote_approval_business_key
from oms.domain.approval.case import DecisionOutcome
from oms.domain.approval.policy import COMMERCIAL_DIRECTOR, SALES_MANAGER
from oms.domain.shared.actors import Actor
from oms.workflow import job_types

APPROVE, REJECT = DecisionOutcome.APPROVE, DecisionOutcome.REJECT


def submitted(flow: Flow, item_discount: str) -> tuple[QuoteView, int]:
    quote_id = flow.quote(item_discount)
    quote = flow.run(AGENT, lambda uow: submit_quote(uow, SubmitQuote(quote_id)))
    assert quote.state == "pending" and quote.approval_case_id is not None
    flow.run_until_idle()
    key = quote_approval_business_key(flow.tenant, quote.id, quote.approval_case_id)
    return quote, flow.instance_key(key)


def decide(flow: Flow, approver: Actor, quote: QuoteView, outcome: DecisionOutcome = APPROVE) -> None:
    assert quote.approval_case_id is not None
    decision = RecordApprovalDecision(quote.approval_case_id, outcome, comment="checked")
    flow.run(approver, lambda uow: record_approval_decision(uow, decision))
    flow.run_until_idle()


def quote_state(flow: Flow, quote_id: str) -> str:
    return flow.query(lambda uow: get_quote(uow, quote_id)).state


def test_an_approved_case_approves_the_quote(flow: Flow) -> None:
    # given: one level (15 % > 10 %)
    quote, instance = submitted(flow, "15")
    flow.harness.assert_that(instance).is_waiting_at_elements("await_decision")
    # when
    decide(flow, MANAGER, quote)
    # then
    (
        flow.harness.assert_that(instance)
        .is_completed()
        .has_completed_elements("evaluate_policy", "assign_approvers", "apply_decision", "quote_approved")
        .has_variable("approvalOutcome", "approved")
        .has_no_incidents()
    )
    assert quote_state(flow, quote.id) == "approved"
    assert [(m[1], m[2], m[3]) for m in flow.messages("quote.approval.decided")] == [
        (f"{quote.approval_case_id}:1", {"approvalOutcome": "approved"}, "published")
    ]


def test_a_rejected_case_takes_the_quote_back_in_progress(flow: Flow) -> None:
    # given
    quote, instance = submitted(flow, "15")
    # when
    decide(flow, MANAGER, quote, REJECT)
    # then
    flow.harness.assert_that(instance).is_completed().has_completed_elements("quote_rejected").has_no_incidents()
    assert quote_state(flow, quote.id) == "inProgress"


def test_each_level_is_assigned_and_decided_in_turn(flow: Flow) -> None:
    # given: two levels (30 % > 25 %)
    quote, instance = submitted(flow, "30")
    # when: the manager approves, the director then
    decide(flow, MANAGER, quote)
    flow.harness.assert_that(instance).is_active().is_waiting_at_elements("await_decision")
    decide(flow, DIRECTOR, quote)
    # then
    flow.harness.assert_that(instance).is_completed().has_completed_elements("quote_approved").has_no_incidents()
    assert quote_state(flow, quote.id) == "approved"
    assert len(flow.handled[job_types.QUOTE_APPROVAL_ASSIGN]) == 2
    assert [(m[1], m[2]) for m in flow.messages("quote.approval.decided")] == [
        (f"{quote.approval_case_id}:1", {"approvalOutcome": "pending"}),
        (f"{quote.approval_case_id}:2", {"approvalOutcome": "approved"}),
    ]


def test_the_sla_escalates_the_waiting_level_and_its_approver_decides(flow: Flow) -> None:
    # given: one level (sales manager), nobody decides for a day
    quote, instance = submitted(flow, "15")
    assert quote.approval_case_id is not None
    case_id = quote.approval_case_id
    # when
    flow.increase_time(timedelta(hours=24, minutes=1))
    # then: handed up to the commercial director, who is asked and decides
    case = flow.query(lambda uow: get_approval_case(uow, case_id))
    assert case.current_level is not None and case.current_level["role"] == COMMERCIAL_DIRECTOR
    assert len(flow.handled[job_types.QUOTE_APPROVAL_ESCALATE]) == 1
    assert len(flow.handled[job_types.QUOTE_APPROVAL_ASSIGN]) == 2
    flow.harness.assert_that(instance).is_active().is_waiting_at_elements("await_decision")
    decide(flow, DIRECTOR, quote)
    flow.harness.assert_that(instance).is_completed().has_completed_elements("quote_approved").has_no_incidents()
    assert quote_state(flow, quote.id) == "approved"


def test_at_the_top_of_the_ladder_the_sla_changes_nothing_and_asks_again(flow: Flow) -> None:
    # given: the director waits (escalated once already)
    _, instance = submitted(flow, "15")
    flow.increase_time(timedelta(hours=24, minutes=1))
    # when: another day passes
    flow.increase_time(timedelta(hours=24))
    # then: still the director, asked a third time, no incident
    assert len(flow.handled[job_types.QUOTE_APPROVAL_ESCALATE]) == 2
    assert len(flow.handled[job_types.QUOTE_APPROVAL_ASSIGN]) == 3
    flow.harness.assert_that(instance).is_active().has_no_incidents()


def test_nobody_deciding_for_seven_days_expires_the_case_and_the_quote_stays_unapproved(flow: Flow) -> None:
    # given
    quote, instance = submitted(flow, "15")
    assert quote.approval_case_id is not None
    case_id = quote.approval_case_id
    # when
    flow.increase_time(timedelta(days=7, minutes=1))
    # then
    (
        flow.harness.assert_that(instance)
        .is_completed()
        .has_completed_elements("expire_approval", "apply_decision", "quote_approval_expired")
        .has_variable("approvalOutcome", "expired")
        .has_no_incidents()
    )
    assert flow.query(lambda uow: get_approval_case(uow, case_id)).state == "expired"
    assert quote_state(flow, quote.id) == "inProgress"


def test_a_decision_after_the_expiry_is_refused(flow: Flow) -> None:
    # given
    quote, _ = submitted(flow, "15")
    flow.increase_time(timedelta(days=7, minutes=1))
    # when / then
    assert quote.approval_case_id is not None
    decision = RecordApprovalDecision(quote.approval_case_id, APPROVE, role=SALES_MANAGER)
    with pytest.raises(Conflict) as refused:
        flow.run(MANAGER, lambda uow: record_approval_decision(uow, decision))
    assert refused.value.code == "illegalTransition"
    assert flow.messages("quote.approval.decided") == []


def test_an_operator_cannot_decide_for_an_approver(flow: Flow) -> None:
    quote, instance = submitted(flow, "15")
    assert quote.approval_case_id is not None
    decision = RecordApprovalDecision(quote.approval_case_id, APPROVE, approver_id="manager-1", role=SALES_MANAGER)
    with pytest.raises(Forbidden):
        flow.run(OPERATOR, lambda uow: record_approval_decision(uow, decision))
    assert flow.messages("quote.approval.decided") == []
    flow.harness.assert_that(instance).is_active()
