"""order-cancellation: assess, then compensate (undo what fulfillment did, in reverse dependency
order) and close; a failed compensation is the BPMN error COMPENSATION_FAILED and waits for the
fallout repair before it compensates again."""

from __future__ import annotations

from datetime import timedelta

from model_support import Handler, complete, start_variables, then, throw

from oms.engine.testing.harness import ProcessTestHarness
from oms.workflow import job_types
from oms.workflow.processes import ORDER_CANCELLATION
from oms.workflow.processes.contract import COMPENSATION_FAILED, FALLOUT_REPAIRED


def start(models: ProcessTestHarness, decision: str, *, compensate: Handler | None = None) -> int:
    models.mock_job_worker(job_types.ORDER_CANCELLATION_ASSESS).then_complete({"cancellationDecision": decision})
    models.mock_job_worker(job_types.ORDER_CANCELLATION_COMPENSATE).with_handler(compensate or complete())
    models.mock_job_worker(job_types.ORDER_CANCELLATION_CLOSE).then_complete()
    instance = models.create_instance(ORDER_CANCELLATION, start_variables(orderId="o-1", cancellationRequestId="cr-1"))
    models.run_until_idle()
    return instance.process_instance_key


def test_an_accepted_cancellation_compensates_and_closes(models: ProcessTestHarness) -> None:
    # when
    instance = start(models, "compensate")
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements(
            "assess_cancellation", "compensate", "close_cancellation", "order_cancelled", in_order=True
        )
        .has_not_activated_elements("cancellation_refused", "cancelled_without_compensation", "await_repair")
        .has_no_incidents()
    )


def test_a_refused_cancellation_ends_without_compensating(models: ProcessTestHarness) -> None:
    # when
    instance = start(models, "refused")
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements("cancellation_refused")
        .has_not_activated_elements("compensate", "close_cancellation")
    )


def test_a_cancellation_with_nothing_to_undo_ends_at_once(models: ProcessTestHarness) -> None:
    # when
    instance = start(models, "nothingToUndo")
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements("cancelled_without_compensation")
        .has_not_activated_elements("compensate", "close_cancellation")
    )


def test_a_failed_compensation_waits_for_the_repair_and_compensates_again(models: ProcessTestHarness) -> None:
    # given
    instance = start(
        models,
        "compensate",
        compensate=then(throw(COMPENSATION_FAILED, {"falloutCaseId": "fc-9"}), complete()),
    )
    (
        models.assert_that(instance)
        .is_active()
        .has_terminated_elements("compensate")
        .has_completed_elements("compensation_failed")
        .is_waiting_for_message(FALLOUT_REPAIRED.name, "fc-9")
        .has_variable("falloutCaseId", "fc-9")
        .has_not_activated_elements("close_cancellation")
        .has_no_incidents()
    )
    # when
    models.publish_message(FALLOUT_REPAIRED.name, "fc-9", time_to_live=timedelta(hours=1))
    models.run_until_idle()
    # then
    models.assert_that(instance).is_completed().has_completed_elements(
        "await_repair", "compensate", "close_cancellation", "order_cancelled", in_order=True
    )
    assert len(models.workers[job_types.ORDER_CANCELLATION_COMPENSATE].handled) == 2


def test_an_unknown_decision_stops_with_an_incident(models: ProcessTestHarness) -> None:
    # when
    instance = start(models, "maybe")
    # then
    models.assert_that(instance).is_active().has_incident(error_type="CONDITION_ERROR")
