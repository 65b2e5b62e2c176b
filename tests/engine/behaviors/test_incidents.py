"""Incidents: every cause the engine raises, resolving continues from where the instance stopped,
and a resolved incident cannot be resolved again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from oms.engine.errors import InvalidStateError, NotFoundError
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _service(process_id: str) -> bytes:
    return process(process_id).start_event().service_task("task", job_type=f"{process_id}.work").end_event("end").done()


# ----------------------------------------------------------------------------- jobs


def test_failing_a_job_without_retries_raises_job_no_retries(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("incident-retries")
    process_test.deploy(_service(process_id))
    instance = process_test.create_instance(process_id)
    job = process_test.activate_job(f"{process_id}.work")
    # when
    process_test.engine.fail_job(job.key, retries=0, error_message="database down")
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("JOB_NO_RETRIES", "task")
    assert incident.job_key == job.key
    assert incident.error_message == "database down"
    process_test.assert_job(job.key).is_in_state("FAILED").has_retries(0)
    assert process_test.engine.activate_jobs(f"{process_id}.work", max_jobs=1) == []


def test_failing_a_job_with_retries_left_raises_no_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("incident-retries-left")
    process_test.deploy(_service(process_id))
    instance = process_test.create_instance(process_id)
    job = process_test.activate_job(f"{process_id}.work")
    # when
    process_test.engine.fail_job(job.key, retries=2, error_message="flaky")
    # then
    process_test.assert_that(instance).has_no_incidents()
    assert process_test.activate_job(f"{process_id}.work").retries == 2


def test_resolving_job_no_retries_after_updating_retries_makes_the_job_activatable(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("incident-retries-resolve")
    process_test.deploy(_service(process_id))
    instance = process_test.create_instance(process_id)
    job = process_test.activate_job(f"{process_id}.work")
    process_test.engine.fail_job(job.key, retries=0)
    incident = process_test.assert_that(instance).has_incident("JOB_NO_RETRIES", "task")
    # when
    process_test.engine.update_job_retries(job.key, 1)
    process_test.engine.resolve_incident(incident.key)
    # then
    process_test.assert_incident(incident.key).is_resolved()
    process_test.assert_that(instance).has_no_incidents()
    again = process_test.complete_job(f"{process_id}.work", {"ok": True})
    assert again.key == job.key
    process_test.assert_that(instance).is_completed().has_variable("ok", True)


def test_resolving_job_no_retries_without_updating_retries_raises_a_new_incident(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("incident-retries-no-update")
    process_test.deploy(_service(process_id))
    instance = process_test.create_instance(process_id)
    job = process_test.activate_job(f"{process_id}.work")
    process_test.engine.fail_job(job.key, retries=0)
    incident = process_test.assert_that(instance).has_incident("JOB_NO_RETRIES", "task")
    # when
    process_test.engine.resolve_incident(incident.key)
    # then
    again = process_test.assert_that(instance).has_incident("JOB_NO_RETRIES", "task")
    assert again.key != incident.key
    assert process_test.engine.activate_jobs(f"{process_id}.work", max_jobs=1) == []


def test_unhandled_bpmn_error_from_a_job_raises_an_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("incident-bpmn-error")
    process_test.deploy(_service(process_id))
    instance = process_test.create_instance(process_id)
    # when
    job = process_test.throw_error(f"{process_id}.work", "NOT_FOUND", "no such customer")
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("UNHANDLED_ERROR_EVENT", "task")
    assert incident.job_key == job.key
    assert "NOT_FOUND" in incident.error_message
    assert "no such customer" in incident.error_message
    process_test.assert_job(job.key).is_in_state("ERROR_THROWN")


def test_resolving_an_unhandled_bpmn_error_incident_makes_the_job_activatable_again(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("incident-bpmn-error-resolve")
    process_test.deploy(_service(process_id))
    instance = process_test.create_instance(process_id)
    job = process_test.throw_error(f"{process_id}.work", "NOT_FOUND")
    incident = process_test.assert_that(instance).has_incident("UNHANDLED_ERROR_EVENT", "task")
    # when
    process_test.engine.resolve_incident(incident.key)
    # then
    assert process_test.complete_job(f"{process_id}.work").key == job.key
    process_test.assert_that(instance).is_completed().has_no_incidents()


# ----------------------------------------------------------------------------- expressions


def test_condition_failure_raises_condition_error_and_resolve_continues(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("incident-condition")
    process_test.deploy(
        process(process_id)
        .start_event()
        .exclusive_gateway("xor", default="else")
        .condition("= assert(limit, limit != null) < 10")
        .end_event("low")
        .branch_from("xor")
        .sequence_flow_id("else")
        .end_event("high")
        .done()
    )
    instance = process_test.create_instance(process_id)
    incident = process_test.assert_that(instance).is_active().has_incident("CONDITION_ERROR", "xor")
    # when
    process_test.engine.set_variables(instance.process_instance_key, {"limit": 3})
    process_test.engine.resolve_incident(incident.key)
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("low")


def test_input_mapping_failure_raises_io_mapping_error_and_resolve_continues(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("incident-mapping")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=job_type, inputs={"amount": "=assert(total, total != null)"})
        .end_event("end")
        .done()
    )
    instance = process_test.create_instance(process_id)
    incident = process_test.assert_that(instance).is_active().has_incident("IO_MAPPING_ERROR", "task")
    # when
    process_test.engine.set_variables(instance.process_instance_key, {"total": 50})
    process_test.engine.resolve_incident(incident.key)
    # then: the task activates from where it stopped and creates its job once
    job = process_test.activate_job(job_type)
    assert job.variables["amount"] == 50
    process_test.engine.complete_job(job.key)
    process_test.assert_that(instance).is_completed()
    assert len(process_test.engine.queries.jobs(instance.process_instance_key)) == 1


def test_correlation_key_failure_raises_extract_value_error_and_resolve_subscribes(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("incident-correlation")
    message = f"{process_id}.msg"
    process_test.deploy(
        process(process_id)
        .start_event()
        .intermediate_catch_message("wait", name=message, correlation_key="=customerId")
        .end_event("end")
        .done()
    )
    instance = process_test.create_instance(process_id)
    incident = process_test.assert_that(instance).is_active().has_incident("EXTRACT_VALUE_ERROR", "wait")
    assert "customerId" in incident.error_message
    # when
    process_test.engine.set_variables(instance.process_instance_key, {"customerId": "c-1"})
    process_test.engine.resolve_incident(incident.key)
    # then
    process_test.assert_that(instance).is_waiting_for_message(message, "c-1")
    process_test.publish_message(message, "c-1")
    process_test.assert_that(instance).is_completed()


def test_boundary_timer_expression_failure_raises_extract_value_error_on_the_task(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("incident-timer")
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=f"{process_id}.work")
        .end_event("end")
        .boundary_timer("late", attached_to="task", duration="=unknownFunction(1)")
        .end_event("late_end")
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then: the task does not activate and creates no job
    incident = process_test.assert_that(instance).is_active().has_incident("EXTRACT_VALUE_ERROR", "task")
    assert "unknownFunction" in incident.error_message
    assert process_test.engine.queries.jobs(instance.process_instance_key) == []


def test_timer_value_that_is_not_a_duration_raises_extract_value_error_and_resolve_schedules_it(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("incident-timer-value")
    process_test.deploy(
        process(process_id).start_event().intermediate_catch_timer("wait", duration="=delay").end_event("end").done()
    )
    instance = process_test.create_instance(process_id, {"delay": 5})
    incident = process_test.assert_that(instance).is_active().has_incident("EXTRACT_VALUE_ERROR", "wait")
    # when
    process_test.engine.set_variables(instance.process_instance_key, {"delay": "PT5S"})
    process_test.engine.resolve_incident(incident.key)
    process_test.increase_time(timedelta(seconds=6))
    # then
    process_test.assert_that(instance).is_completed()


# ----------------------------------------------------------------------------- resolving


def test_resolving_an_incident_twice_is_rejected(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("incident-twice")
    process_test.deploy(_service(process_id))
    instance = process_test.create_instance(process_id)
    job = process_test.activate_job(f"{process_id}.work")
    process_test.engine.fail_job(job.key, retries=0)
    incident = process_test.assert_that(instance).has_incident("JOB_NO_RETRIES", "task")
    process_test.engine.update_job_retries(job.key, 1)
    process_test.engine.resolve_incident(incident.key)
    # when / then
    with pytest.raises(InvalidStateError):
        process_test.engine.resolve_incident(incident.key)


def test_resolving_an_unknown_incident_is_rejected(process_test: ProcessTestHarness) -> None:
    # when / then
    with pytest.raises(NotFoundError):
        process_test.engine.resolve_incident(123_456_789)


def test_canceling_the_instance_resolves_its_incidents(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("incident-cancel")
    process_test.deploy(_service(process_id))
    instance = process_test.create_instance(process_id)
    job = process_test.activate_job(f"{process_id}.work")
    process_test.engine.fail_job(job.key, retries=0)
    incident = process_test.assert_that(instance).has_incident("JOB_NO_RETRIES", "task")
    # when
    process_test.engine.cancel_instance(instance.process_instance_key)
    # then
    process_test.assert_that(instance).is_terminated().has_no_incidents()
    process_test.assert_incident(incident.key).is_resolved()
    incident_records = [
        (r.intent, r.key)
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.value_type == "INCIDENT"
    ]
    assert incident_records == [("CREATED", incident.key), ("RESOLVED", incident.key)]
    with pytest.raises(InvalidStateError):
        process_test.engine.resolve_incident(incident.key)


def test_terminate_end_event_resolves_an_incident_raised_in_the_same_command(process_test: ProcessTestHarness) -> None:
    # given: one branch fails at once, the other ends the instance in the same command
    process_id = unique_id("incident-terminate")
    process_test.deploy(
        process(process_id)
        .start_event()
        .parallel_gateway("fork")
        .service_task("broken", job_type="=missingType")
        .end_event("broken_end")
        .branch_from("fork")
        .manual_task("slow")
        .terminate_end_event("kill")
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_completed().has_no_incidents().has_terminated_elements("broken")
    (incident,) = process_test.engine.queries.incidents(instance.process_instance_key)
    assert (incident.error_type, incident.state) == ("EXTRACT_VALUE_ERROR", "RESOLVED")
    incident_records = [
        r.intent
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.value_type == "INCIDENT"
    ]
    assert incident_records == ["CREATED", "RESOLVED"]
