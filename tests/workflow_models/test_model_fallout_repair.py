"""fallout-repair: evaluate the case, wait for the operator's repair unless it is repaired
automatically, then resume the process that waits for it (``fallout.repaired``)."""

from __future__ import annotations

from model_support import Handler, complete, start_variables, then, throw

from oms.engine.api import Engine
from oms.engine.commands.jobs import ActivatedJob
from oms.engine.testing.harness import ProcessTestHarness
from oms.workflow import job_types
from oms.workflow.processes import FALLOUT_REPAIR, ORDER_FULFILLMENT
from oms.workflow.processes.contract import FALLOUT, FALLOUT_CASE_RESOLVED, FALLOUT_REPAIRED

CASE = "fc-1"


def resume(next_step: str) -> Handler:
    """The resume worker's effect: it has the application publish ``fallout.repaired`` for the case
    (with the plan's next step for a fulfillment task), then completes."""

    def handle(engine: Engine, job: ActivatedJob) -> None:
        engine.publish_message(
            FALLOUT_REPAIRED.name,
            job.variables["falloutCaseId"],
            variables={"nextStep": next_step},
            message_id=f"{job.variables['falloutCaseId']}:repaired",
            time_to_live_ms=3_600_000,
        )
        engine.complete_job(job.key, {})

    return handle


def start(models: ProcessTestHarness, mode: str, *, next_step: str = "reserve-resource") -> int:
    models.mock_job_worker(job_types.FALLOUT_REPAIR_EVALUATE).then_complete({"repairMode": mode})
    models.mock_job_worker(job_types.FALLOUT_REPAIR_RESUME).with_handler(resume(next_step))
    instance = models.create_instance(FALLOUT_REPAIR, start_variables(falloutCaseId=CASE))
    models.run_until_idle()
    return instance.process_instance_key


def test_a_manual_repair_waits_for_the_operator_then_resumes(models: ProcessTestHarness) -> None:
    # given
    instance = start(models, "manual")
    models.assert_that(instance).is_waiting_at_elements("await_operator_repair").is_waiting_for_message(
        FALLOUT_CASE_RESOLVED.name, CASE
    )
    assert not models.workers[job_types.FALLOUT_REPAIR_RESUME].handled
    # when
    models.publish_message(FALLOUT_CASE_RESOLVED.name, CASE, {"repairAction": "retry"})
    models.run_until_idle()
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements(
            "evaluate_fallout", "await_operator_repair", "resume_waiting_process", "fallout_repaired", in_order=True
        )
        .has_variable("repairAction", "retry")
    )


def test_an_automatic_repair_resumes_at_once(models: ProcessTestHarness) -> None:
    # when
    instance = start(models, "automatic")
    # then
    (
        models.assert_that(instance)
        .is_completed()
        .has_completed_elements("evaluate_fallout", "resume_waiting_process", "fallout_repaired", in_order=True)
        .has_not_activated_elements("await_operator_repair")
    )


def test_the_repair_process_resumes_the_fulfillment_that_fell_out(models: ProcessTestHarness) -> None:
    # given: the fulfillment fell out on the reservation and waits for case fc-1
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_DECOMPOSE).then_complete({"nextStep": "reserve-resource"})
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_RESERVE_RESOURCE).with_handler(
        then(throw(FALLOUT, {"falloutCaseId": CASE}), complete({"nextStep": "close"}))
    )
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_CLOSE_ORDER).then_complete()
    order = models.create_instance(ORDER_FULFILLMENT, start_variables(orderId="o-1")).process_instance_key
    models.run_until_idle()
    models.assert_that(order).is_waiting_for_message(FALLOUT_REPAIRED.name, CASE)
    # and the repair process of that case waits for the operator
    repair = start(models, "manual", next_step="reserve-resource")
    # when: the operator retries the task
    models.publish_message(FALLOUT_CASE_RESOLVED.name, CASE, {"repairAction": "retry"})
    models.run_until_idle()
    # then
    models.assert_that(repair).is_completed()
    (
        models.assert_that(order)
        .is_completed()
        .has_completed_elements("await_repair", "reserve_resource", "close_order", "order_fulfilled")
        .has_no_incidents()
    )


def test_a_resume_sent_before_the_fulfillment_waits_is_taken_when_it_does(models: ProcessTestHarness) -> None:
    # given: an automatic repair resumes before the fulfillment reached its wait (the message is buffered)
    start(models, "automatic", next_step="close")
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_DECOMPOSE).then_complete({"nextStep": "reserve-resource"})
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_RESERVE_RESOURCE).then_throw_error(
        FALLOUT, variables={"falloutCaseId": CASE}
    )
    models.mock_job_worker(job_types.ORDER_FULFILLMENT_CLOSE_ORDER).then_complete()
    # when
    order = models.create_instance(ORDER_FULFILLMENT, start_variables(orderId="o-1")).process_instance_key
    models.run_until_idle()
    # then
    models.assert_that(order).is_completed().has_completed_elements("await_repair", "order_fulfilled")
