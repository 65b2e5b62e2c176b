"""Boundary events on a task: error (by code, catch-all, code beats catch-all), timer
(interrupting, non-interrupting cycle) and message (interrupting, non-interrupting)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from oms.engine.commands.instances import CreatedInstance
from oms.engine.errors import InvalidStateError
from oms.engine.testing.builder import ProcessBuilder, process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _count(process_test: ProcessTestHarness, instance: CreatedInstance, element_id: str, intent: str) -> int:
    return sum(
        1
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.element_id == element_id and r.intent == intent
    )


def _task(process_id: str) -> ProcessBuilder:
    return process(process_id).start_event().service_task("task", job_type=f"{process_id}.work").end_event("done")


# ----------------------------------------------------------------------------- error


def test_error_boundary_with_matching_code_catches_the_thrown_error(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("boundary-error")
    process_test.deploy(
        _task(process_id).boundary_error("no_stock", attached_to="task", code="NO_STOCK").end_event("out").done()
    )
    instance = process_test.create_instance(process_id)
    # when
    job = process_test.activate_job(f"{process_id}.work")
    process_test.engine.throw_error(job.key, error_code="NO_STOCK", error_message="none left", variables={"sku": "a"})
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("task")
        .has_completed_elements("no_stock", "out")
        .has_not_activated_elements("done")
        .has_variable("sku", "a")
        .has_no_incidents()
    )
    with pytest.raises(InvalidStateError):  # the job ended with its task
        process_test.engine.complete_job(job.key)


def test_error_with_an_unknown_code_is_not_caught_and_raises_an_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("boundary-error-unknown")
    process_test.deploy(
        _task(process_id).boundary_error("no_stock", attached_to="task", code="NO_STOCK").end_event("out").done()
    )
    instance = process_test.create_instance(process_id)
    # when
    job = process_test.throw_error(f"{process_id}.work", "OTHER", "boom")
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("UNHANDLED_ERROR_EVENT", "task")
    assert incident.job_key == job.key
    assert "OTHER" in incident.error_message
    process_test.assert_that(instance).is_waiting_at_elements("task").has_not_activated_elements("no_stock")


def test_catch_all_error_boundary_catches_any_code(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("boundary-error-all")
    process_test.deploy(_task(process_id).boundary_error("any", attached_to="task").end_event("out").done())
    instance = process_test.create_instance(process_id)
    # when
    process_test.throw_error(f"{process_id}.work", "WHATEVER")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("any", "out").has_terminated_elements(
        "task"
    )


def test_error_code_match_takes_precedence_over_catch_all(process_test: ProcessTestHarness) -> None:
    # given: the catch-all comes first in the document
    process_id = unique_id("boundary-error-precedence")
    process_test.deploy(
        _task(process_id)
        .boundary_error("any", attached_to="task")
        .end_event("any_end")
        .boundary_error("specific", attached_to="task", code="NO_STOCK")
        .end_event("specific_end")
        .done()
    )
    specific = process_test.create_instance(process_id)
    # when
    process_test.throw_error(f"{process_id}.work", "NO_STOCK")
    # then
    process_test.assert_that(specific).is_completed().has_completed_elements(
        "specific", "specific_end"
    ).has_not_activated_elements("any")
    # when: another code goes to the catch-all
    other = process_test.create_instance(process_id)
    process_test.throw_error(f"{process_id}.work", "OTHER")
    # then
    process_test.assert_that(other).is_completed().has_completed_elements("any", "any_end").has_not_activated_elements(
        "specific"
    )


def test_job_retries_exhausted_is_not_a_bpmn_error(process_test: ProcessTestHarness) -> None:
    # given: a catch-all boundary does not catch a failed job
    process_id = unique_id("boundary-error-fail")
    process_test.deploy(_task(process_id).boundary_error("any", attached_to="task").end_event("out").done())
    instance = process_test.create_instance(process_id)
    # when
    job = process_test.activate_job(f"{process_id}.work")
    process_test.engine.fail_job(job.key, retries=0, error_message="down")
    # then
    process_test.assert_that(instance).is_active().has_incident("JOB_NO_RETRIES", "task")
    process_test.assert_that(instance).has_not_activated_elements("any")


# ----------------------------------------------------------------------------- timer


def test_interrupting_timer_boundary_terminates_the_task_when_it_fires(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("boundary-timer")
    process_test.deploy(
        _task(process_id).boundary_timer("late", attached_to="task", duration="PT30M").end_event("escalated").done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.increase_time(timedelta(minutes=29))
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("task")
    # when
    process_test.increase_time(timedelta(minutes=2))
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("task")
        .has_completed_elements("late", "escalated")
        .has_not_activated_elements("done")
    )
    jobs = process_test.engine.queries.jobs(instance.process_instance_key)
    assert [j.state for j in jobs] == ["CANCELED"]


def test_timer_boundary_is_canceled_when_the_task_completes_first(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("boundary-timer-canceled")
    process_test.deploy(
        _task(process_id).boundary_timer("late", attached_to="task", duration="PT30M").end_event("escalated").done()
    )
    instance = process_test.create_instance(process_id)
    # when
    process_test.complete_job(f"{process_id}.work")
    process_test.increase_time(timedelta(hours=1))
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("done").has_not_activated_elements("late")
    assert _count(process_test, instance, "late", "CANCELED") == 1
    assert _count(process_test, instance, "late", "TRIGGERED") == 0


def test_non_interrupting_timer_cycle_fires_repeatedly_while_the_task_waits(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("boundary-cycle")
    process_test.deploy(
        _task(process_id)
        .boundary_timer("remind", attached_to="task", cycle="R3/PT1M", interrupting=False)
        .manual_task("reminded")
        .end_event("reminder_end")
        .done()
    )
    instance = process_test.create_instance(process_id)
    # when
    for _ in range(5):
        process_test.increase_time(timedelta(minutes=1, seconds=1))
    # then: three firings, the task still waits
    process_test.assert_that(instance).is_active().is_waiting_at_elements("task")
    assert _count(process_test, instance, "remind", "ELEMENT_COMPLETED") == 3
    assert _count(process_test, instance, "reminded", "ELEMENT_COMPLETED") == 3
    assert _count(process_test, instance, "remind", "TRIGGERED") == 3
    # when
    process_test.complete_job(f"{process_id}.work")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("done")


def test_non_interrupting_timer_cycle_stops_when_the_task_completes(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("boundary-cycle-stop")
    process_test.deploy(
        _task(process_id)
        .boundary_timer("remind", attached_to="task", cycle="R3/PT1M", interrupting=False)
        .end_event("reminder_end")
        .done()
    )
    instance = process_test.create_instance(process_id)
    process_test.increase_time(timedelta(minutes=1, seconds=1))
    # when
    process_test.complete_job(f"{process_id}.work")
    process_test.increase_time(timedelta(minutes=5))
    # then
    process_test.assert_that(instance).is_completed()
    assert _count(process_test, instance, "remind", "TRIGGERED") == 1
    assert _count(process_test, instance, "remind", "CANCELED") == 1


# ----------------------------------------------------------------------------- message


def test_interrupting_message_boundary_terminates_the_task(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("boundary-message")
    message = f"{process_id}.cancel"
    process_test.deploy(
        _task(process_id)
        .boundary_message("canceled", attached_to="task", name=message, correlation_key="=orderId")
        .end_event("canceled_end")
        .done()
    )
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    process_test.assert_that(instance).is_waiting_for_message(message, "o-1")
    # when
    process_test.publish_message(message, "o-1", {"reason": "customer"})
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("task")
        .has_completed_elements("canceled", "canceled_end")
        .has_variable("reason", "customer")
        .is_not_waiting_for_message(message)
    )
    assert [j.state for j in process_test.engine.queries.jobs(instance.process_instance_key)] == ["CANCELED"]


def test_non_interrupting_message_boundary_keeps_the_task_and_correlates_again(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("boundary-message-nonint")
    message = f"{process_id}.update"
    process_test.deploy(
        _task(process_id)
        .boundary_message("updated", attached_to="task", name=message, correlation_key="=orderId", interrupting=False)
        .end_event("updated_end")
        .done()
    )
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    # when
    process_test.publish_message(message, "o-1", {"note": "first"})
    process_test.publish_message(message, "o-1", {"note": "second"})
    # then
    (
        process_test.assert_that(instance)
        .is_active()
        .is_waiting_at_elements("task")
        .is_waiting_for_message(message, "o-1")
        .has_variable("note", "second")
    )
    assert _count(process_test, instance, "updated", "ELEMENT_COMPLETED") == 2
    # when
    process_test.complete_job(f"{process_id}.work")
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("done").is_not_waiting_for_message(message)


def test_message_boundary_is_closed_when_the_task_completes(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("boundary-message-closed")
    message = f"{process_id}.cancel"
    process_test.deploy(
        _task(process_id)
        .boundary_message("canceled", attached_to="task", name=message, correlation_key="=orderId")
        .end_event("canceled_end")
        .done()
    )
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    # when
    process_test.complete_job(f"{process_id}.work")
    published = process_test.engine.publish_message(message, "o-1")
    # then
    assert published.correlated_process_instance_keys == ()
    process_test.assert_that(instance).is_completed().has_not_activated_elements("canceled")


def test_buffered_message_triggers_the_interrupting_boundary_on_activation(process_test: ProcessTestHarness) -> None:
    # given: the message was published before the task activates
    process_id = unique_id("boundary-message-buffered")
    message = f"{process_id}.cancel"
    process_test.deploy(
        _task(process_id)
        .boundary_message("canceled", attached_to="task", name=message, correlation_key="=orderId")
        .end_event("canceled_end")
        .done()
    )
    process_test.publish_message(message, "o-1", {"reason": "early"}, time_to_live=timedelta(minutes=1))
    # when
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("task")
        .has_completed_elements("canceled_end")
        .has_variable("reason", "early")
    )
    jobs = process_test.engine.queries.jobs(instance.process_instance_key)
    assert [j.state for j in jobs] == ["CANCELED"]
    job_intents = [
        r.intent for r in process_test.engine.queries.records(instance.process_instance_key) if r.value_type == "JOB"
    ]
    assert job_intents == ["CREATED", "CANCELED"]
    assert process_test.engine.activate_jobs(f"{process_id}.work", max_jobs=1) == []


def test_timer_boundary_does_not_fire_on_a_task_stuck_on_an_output_mapping_incident(
    process_test: ProcessTestHarness,
) -> None:
    # given: a task whose output mapping fails after its job completed (it stays COMPLETING)
    process_id = unique_id("stuck-completing")
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=f"{process_id}.work", outputs={"x": "=noSuchFunction(1)"})
        .end_event("done")
        .boundary_timer("late", attached_to="task", duration="PT30M")
        .end_event("escalated")
        .done()
    )
    instance = process_test.create_instance(process_id)
    process_test.complete_job(f"{process_id}.work")
    process_test.assert_that(instance).has_incident("IO_MAPPING_ERROR", "task")
    # when: the timer's due date passes
    process_test.increase_time(timedelta(hours=1))
    # then: like Zeebe, the event does not reach an element that is no longer ACTIVATED
    (
        process_test.assert_that(instance)
        .is_active()
        .is_waiting_at_elements("task")
        .has_not_activated_elements("late", "escalated")
    )
    process_test.assert_that(instance).has_incident("IO_MAPPING_ERROR", "task")
