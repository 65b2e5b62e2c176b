"""Redelivered jobs complete with the first result (the command answers from what is stored), and the
failure taxonomy: a missing routing variable or an unknown aggregate is an incident at once, a stale
version a short retry, a database that is away a retry after a back-off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
import pytest
from approval_workers_support import AGENT, MANAGER, Flow, fiber_and_tv_order

from oms.application.commands.approval import RecordApprovalDecision, record_approval_decision
from oms.application.commands.cancellation import RequestCancellation, request_cancellation
from oms.application.commands.order import place_order
from oms.application.commands.quote import SubmitQuote, submit_quote
from oms.application.errors import StaleVersion
from oms.application.queries.quotes import get_quote
from oms.application.unit_of_work import UnitOfWorkFactory
from oms.domain.approval.case import DecisionOutcome
from oms.workflow import job_types
from oms.workflow.client import Job
from oms.workflow.outcomes import Completed, Failed, IncidentError, TransientError, outcome_of
from oms.workflow.workers.approval import approval_handlers
from oms.workflow.workers.context import WorkerDependencies, job_context, run_job_command


def job_with(flow: Flow, job_type: str, variables: dict[str, Any]) -> Job:
    """A job as the engine would hand it out, with the variables given (for failure cases)."""
    return Job(
        key=42,
        type=job_type,
        process_instance_key=7,
        element_instance_key=8,
        element_id="task",
        bpmn_process_id="quote-approval",
        process_definition_key=1,
        process_definition_version=1,
        retries=3,
        deadline=flow.harness.clock.now() + timedelta(minutes=5),
        worker="test-worker",
        tenant_id="<default>",
        variables=variables,
    )


def test_an_assessment_redelivered_after_its_completion_was_lost_completes_with_the_first_result(flow: Flow) -> None:
    # given: an order in flight with its resources reserved; the cancellation's assess job is
    # handled (the command commits) but the completion never reaches the engine
    flow.stub_fulfillment_until_provisioning()
    flow.stub_compensation()
    order = flow.run(AGENT, lambda uow: place_order(uow, fiber_and_tv_order()))
    flow.run_until_idle()
    flow.paused.add(job_types.ORDER_CANCELLATION_ASSESS)
    flow.run(AGENT, lambda uow: request_cancellation(uow, RequestCancellation(order.id)))
    flow.run_until_idle()
    handler = flow.handlers[job_types.ORDER_CANCELLATION_ASSESS]
    first_delivery = flow.activate(job_types.ORDER_CANCELLATION_ASSESS, timeout_ms=60_000)
    first = outcome_of(handler, first_delivery, 0)
    # when: the job times out and is delivered again
    flow.harness.clock.increase_time(timedelta(minutes=2))
    flow.harness.engine.run_due_work()
    second_delivery = flow.activate(job_types.ORDER_CANCELLATION_ASSESS)
    second = outcome_of(handler, second_delivery, 0)
    second.report(flow.client, second_delivery)
    flow.paused.clear()
    flow.run_until_idle()
    # then: the same answer, one message, and the process finished as for one delivery
    assert first == second == Completed({"cancellationDecision": "compensate"})
    assert second_delivery.key == first_delivery.key
    assert len(flow.messages("order.cancellation.accepted")) == 1
    assert flow.outcomes[job_types.ORDER_CANCELLATION_CLOSE] == ["completed"]


def test_apply_decision_and_expire_answer_the_same_when_run_twice(flow: Flow) -> None:
    # given: an approved case whose apply-decision job is delivered twice
    quote_id = flow.quote("15")
    quote = flow.run(AGENT, lambda uow: submit_quote(uow, SubmitQuote(quote_id)))
    assert quote.approval_case_id is not None
    flow.paused.add(job_types.QUOTE_APPROVAL_APPLY_DECISION)
    flow.run_until_idle()
    decision = RecordApprovalDecision(quote.approval_case_id, DecisionOutcome.APPROVE)
    flow.run(MANAGER, lambda uow: record_approval_decision(uow, decision))
    flow.run_until_idle()
    job = flow.activate(job_types.QUOTE_APPROVAL_APPLY_DECISION)
    apply_decision = flow.handlers[job_types.QUOTE_APPROVAL_APPLY_DECISION]
    expire = flow.handlers[job_types.QUOTE_APPROVAL_EXPIRE]
    # when
    outcomes = [outcome_of(apply_decision, job, 0) for _ in range(2)]
    expiries = [outcome_of(expire, job, 0) for _ in range(2)]  # the timer racing the decision
    # then
    assert outcomes == [Completed({}), Completed({})]
    assert expiries == [Completed({"approvalOutcome": "approved"})] * 2
    approved = flow.query(lambda uow: get_quote(uow, quote_id))
    assert approved.state == "approved" and len(approved.authorizations) == 1


def test_a_job_without_its_routing_variables_is_an_incident_at_once(flow: Flow) -> None:
    handler = flow.handlers[job_types.QUOTE_APPROVAL_APPLY_DECISION]
    outcome = outcome_of(handler, job_with(flow, job_types.QUOTE_APPROVAL_APPLY_DECISION, {"tenantId": flow.tenant}), 0)
    assert isinstance(outcome, Failed) and outcome.retries == 0
    assert "needs the variable 'approvalCaseId'" in outcome.message


def test_a_job_for_an_unknown_case_is_an_incident_naming_it(flow: Flow) -> None:
    job = job_with(flow, job_types.QUOTE_APPROVAL_EXPIRE, {"tenantId": flow.tenant, "approvalCaseId": "nope"})
    outcome = outcome_of(flow.handlers[job_types.QUOTE_APPROVAL_EXPIRE], job, 0)
    assert isinstance(outcome, Failed) and outcome.retries == 0
    assert "not found" in outcome.message and "'nope'" in outcome.message


def test_a_job_whose_quote_is_not_the_cases_is_an_incident(flow: Flow) -> None:
    quote_id = flow.quote("15")
    quote = flow.run(AGENT, lambda uow: submit_quote(uow, SubmitQuote(quote_id)))
    variables = {"tenantId": flow.tenant, "quoteId": "another-quote", "approvalCaseId": quote.approval_case_id}
    outcome = outcome_of(flow.handlers[job_types.QUOTE_APPROVAL_EVALUATE], job_with(flow, "x", variables), 0)
    assert isinstance(outcome, Failed) and outcome.retries == 0 and "wrongQuote" in outcome.message


def test_a_stale_version_is_retried_soon(flow: Flow) -> None:
    def stale(_: object) -> None:
        raise StaleVersion("approvalCase", "c-1", 3, 4)

    deps = WorkerDependencies(flow.factory)
    job = job_with(flow, job_types.QUOTE_APPROVAL_ASSIGN, {"tenantId": flow.tenant})
    with pytest.raises(TransientError) as raised:
        run_job_command(deps, job_context(job, deps), stale, approvalCaseId="c-1")
    assert raised.value.backoff == timedelta(milliseconds=200)
    outcome = outcome_of(lambda job: run_job_command(deps, job_context(job, deps), stale, approvalCaseId="c-1"), job, 0)
    assert isinstance(outcome, Failed) and outcome.retries == 2 and outcome.backoff_ms == 200


def test_a_database_that_is_away_is_retried_after_a_back_off(flow: Flow) -> None:
    def unreachable(_: object) -> UnitOfWorkFactory:
        raise psycopg.OperationalError("connection refused")

    handlers = approval_handlers(WorkerDependencies(unreachable))  # type: ignore[arg-type]
    job = job_with(flow, job_types.QUOTE_APPROVAL_ASSIGN, {"tenantId": flow.tenant, "approvalCaseId": "c-1"})
    outcome = outcome_of(handlers[job_types.QUOTE_APPROVAL_ASSIGN], job, 0)
    assert isinstance(outcome, Failed) and outcome.retries == 2 and outcome.backoff_ms == 5000
    assert outcome.name == "transient_failure"


def test_a_tenant_id_that_cannot_be_one_is_an_incident(flow: Flow) -> None:
    job = job_with(flow, job_types.QUOTE_APPROVAL_ASSIGN, {"tenantId": "a:b", "approvalCaseId": "c-1"})
    with pytest.raises(IncidentError):
        flow.handlers[job_types.QUOTE_APPROVAL_ASSIGN](job)
