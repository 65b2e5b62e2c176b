"""Embedded sub-process: its own variable scope, completion when its last token is consumed,
boundary events on it (error, timer, message; interrupting and non-interrupting), errors caught up
the scope chain, and a terminate end event that ends only the sub-process."""

from __future__ import annotations

from datetime import timedelta

import pytest

from oms.engine.errors import InvalidStateError
from oms.engine.testing.builder import ProcessBuilder, process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _with_task_inside(process_id: str, **sub_process: dict[str, str]) -> ProcessBuilder:
    """start → sub(start → task → end) → done."""
    return (
        process(process_id)
        .start_event()
        .sub_process("sub", **sub_process)
        .start_event("sub_start")
        .service_task("task", job_type=f"{process_id}.work")
        .end_event("sub_end")
        .end_sub_process()
        .end_event("done")
    )


# ----------------------------------------------------------------------------- scope and completion


def test_sub_process_runs_its_content_and_leaves_through_its_outgoing_flow(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("sub")
    process_test.deploy(_with_task_inside(process_id).done())
    instance = process_test.create_instance(process_id)
    process_test.assert_that(instance).is_waiting_at_elements("sub", "task")
    # when
    process_test.complete_job(f"{process_id}.work", {"result": 1})
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_completed_elements("sub_start", "task", "sub_end", "sub", "done")
        .has_variable("result", 1)
    )
    views = {v.element_id: v for v in process_test.engine.queries.element_instances(instance.process_instance_key)}
    assert views["task"].flow_scope_key == views["sub"].key


