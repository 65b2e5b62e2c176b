"""order-fulfillment: decompose, then run the plan's next step until the plan says ``close``;
provisioning is asynchronous with a 2-hour business timeout; a business rejection is the BPMN
error FALLOUT and waits for the repair; an accepted cancellation interrupts everything."""

from __future__ import annotations

from datetime import timedelta

from model_support import Handler, answers, complete, count, element_ids, start_variables, then, throw

from oms.engine.testing.harness import ProcessTestHarness
from oms.workflow import job_types
from oms.workflow.processes import ORDER_FULFILLMENT
from oms.workflow.processes.contract import (
    FALLOUT,
    FALLOUT_REPAIRED,
    ORDER_CANCELLATION_ACCEPTED,
    ORDER_PROVISIONING_COMPLETED,
)

ORDER = "o-1"
REQUEST = "o-1:provision-service:run-1"


def workers(
    models: ProcessTestHarness,
    *,
    decompose: str = "reserve-resource",
    reserve: Handler | None = None,
    provision: Handler | None = None,
    billing: Handler | None = None,
) -> None:
    """Mock workers for a plain fiber order: reserve → provision → billing → close."""
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_DECOMPOSE).then_complete({"nextStep": decompose})
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_RESERVE_RESOURCE).with_handler(
        reserve or complete({"nextStep": "provision-service"})
    )
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_PROVISION_SERVICE).with_handler(
        provision or complete({"provisioningRequestId": REQUEST})
    )
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_ACTIVATE_BILLING).with_handler(
        billing or complete({"nextStep": "close"})
    )
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_CLOSE_ORDER).then_complete()
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_OPEN_FALLOUT).then_complete({"falloutCaseId": "fc-timeout"})


def start(models: ProcessTestHarness) -> int:
    instance = models.create_instance(ORDER_FULFILLMENT, start_variables(orderId=ORDER))
    models.run_until_idle()
    return instance.process_instance_key


def provisioning_completed(models: ProcessTestHarness, request: str = REQUEST, **variables: object) -> None:
    message = {"provisioningOutcome": "completed", "nextStep": "activate-billing", **variables}
    models.publish_message(ORDER_PROVISIONING_COMPLETED.name, request, message, time_to_live=timedelta(hours=2))
    models.run_until_idle()


def repaired(models: ProcessTestHarness, case: str, next_step: str) -> None:
    models.publish_message(FALLOUT_REPAIRED.name, case, {"nextStep": next_step}, time_to_live=timedelta(hours=1))
    models.run_until_idle()


def test_the_plan_runs_step_by_step_to_a_closed_order(models: ProcessTestHarness) -> None:
    # given
    workers(models)
    instance = start(models)
    models.assert_that(instance).is_waiting_at_elements("await_provisioning").is_waiting_for_message(
        ORDER_PROVISIONING_COMPLETED.name, REQUEST
    )
    # when
    provisioning_completed(models)
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements(
            "decompose_order",
            "reserve_resource",
            "provision_service",
            "await_provisioning",
            "activate_billing",
            "close_order",
            "order_fulfilled",
            in_order=True,
        )
        .has_not_activated_elements("step_fallout", "await_repair", "open_fallout", "fulfillment_stopped")
        .has_variable("nextStep", "close")
        .has_no_incidents()
    )
    assert count(element_ids(models.engine, instance, "COMPLETED"), "run_step") == 3


def test_the_plan_decides_the_order_of_the_steps(models: ProcessTestHarness) -> None:
    # given: a delete order undoes in reverse: billing, then the service, then the resource
    workers(
        models,
        decompose="activate-billing",
        billing=answers({"nextStep": "provision-service"}),
        provision=complete({"provisioningRequestId": REQUEST}),
        reserve=complete({"nextStep": "close"}),
    )
    instance = start(models)
    # when
    provisioning_completed(models, nextStep="reserve-resource")
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements(
            "activate_billing",
            "provision_service",
            "await_provisioning",
            "reserve_resource",
            "close_order",
            in_order=True,
        )
    )
    assert len(models.workers[job_types.ORDER_FULFILLMENT_ACTIVATE_BILLING].handled) == 1


def test_an_order_without_tasks_closes_at_once(models: ProcessTestHarness) -> None:
    # given
    workers(models, decompose="close")
    # when
    instance = start(models)
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements("decompose_order", "close_order", "order_fulfilled", in_order=True)
        .has_not_activated_elements("run_step")
    )


def test_a_fallout_waits_for_the_repair_then_retries_the_step(models: ProcessTestHarness) -> None:
    # given: the first reservation is a business rejection (a fallout case is opened)
    workers(
        models,
        reserve=then(throw(FALLOUT, {"falloutCaseId": "fc-1"}), complete({"nextStep": "provision-service"})),
    )
    instance = start(models)
    (
        models.assert_that(instance)
        .is_waiting_at_elements("await_repair")
        .is_waiting_for_message(FALLOUT_REPAIRED.name, "fc-1")
        .has_terminated_elements("run_step")
        .has_completed_elements("step_fallout")
        .has_variable("falloutCaseId", "fc-1")
        .has_no_incidents()
    )
    # when: the operator retried the task; the plan says the reservation is due again
    repaired(models, "fc-1", "reserve-resource")
    provisioning_completed(models)
    # then
    models.assert_that(instance).is_completed().has_completed_elements("await_repair", "order_fulfilled")
    assert len(models.workers[job_types.ORDER_FULFILLMENT_RESERVE_RESOURCE].handled) == 2


