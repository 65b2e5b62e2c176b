"""BPMN errors thrown by job workers, updating a job's retries and timeout, and job time-outs."""

from datetime import timedelta

import pytest

from oms.engine.errors import InvalidArgumentError, InvalidStateError
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness


def test_a_thrown_bpmn_error_is_caught_by_the_matching_error_boundary_event(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-error-caught")
        .start_event()
        .service_task("reserve", job_type="jobs.error.caught")
        .end_event("reserved")
        .boundary_error("other_error", attached_to="reserve", code="OTHER")
        .end_event("other")
        .boundary_error("no_stock", attached_to="reserve", code="NO_STOCK")
        .end_event("out_of_stock")
        .done()
    )
    instance = process_test.create_instance("jobs-error-caught")
    (job,) = process_test.engine.activate_jobs("jobs.error.caught", worker="w")
    # when
    process_test.engine.throw_error(
        job.key, error_code="NO_STOCK", error_message="sku A is sold out", variables={"missing": "A"}
    )
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("reserve")
        .has_completed_elements("no_stock", "out_of_stock")
        .has_not_activated_elements("reserved", "other_error", "other")
        .has_variable("missing", "A")
        .has_no_incidents()
    )
    view = process_test.assert_job(job.key).view()
    intents = [r.intent for r in process_test.engine.queries.records(instance.process_instance_key) if r.key == job.key]
    assert intents[:3] == ["CREATED", "ACTIVATED", "ERROR_THROWN"]
    assert intents[-1] == view.state, "the job's state and its last record disagree"
    assert view.error_code == "NO_STOCK"
    assert process_test.engine.activate_jobs("jobs.error.caught", worker="w") == []


def test_a_thrown_bpmn_error_that_nothing_catches_raises_an_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-error-uncaught")
        .start_event()
        .service_task("reserve", job_type="jobs.error.uncaught")
        .end_event()
        .boundary_error("other_error", attached_to="reserve", code="OTHER")
        .end_event("other")
        .done()
    )
    instance = process_test.create_instance("jobs-error-uncaught")
    (job,) = process_test.engine.activate_jobs("jobs.error.uncaught", worker="w")
    # when
    process_test.engine.throw_error(job.key, error_code="NO_STOCK", error_message="sold out")
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("UNHANDLED_ERROR_EVENT", "reserve")
    assert "NO_STOCK" in incident.error_message
    assert incident.job_key == job.key
    process_test.assert_that(instance).is_waiting_at_elements("reserve").has_not_activated_elements("other_error")
    process_test.assert_job(job.key).is_in_state("ERROR_THROWN")


def test_resolving_an_unhandled_error_incident_makes_the_job_activatable_again(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("jobs-error-resolve").start_event().service_task("t", job_type="jobs.error.resolve").end_event().done()
    )
    instance = process_test.create_instance("jobs-error-resolve")
    (job,) = process_test.engine.activate_jobs("jobs.error.resolve", worker="w")
    process_test.engine.throw_error(job.key, error_code="NOPE")
    incident = process_test.assert_that(instance).has_incident("UNHANDLED_ERROR_EVENT")
    # when
    process_test.engine.resolve_incident(incident.key)
    # then
    (again,) = process_test.engine.activate_jobs("jobs.error.resolve", worker="w")
    process_test.engine.complete_job(again.key)
    process_test.assert_that(instance).is_completed()


def test_throwing_an_error_without_a_code_is_refused(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-error-no-code").start_event().service_task("t", job_type="jobs.error.no.code").end_event().done()
    )
    process_test.create_instance("jobs-error-no-code")
    (job,) = process_test.engine.activate_jobs("jobs.error.no.code", worker="w")
    # when / then
    with pytest.raises(InvalidArgumentError, match="error code"):
        process_test.engine.throw_error(job.key, error_code="")
    process_test.assert_job(job.key).is_in_state("ACTIVATED")


