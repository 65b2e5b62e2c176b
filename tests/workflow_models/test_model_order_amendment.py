"""order-amendment: assess, wait for the approval where the assessment asks for one, apply (which
revises the plan the running fulfillment then follows)."""

from __future__ import annotations

from model_support import start_variables

from oms.engine.testing.harness import ProcessTestHarness
from oms.workflow import job_types
from oms.workflow.processes import ORDER_AMENDMENT
from oms.workflow.processes.contract import ORDER_AMENDMENT_DECIDED

REQUEST = "am-1"


def start(models: ProcessTestHarness, decision: str, *, applied: bool = True) -> int:
    models.mock_job_worker(job_types.ORDER_AMENDMENT_ASSESS).then_complete({"amendmentDecision": decision})
    models.mock_job_worker(job_types.ORDER_AMENDMENT_APPLY).then_complete({"amendmentApplied": applied})
    instance = models.create_instance(ORDER_AMENDMENT, start_variables(orderId="o-1", amendmentRequestId=REQUEST))
    models.run_until_idle()
    return instance.process_instance_key


def decide(models: ProcessTestHarness, approved: bool) -> None:
    models.publish_message(ORDER_AMENDMENT_DECIDED.name, REQUEST, {"amendmentApproved": approved})
    models.run_until_idle()


def test_an_amendment_that_needs_no_approval_is_applied(models: ProcessTestHarness) -> None:
    # when
    instance = start(models, "accepted")
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements("assess_amendment", "apply_amendment", "amendment_applied", in_order=True)
        .has_not_activated_elements("await_amendment_decision")
        .has_variable("amendmentApplied", True)
    )


def test_an_approved_amendment_is_applied(models: ProcessTestHarness) -> None:
    # given
    instance = start(models, "approvalRequired")
    models.assert_that(instance).is_waiting_for_message(ORDER_AMENDMENT_DECIDED.name, REQUEST)
    assert not models.workers[job_types.ORDER_AMENDMENT_APPLY].handled
    # when
    decide(models, True)
    # then
    models.assert_that(instance).is_completed().has_completed_elements(
        "await_amendment_decision", "apply_amendment", "amendment_applied", in_order=True
    )


def test_a_refused_approval_ends_the_amendment_without_applying_it(models: ProcessTestHarness) -> None:
    # given
    instance = start(models, "approvalRequired")
    # when
    decide(models, False)
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements("amendment_declined")
        .has_not_activated_elements("apply_amendment")
        .has_variable("amendmentApproved", False)
    )


def test_an_amendment_the_assessment_refuses_ends_at_once(models: ProcessTestHarness) -> None:
    # when
    instance = start(models, "refused")
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements("amendment_refused")
        .has_not_activated_elements("await_amendment_decision", "apply_amendment")
    )


def test_an_amendment_the_plan_has_moved_past_is_refused_at_apply(models: ProcessTestHarness) -> None:
    # when
    instance = start(models, "accepted", applied=False)
    # then
    models.assert_that(instance).is_completed().has_completed_elements(
        "apply_amendment", "amendment_refused_at_apply"
    ).has_not_activated_elements("amendment_applied")
