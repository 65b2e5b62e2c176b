"""The approval handlers served by the real ``WorkerRuntime`` (long polls on their own threads) over
the embedded engine, with the workflow relay drained by the test: submit, decide, approved."""

from __future__ import annotations

from datetime import timedelta

from approval_workers_support import AGENT, MANAGER, Flow, wait_until

from oms.application.commands.approval import RecordApprovalDecision, record_approval_decision
from oms.application.commands.quote import SubmitQuote, submit_quote
from oms.application.queries.quotes import get_quote
from oms.application.workflow import quote_approval_business_key
from oms.domain.approval.case import DecisionOutcome
from oms.workflow.runtime import WorkerRuntime
from oms.workflow.workers import default_handlers


def test_the_worker_runtime_serves_the_approval_process(flow: Flow) -> None:
    # given
    runtime = WorkerRuntime(
        flow.client, default_handlers(flow.factory), worker_id="w-approval", poll_timeout=timedelta(milliseconds=300)
    )
    runtime.start()
    try:
        quote_id = flow.quote("15")
        quote = flow.run(AGENT, lambda uow: submit_quote(uow, SubmitQuote(quote_id)))
        assert quote.approval_case_id is not None
        flow.relay.drain()
        instance = flow.instance_key(quote_approval_business_key(flow.tenant, quote_id, quote.approval_case_id))
        wait_until(lambda: "await_decision" in _waiting(flow, instance), what="the instance waits for the decision")
        # when
        decision = RecordApprovalDecision(quote.approval_case_id, DecisionOutcome.APPROVE)
        flow.run(MANAGER, lambda uow: record_approval_decision(uow, decision))
        flow.relay.drain()
        # then
        wait_until(
            lambda: flow.query(lambda uow: get_quote(uow, quote_id)).state == "approved", what="the quote approved"
        )
        wait_until(lambda: _state(flow, instance) == "COMPLETED", what="the instance completed")
    finally:
        assert runtime.stop(timedelta(seconds=5))
    flow.harness.assert_that(instance).has_completed_elements("quote_approved").has_no_incidents()


def _waiting(flow: Flow, instance: int) -> list[str]:
    return [e.element_id for e in flow.harness.engine.queries.element_instances(instance) if e.state == "ACTIVATED"]


def _state(flow: Flow, instance: int) -> str:
    [summary] = [i for i in flow.harness.engine.queries.process_instances("quote-approval") if i.key == instance]
    return str(summary.state)
