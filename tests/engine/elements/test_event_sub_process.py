"""Event sub-processes (error, timer, message; interrupting and non-interrupting) inside a process
or a sub-process."""

from __future__ import annotations

from datetime import timedelta

import pytest

from oms.engine.errors import InvalidStateError
from oms.engine.testing.builder import ProcessBuilder, process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _main(process_id: str) -> ProcessBuilder:
    return process(process_id).start_event().service_task("task", job_type=f"{process_id}.work").end_event("done")


def test_interrupting_timer_event_sub_process_ends_the_main_flow(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("esp-timer")
    process_test.deploy(
        _main(process_id)
        .event_sub_process("timeout")
        .timer_start_event("timeout_start", duration="PT10M")
        .end_event("timeout_end")
        .end_sub_process()
        .done()
    )
    instance = process_test.create_instance(process_id)
    job = process_test.activate_job(f"{process_id}.work")
    # when
    process_test.increase_time(timedelta(minutes=11))
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("task")
        .has_completed_elements("timeout", "timeout_start", "timeout_end")
        .has_not_activated_elements("done")
    )
    with pytest.raises(InvalidStateError):
        process_test.engine.complete_job(job.key)


def test_event_sub_process_timer_is_canceled_when_the_process_completes(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("esp-timer-done")
    process_test.deploy(
        _main(process_id)
        .event_sub_process("timeout")
        .timer_start_event("timeout_start", duration="PT10M")
        .end_event("timeout_end")
        .end_sub_process()
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.work")
    process_test.increase_time(timedelta(minutes=11))
    # then
    process_test.assert_that(instance).is_completed().has_not_activated_elements("timeout")


def test_non_interrupting_message_event_sub_process_runs_beside_the_main_flow(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("esp-message")
    process_test.deploy(
        _main(process_id)
        .event_sub_process("update")
        .message_start_event("update_start", name="address-changed", correlation_key="=orderId", interrupting=False)
        .service_task("apply", job_type=f"{process_id}.apply")
        .end_event("update_end")
        .end_sub_process()
        .done()
    )
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    # when
    process_test.publish_message("address-changed", "o-1", {"street": "Main St"})
    # then
    process_test.assert_that(instance).is_waiting_at_elements("task", "update", "apply").has_variable(
        "street", "Main St"
    )
    # when: the main flow ends first, the instance waits for the event sub-process
    process_test.complete_job(f"{process_id}.work")
    # then
    process_test.assert_that(instance).is_active().has_completed_elements("done")
    # when
    process_test.complete_job(f"{process_id}.apply")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("update")


def test_error_event_sub_process_catches_an_error_thrown_by_a_job(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("esp-error")
    process_test.deploy(
        _main(process_id)
        .event_sub_process("handle_error")
        .error_start_event("error_start", code="NO_STOCK")
        .service_task("compensate", job_type=f"{process_id}.compensate")
        .end_event("error_end")
        .end_sub_process()
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.throw_error(f"{process_id}.work", "NO_STOCK")
    # then
    process_test.assert_that(instance).is_active().has_terminated_elements("task").is_waiting_at_elements(
        "handle_error", "compensate"
    ).has_no_incidents()
    # when
    process_test.complete_job(f"{process_id}.compensate")
    # then
    process_test.assert_that(instance).is_completed().has_not_activated_elements("done")


def test_error_event_sub_process_inside_a_sub_process_comes_before_its_boundary(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("esp-error-sub")
    process_test.deploy(
        process(process_id)
        .start_event()
        .sub_process("sub")
        .start_event("sub_start")
        .service_task("task", job_type=f"{process_id}.work")
        .end_event("sub_end")
        .event_sub_process("inner_handler")
        .error_start_event("inner_error")
        .end_event("inner_error_end")
        .end_sub_process()
        .end_sub_process()
        .end_event("done")
        .boundary_error("outer_catch", attached_to="sub")
        .end_event("outer_end")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.throw_error(f"{process_id}.work", "ANY")
    # then: handled inside; the sub-process completes normally
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_completed_elements("inner_handler", "inner_error_end", "sub", "done")
        .has_not_activated_elements("outer_catch")
    )


def test_interrupting_message_event_sub_process_in_a_sub_process_ends_only_that_sub_process(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("esp-message-sub")
    process_test.deploy(
        process(process_id)
        .start_event()
        .sub_process("sub")
        .start_event("sub_start")
        .service_task("task", job_type=f"{process_id}.work")
        .end_event("sub_end")
        .event_sub_process("cancel")
        .message_start_event("cancel_start", name="cancel", correlation_key="=orderId")
        .end_event("cancel_end")
        .end_sub_process()
        .end_sub_process()
        .service_task("after", job_type=f"{process_id}.after")
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance(process_id, {"orderId": "o-7"})
    # when
    process_test.publish_message("cancel", "o-7")
    # then
    (
        process_test.assert_that(instance)
        .is_active()
        .has_terminated_elements("task")
        .has_completed_elements("cancel", "sub")
        .is_waiting_at_elements("after")
    )


def test_interrupting_event_sub_process_closes_the_other_event_sub_processes_of_its_scope(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("esp-closes-others")
    process_test.deploy(
        _main(process_id)
        .event_sub_process("cancel")
        .message_start_event("cancel_start", name="cancel", correlation_key="=orderId")
        .service_task("undo", job_type=f"{process_id}.undo")
        .end_event("cancel_end")
        .end_sub_process()
        .event_sub_process("reminder")
        .timer_start_event("reminder_start", duration="PT1H", interrupting=False)
        .end_event("reminder_end")
        .end_sub_process()
        .done()
    )
    instance = process_test.create_instance(process_id, {"orderId": "o-9"})
    # when
    process_test.publish_message("cancel", "o-9")
    process_test.increase_time(timedelta(hours=2))
    # then
    (
        process_test.assert_that(instance)
        .is_active()
        .is_waiting_at_elements("cancel", "undo")
        .has_terminated_elements("task")
        .has_not_activated_elements("reminder")
    )


def test_interrupting_event_sub_process_terminates_a_running_call_activity_and_its_child(
    process_test: ProcessTestHarness,
) -> None:
    # given: a parent waiting in a call activity whose child waits for a job
    child_id = unique_id("esp-child")
    parent_id = unique_id("esp-parent")
    process_test.deploy(
        process(child_id).start_event().service_task("child_task", job_type=f"{child_id}.work").end_event().done(),
        process(parent_id)
        .start_event()
        .call_activity("call", process_id=child_id)
        .end_event("done")
        .event_sub_process("cancel_requested")
        .message_start_event("cancel_start", name=f"{parent_id}.cancel", correlation_key="=orderId")
        .end_event("cancelled")
        .end_sub_process()
        .done(),
    )
    parent = process_test.create_instance(parent_id, {"orderId": "o-1"})
    job = process_test.activate_job(f"{child_id}.work")
    # when: the cancellation message arrives while the child runs
    process_test.publish_message(f"{parent_id}.cancel", "o-1")
    process_test.run_until_idle()
    # then: the parent ends through the event sub-process, the child is terminated with it, and the
    # child's worker can no longer complete its job
    (
        process_test.assert_that(parent)
        .is_completed()
        .has_terminated_elements("call")
        .has_completed_elements("cancel_start", "cancelled")
        .has_not_activated_elements("done")
    )
    process_test.assert_that(job.process_instance_key).is_terminated()
    with pytest.raises(InvalidStateError):
        process_test.engine.complete_job(job.key)