def test_a_repair_that_skips_the_task_goes_on_with_the_step_the_plan_names(models: ProcessTestHarness) -> None:
    # given
    workers(models, billing=then(throw(FALLOUT, {"falloutCaseId": "fc-1"})))
    instance = start(models)
    provisioning_completed(models)
    models.assert_that(instance).is_waiting_at_elements("await_repair")
    # when: the billing task was completed by hand; the plan is finished
    repaired(models, "fc-1", "close")
    # then
    models.assert_that(instance).is_completed().has_completed_elements("close_order", "order_fulfilled")
    assert len(models.workers[job_types.ORDER_FULFILLMENT_ACTIVATE_BILLING].handled) == 1


def test_a_provisioning_rejection_reported_by_the_callback_is_a_fallout(models: ProcessTestHarness) -> None:
    # given
    second = "o-1:provision-service:run-2"
    workers(
        models,
        provision=answers({"provisioningRequestId": REQUEST}, {"provisioningRequestId": second}),
    )
    instance = start(models)
    # when
    provisioning_completed(models, provisioningOutcome="fallout", nextStep="provision-service", falloutCaseId="fc-2")
    # then
    (
        models.assert_that(instance)
        .is_waiting_for_message(FALLOUT_REPAIRED.name, "fc-2")
        .has_completed_elements("provisioning_outcome_gateway", "step_fallout")
        .has_terminated_elements("provisioning_fallout", "run_step")
        .has_no_incidents()
    )
    # when: repaired, the provisioning runs again under a new request id
    repaired(models, "fc-2", "provision-service")
    models.assert_that(instance).is_waiting_for_message(ORDER_PROVISIONING_COMPLETED.name, second)
    provisioning_completed(models, second)
    # then
    models.assert_that(instance).is_completed().has_completed_elements("order_fulfilled").has_no_incidents()


def test_provisioning_without_an_answer_for_two_hours_opens_a_fallout(models: ProcessTestHarness) -> None:
    # given
    workers(models)
    instance = start(models)
    # when
    models.increase_time(timedelta(hours=2, seconds=1))
    # then
    (
        models.assert_that(instance)
        .is_active()
        .has_terminated_elements("await_provisioning", "run_step", "provisioning_timed_out")
        .has_completed_elements("provisioning_timeout", "open_fallout", "step_fallout")
        .is_waiting_for_message(FALLOUT_REPAIRED.name, "fc-timeout")
        .is_not_waiting_for_message(ORDER_PROVISIONING_COMPLETED.name)
        .has_variable("falloutCaseId", "fc-timeout")
    )
    # when: the operator found the service active and completed the task by hand
    repaired(models, "fc-timeout", "activate-billing")
    # then
    models.assert_that(instance).is_completed().has_completed_elements("activate_billing", "order_fulfilled")


def test_provisioning_answered_in_time_cancels_the_timeout(models: ProcessTestHarness) -> None:
    # given
    workers(models)
    instance = start(models)
    models.increase_time(timedelta(hours=1))
    # when
    provisioning_completed(models)
    models.increase_time(timedelta(hours=3))
    # then
    models.assert_that(instance).is_completed().has_not_activated_elements("provisioning_timeout", "open_fallout")


def test_an_accepted_cancellation_interrupts_the_fulfillment(models: ProcessTestHarness) -> None:
    # given: waiting for provisioning
    workers(models)
    instance = start(models)
    # when
    models.publish_message(ORDER_CANCELLATION_ACCEPTED.name, ORDER)
    models.run_until_idle()
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_terminated_elements("run_step", "await_provisioning")
        .has_completed_elements("cancellation_accepted", "fulfillment_stopped")
        .has_not_activated_elements("activate_billing", "close_order", "order_fulfilled")
        .is_not_waiting_for_message(ORDER_PROVISIONING_COMPLETED.name)
    )
    # and a late provisioning answer finds nothing to continue
    provisioning_completed(models)
    models.assert_that(instance).has_not_activated_elements("activate_billing")


def test_an_accepted_cancellation_interrupts_the_wait_for_a_repair(models: ProcessTestHarness) -> None:
    # given
    workers(models, reserve=throw(FALLOUT, {"falloutCaseId": "fc-1"}))
    instance = start(models)
    models.assert_that(instance).is_waiting_at_elements("await_repair")
    # when
    models.publish_message(ORDER_CANCELLATION_ACCEPTED.name, ORDER)
    models.run_until_idle()
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_terminated_elements("await_repair")
        .has_completed_elements("fulfillment_stopped")
        .is_not_waiting_for_message(FALLOUT_REPAIRED.name)
    )


def test_a_cancellation_of_another_order_changes_nothing(models: ProcessTestHarness) -> None:
    # given
    workers(models)
    instance = start(models)
    # when
    models.publish_message(ORDER_CANCELLATION_ACCEPTED.name, "o-2")
    models.run_until_idle()
    # then
    models.assert_that(instance).is_active().is_waiting_at_elements("await_provisioning")


def test_a_next_step_the_model_does_not_know_stops_with_an_incident(models: ProcessTestHarness) -> None:
    # given
    workers(models, decompose="ship-device")
    # when
    instance = start(models)
    # then: a worker bug is visible, it does not take a wrong branch
    models.assert_that(instance).is_active().has_incident(error_type="CONDITION_ERROR")