def test_updating_the_retries_of_a_job_changes_them(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-update-retries")
        .start_event()
        .service_task("t", job_type="jobs.update.retries", retries=3)
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-update-retries")
    (job,) = process_test.engine.queries.jobs(instance.process_instance_key)
    # when
    process_test.engine.update_job_retries(job.key, 7)
    # then
    process_test.assert_job(job.key).has_retries(7).is_in_state("ACTIVATABLE")
    (activated,) = process_test.engine.activate_jobs("jobs.update.retries", worker="w")
    assert activated.retries == 7
    intents = [r.intent for r in process_test.engine.queries.records(instance.process_instance_key) if r.key == job.key]
    assert "RETRIES_UPDATED" in intents


@pytest.mark.parametrize("retries", [0, -1])
def test_updating_the_retries_of_a_job_to_less_than_one_is_refused(
    process_test: ProcessTestHarness, retries: int
) -> None:
    # given
    process_test.deploy(
        process("jobs-update-retries-invalid")
        .start_event()
        .service_task("t", job_type="jobs.update.retries.invalid", retries=3)
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-update-retries-invalid")
    (job,) = process_test.engine.queries.jobs(instance.process_instance_key)
    # when / then
    with pytest.raises(InvalidArgumentError, match=f"retries to be at least 1, but it was {retries}"):
        process_test.engine.update_job_retries(job.key, retries)
    process_test.assert_job(job.key).has_retries(3)


def test_updating_the_timeout_of_an_activated_job_moves_its_deadline(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-update-timeout")
        .start_event()
        .service_task("t", job_type="jobs.update.timeout")
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-update-timeout")
    (job,) = process_test.engine.activate_jobs("jobs.update.timeout", worker="w", timeout_ms=60_000)
    # when
    process_test.engine.update_job_timeout(job.key, 10 * 60_000)
    # then: the old deadline passes without a time-out
    process_test.clock.increase_time(timedelta(minutes=2))
    process_test.engine.run_due_work()
    view = process_test.assert_job(job.key).is_in_state("ACTIVATED").view()
    assert view.deadline is not None and view.deadline > job.deadline + timedelta(minutes=8)
    # and the worker can still complete it
    process_test.engine.complete_job(job.key)
    process_test.assert_that(instance).is_completed()
    intents = [r.intent for r in process_test.engine.queries.records(instance.process_instance_key) if r.key == job.key]
    assert "TIMEOUT_UPDATED" in intents


def test_updating_the_timeout_of_a_job_that_is_not_activated_is_refused(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-update-timeout-invalid")
        .start_event()
        .service_task("t", job_type="jobs.update.timeout.invalid")
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-update-timeout-invalid")
    (job,) = process_test.engine.queries.jobs(instance.process_instance_key)
    # when / then
    with pytest.raises(InvalidStateError, match="it is in state 'ACTIVATABLE'"):
        process_test.engine.update_job_timeout(job.key, 1000)
    (activated,) = process_test.engine.activate_jobs("jobs.update.timeout.invalid", worker="w")
    with pytest.raises(InvalidArgumentError, match="job timeout of at least 1 ms"):
        process_test.engine.update_job_timeout(activated.key, 0)


def test_a_job_whose_deadline_passes_is_activatable_again_and_the_old_worker_cannot_complete_it(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("jobs-timeout").start_event().service_task("t", job_type="jobs.timeout").end_event().done()
    )
    instance = process_test.create_instance("jobs-timeout")
    (job,) = process_test.engine.activate_jobs("jobs.timeout", worker="slow", timeout_ms=30_000)
    # when
    process_test.clock.increase_time(timedelta(seconds=31))
    assert process_test.engine.run_due_work() >= 1
    # then
    process_test.assert_job(job.key).is_in_state("ACTIVATABLE")
    with pytest.raises(InvalidStateError, match=rf"job with key '{job.key}', but it is in state 'ACTIVATABLE'"):
        process_test.engine.complete_job(job.key, {"by": "slow"})
    (again,) = process_test.engine.activate_jobs("jobs.timeout", worker="fast")
    assert (again.key, again.worker) == (job.key, "fast")
    process_test.engine.complete_job(again.key, {"by": "fast"})
    process_test.assert_that(instance).is_completed().has_variable("by", "fast")
    intents = [r.intent for r in process_test.engine.queries.records(instance.process_instance_key) if r.key == job.key]
    assert intents == ["CREATED", "ACTIVATED", "TIMED_OUT", "ACTIVATED", "COMPLETED"]


def test_a_job_is_not_timed_out_before_its_deadline(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-timeout-early").start_event().service_task("t", job_type="jobs.timeout.early").end_event().done()
    )
    process_test.create_instance("jobs-timeout-early")
    (job,) = process_test.engine.activate_jobs("jobs.timeout.early", worker="w", timeout_ms=30_000)
    # when
    process_test.clock.increase_time(timedelta(seconds=20))
    process_test.engine.run_due_work()
    # then
    process_test.assert_job(job.key).is_in_state("ACTIVATED")
    assert process_test.engine.activate_jobs("jobs.timeout.early", worker="other") == []
    process_test.engine.complete_job(job.key)