def test_sub_process_inputs_are_local_to_it_and_outputs_leave_it(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("sub-vars")
    process_test.deploy(
        _with_task_inside(process_id, inputs={"local": "=amount * 2"}, outputs={"total": "=local + 1"}).done()
    )
    instance = process_test.create_instance(process_id, {"amount": 5})
    # when
    job = process_test.complete_job(f"{process_id}.work", {"local": 20})
    # then: the job saw the local input; its result updated the sub-process's local variable
    assert job.variables["local"] == 10
    (process_test.assert_that(instance).is_completed().has_variable("total", 21).has_no_variable("local"))


def test_sub_process_waits_for_every_branch_inside_before_it_completes(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("sub-branches")
    process_test.deploy(
        process(process_id)
        .start_event()
        .sub_process("sub")
        .start_event("sub_start")
        .parallel_gateway("fork")
        .service_task("a", job_type=f"{process_id}.a")
        .end_event("end_a")
        .branch_from("fork")
        .service_task("b", job_type=f"{process_id}.b")
        .end_event("end_b")
        .end_sub_process()
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.a")
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("sub", "b").has_not_activated_elements("done")
    # when
    process_test.complete_job(f"{process_id}.b")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("sub", "done")


def test_nested_sub_processes_complete_from_the_inside_out(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("sub-nested")
    process_test.deploy(
        process(process_id)
        .start_event()
        .sub_process("outer", inputs={"level": "=1"})
        .start_event("outer_start")
        .sub_process("inner", inputs={"level": "=2"})
        .start_event("inner_start")
        .service_task("task", job_type=f"{process_id}.work")
        .end_event("inner_end")
        .end_sub_process()
        .end_event("outer_end")
        .end_sub_process()
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    job = process_test.complete_job(f"{process_id}.work")
    # then
    assert job.variables["level"] == 2
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_completed_elements("inner_end", "inner", "outer_end", "outer", "done")
        .has_no_variable("level")
    )


def test_terminate_end_event_inside_ends_only_the_sub_process(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("sub-terminate")
    process_test.deploy(
        process(process_id)
        .start_event()
        .sub_process("sub")
        .start_event("sub_start")
        .parallel_gateway("fork")
        .service_task("slow", job_type=f"{process_id}.slow")
        .end_event("slow_end")
        .branch_from("fork")
        .service_task("fast", job_type=f"{process_id}.fast")
        .terminate_end_event("stop")
        .end_sub_process()
        .service_task("after", job_type=f"{process_id}.after")
        .end_event("done")
        .done()
    )
    instance = process_test.create_instance(process_id)
    slow = process_test.activate_job(f"{process_id}.slow")
    # when
    process_test.complete_job(f"{process_id}.fast")
    # then
    (
        process_test.assert_that(instance)
        .is_active()
        .has_terminated_elements("slow")
        .has_completed_elements("stop", "sub")
        .is_waiting_at_elements("after")
    )
    with pytest.raises(InvalidStateError):
        process_test.engine.complete_job(slow.key)


# ----------------------------------------------------------------------------- boundary events


def test_timer_boundary_on_sub_process_cancels_the_activated_job_inside(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("sub-timer")
    process_test.deploy(
        _with_task_inside(process_id)
        .boundary_timer("timeout", attached_to="sub", duration="PT10M")
        .end_event("timed_out")
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
        .has_terminated_elements("task", "sub")
        .has_completed_elements("timeout", "timed_out")
        .has_not_activated_elements("done")
    )
    process_test.assert_job(job.key).is_in_state("CANCELED")
    with pytest.raises(InvalidStateError):
        process_test.engine.complete_job(job.key, {"late": True})
    process_test.assert_that(instance).has_no_variable("late")


def test_timer_boundary_on_sub_process_is_canceled_when_the_sub_process_completes(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("sub-timer-done")
    process_test.deploy(
        _with_task_inside(process_id)
        .boundary_timer("timeout", attached_to="sub", duration="PT10M")
        .end_event("timed_out")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.work")
    process_test.increase_time(timedelta(minutes=11))
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("sub", "done").has_not_activated_elements(
        "timeout"
    )


def test_non_interrupting_message_boundary_on_sub_process_leaves_its_content_running(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("sub-message")
    process_test.deploy(
        _with_task_inside(process_id)
        .boundary_message("reminder", attached_to="sub", name="remind", correlation_key="=orderId", interrupting=False)
        .service_task("notify", job_type=f"{process_id}.notify")
        .end_event("notified")
        .done()
    )
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    # when
    process_test.publish_message("remind", "o-1", {"reminded": True})
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("sub", "task", "notify")
    # when
    process_test.complete_job(f"{process_id}.notify")
    process_test.complete_job(f"{process_id}.work")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("sub", "done", "notified").has_variable(
        "reminded", True
    )


def test_interrupting_message_boundary_on_sub_process_terminates_its_content(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("sub-message-int")
    process_test.deploy(
        _with_task_inside(process_id)
        .boundary_message("cancel", attached_to="sub", name="cancel", correlation_key="=orderId")
        .end_event("canceled")
        .done()
    )
    instance = process_test.create_instance(process_id, {"orderId": "o-2"})
    # when
    process_test.publish_message("cancel", "o-2")
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("task", "sub")
        .has_completed_elements("cancel", "canceled")
    )


# ----------------------------------------------------------------------------- errors up the scope chain


def test_job_error_inside_is_caught_by_the_error_boundary_of_the_sub_process(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("sub-job-error")
    process_test.deploy(
        _with_task_inside(process_id)
        .boundary_error("failed", attached_to="sub", code="NO_STOCK")
        .end_event("out_of_stock")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.throw_error(f"{process_id}.work", "NO_STOCK")
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("task", "sub")
        .has_completed_elements("failed", "out_of_stock")
        .has_no_incidents()
    )


def test_error_boundary_on_the_task_is_nearer_than_the_one_on_the_sub_process(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("sub-error-nearest")
    process_test.deploy(
        _with_task_inside(process_id)
        .boundary_error("outer_catch", attached_to="sub")
        .end_event("outer_end")
        .boundary_error("inner_catch", attached_to="task")
        .end_event("inner_end")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.throw_error(f"{process_id}.work", "ANY")
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_completed_elements("inner_catch", "inner_end", "sub", "done")
        .has_not_activated_elements("outer_catch")
    )


def test_error_end_event_inside_is_caught_by_the_sub_process_boundary(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("sub-error-end")
    process_test.deploy(
        process(process_id)
        .start_event()
        .sub_process("sub")
        .start_event("sub_start")
        .error_end_event("reject", code="REJECTED")
        .end_sub_process()
        .end_event("done")
        .boundary_error("rejected", attached_to="sub", code="REJECTED")
        .end_event("rejected_end")
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("sub")
        .has_completed_elements("rejected", "rejected_end")
        .has_not_activated_elements("done")
    )


def test_uncaught_error_inside_a_sub_process_raises_an_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("sub-error-uncaught")
    process_test.deploy(_with_task_inside(process_id).done())
    instance = process_test.create_instance(process_id)
    # when
    process_test.throw_error(f"{process_id}.work", "BOOM")
    # then
    process_test.assert_that(instance).is_active().has_incident("UNHANDLED_ERROR_EVENT", "task")


def test_cancel_instance_terminates_the_sub_process_and_its_content(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("sub-cancel")
    process_test.deploy(
        _with_task_inside(process_id).boundary_timer("timeout", attached_to="sub", duration="PT1M").end_event().done()
    )
    instance = process_test.create_instance(process_id)
    job = process_test.activate_job(f"{process_id}.work")
    # when
    process_test.engine.cancel_instance(instance.process_instance_key)
    process_test.increase_time(timedelta(minutes=2))
    # then
    (
        process_test.assert_that(instance)
        .is_terminated()
        .has_terminated_elements("task", "sub")
        .has_not_activated_elements("timeout")
    )
    process_test.assert_job(job.key).is_in_state("CANCELED")
