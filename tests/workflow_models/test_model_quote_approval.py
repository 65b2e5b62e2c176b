"""quote-approval: evaluate the policy, assign approvers, wait for the decision (level by level),
escalate when the SLA passes, expire when nobody decides in time, apply the decision."""

from __future__ import annotations

from datetime import timedelta

from model_support import answers, count, element_ids, start_variables

from oms.engine.testing.harness import ProcessTestHarness
from oms.workflow import job_types
from oms.workflow.processes import QUOTE_APPROVAL
from oms.workflow.processes.contract import QUOTE_APPROVAL_DECIDED

CASE = "case-1"


def start(models: ProcessTestHarness, *, approval_required: bool = True) -> int:
    outcome = None if approval_required else "approved"
    models.mock_job_worker(job_types.QUOTE_APPROVAL_EVALUATE).then_complete(
        {"approvalRequired": approval_required, "approvalOutcome": outcome}
    )
    models.mock_job_worker(job_types.QUOTE_APPROVAL_ASSIGN).then_complete()
    models.mock_job_worker(job_types.QUOTE_APPROVAL_APPLY_DECISION).then_complete()
    models.mock_job_worker(job_types.QUOTE_APPROVAL_ESCALATE).then_complete()
    models.mock_job_worker(job_types.QUOTE_APPROVAL_EXPIRE).then_complete({"approvalOutcome": "expired"})
    instance = models.create_instance(QUOTE_APPROVAL, start_variables(quoteId="q-1", approvalCaseId=CASE))
    models.run_until_idle()
    return instance.process_instance_key


def decide(models: ProcessTestHarness, outcome: str) -> None:
    models.publish_message(QUOTE_APPROVAL_DECIDED.name, CASE, {"approvalOutcome": outcome})
    models.run_until_idle()


def test_an_approved_case_approves_the_quote(models: ProcessTestHarness) -> None:
    # given
    instance = start(models)
    models.assert_that(instance).is_waiting_at_elements("await_decision").is_waiting_for_message(
        QUOTE_APPROVAL_DECIDED.name, CASE
    )
    # when
    decide(models, "approved")
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements(
            "evaluate_policy", "assign_approvers", "await_decision", "apply_decision", "quote_approved", in_order=True
        )
        .has_completed_elements("approval", "approval_decided")
        .has_not_activated_elements("quote_rejected", "quote_approval_expired", "escalate_approval", "expire_approval")
        .has_variable("approvalOutcome", "approved")
        .has_no_incidents()
    )


def test_a_rejected_case_rejects_the_quote(models: ProcessTestHarness) -> None:
    # given
    instance = start(models)
    # when
    decide(models, "rejected")
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements("apply_decision", "quote_rejected")
        .has_not_activated_elements("quote_approved")
    )


def test_each_level_gets_its_approvers_until_the_last_one_decides(models: ProcessTestHarness) -> None:
    # given
    instance = start(models)
    # when
    decide(models, "pending")
    decide(models, "pending")
    decide(models, "approved")
    # then
    models.assert_that(instance).is_completed().has_completed_elements("quote_approved")
    assert len(models.workers[job_types.QUOTE_APPROVAL_ASSIGN].handled) == 3
    assert count(element_ids(models.engine, instance, "COMPLETED"), "await_decision") == 3


def test_a_quote_the_policy_does_not_send_to_approval_goes_straight_to_applying(models: ProcessTestHarness) -> None:
    # when
    instance = start(models, approval_required=False)
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements("evaluate_policy", "apply_decision", "quote_approved", in_order=True)
        .has_not_activated_elements("approval", "assign_approvers")
    )


def test_the_sla_escalates_and_reassigns_while_the_decision_still_counts(models: ProcessTestHarness) -> None:
    # given
    instance = start(models)
    # when
    models.increase_time(timedelta(hours=25))
    # then: escalated once, still waiting for the same case
    models.assert_that(instance).is_active().is_waiting_at_elements("await_decision").has_completed_elements(
        "approval_sla", "escalate_approval", "reassign_approvers", "escalation_handled", in_order=True
    )
    assert len(models.workers[job_types.QUOTE_APPROVAL_ESCALATE].handled) == 1
    # when: another day passes, it escalates again; then the escalated level approves
    models.increase_time(timedelta(hours=24))
    decide(models, "approved")
    # then
    models.assert_that(instance).is_completed().has_completed_elements("quote_approved").has_no_incidents()
    assert len(models.workers[job_types.QUOTE_APPROVAL_ESCALATE].handled) == 2
    assert len(models.workers[job_types.QUOTE_APPROVAL_ASSIGN].handled) == 3  # first assignment + 2 escalations


def test_nobody_deciding_within_seven_days_expires_the_case_and_applies_the_expiry(
    models: ProcessTestHarness,
) -> None:
    # given
    instance = start(models)
    # when
    models.increase_time(timedelta(days=7, minutes=1))
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_terminated_elements("approval", "await_decision")
        .has_completed_elements(
            "approval_expired", "expire_approval", "apply_decision", "quote_approval_expired", in_order=True
        )
        .has_not_activated_elements("quote_approved", "quote_rejected")
        .has_variable("approvalOutcome", "expired")
        .is_not_waiting_for_message(QUOTE_APPROVAL_DECIDED.name)
    )
    assert len(models.workers[job_types.QUOTE_APPROVAL_EXPIRE].handled) == 1


def test_a_decision_after_expiry_finds_nothing_waiting(models: ProcessTestHarness) -> None:
    # given
    instance = start(models)
    models.increase_time(timedelta(days=8))
    # when
    decide(models, "approved")
    # then: the expiry was applied, the late decision changed nothing
    models.assert_that(instance).is_completed().has_variable("approvalOutcome", "expired")
    assert len(models.workers[job_types.QUOTE_APPROVAL_APPLY_DECISION].handled) == 1


def test_the_escalation_jobs_see_the_case_they_escalate(models: ProcessTestHarness) -> None:
    # given
    instance = start(models)
    models.mock_job_worker(job_types.QUOTE_APPROVAL_ESCALATE).with_handler(answers({}))
    # when
    models.increase_time(timedelta(hours=24, seconds=1))
    # then
    [job] = models.workers[job_types.QUOTE_APPROVAL_ESCALATE].handled
    assert job.variables["approvalCaseId"] == CASE
    assert job.variables["quoteId"] == "q-1"
    models.assert_that(instance).is_active()
