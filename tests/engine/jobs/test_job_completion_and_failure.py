"""Completing and failing jobs: variables, retries, back-off, incidents when retries run out."""

from datetime import timedelta

import pytest

from oms.engine.errors import InvalidArgumentError, InvalidStateError, NotFoundError
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness


def test_completing_a_job_merges_its_variables_and_the_instance_continues(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-complete").start_event().service_task("reserve", job_type="jobs.complete").end_event("end").done()
    )
    instance = process_test.create_instance("jobs-complete", {"orderId": "o-1", "status": "new"})
    (job,) = process_test.engine.activate_jobs("jobs.complete", worker="w")
    # when
    process_test.engine.complete_job(job.key, {"status": "reserved", "items": [{"sku": "A", "qty": 2}]})
    # then
    process_test.assert_job(job.key).is_in_state("COMPLETED")
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_completed_elements("reserve", "end")
        .has_variable("orderId", "o-1")
        .has_variable("status", "reserved")
        .has_variable("items", [{"sku": "A", "qty": 2}])
    )
    intents = [r.intent for r in process_test.engine.queries.records(instance.process_instance_key) if r.key == job.key]
    assert intents == ["CREATED", "ACTIVATED", "COMPLETED"]


def test_completing_a_job_twice_is_refused_with_its_state(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-complete-twice")
        .start_event()
        .service_task("t", job_type="jobs.complete.twice")
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-complete-twice")
    (job,) = process_test.engine.activate_jobs("jobs.complete.twice", worker="w")
    process_test.engine.complete_job(job.key, {"n": 1})
    # when / then
    with pytest.raises(InvalidStateError, match=rf"complete job with key '{job.key}', but it is in state 'COMPLETED'"):
        process_test.engine.complete_job(job.key, {"n": 2})
    process_test.assert_that(instance).is_completed().has_variable("n", 1)


def test_completing_a_job_that_was_not_activated_is_refused(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-complete-unactivated")
        .start_event()
        .service_task("t", job_type="jobs.complete.unactivated")
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-complete-unactivated")
    (job,) = process_test.engine.queries.jobs(instance.process_instance_key)
    # when / then
    with pytest.raises(InvalidStateError, match="it is in state 'ACTIVATABLE'"):
        process_test.engine.complete_job(job.key)
    process_test.assert_that(instance).is_active().is_waiting_at_elements("t")


@pytest.mark.parametrize(
    "command",
    ["complete", "fail", "throw_error", "update_retries", "update_timeout"],
)
def test_commands_on_an_unknown_job_key_are_refused_as_not_found(
    process_test: ProcessTestHarness, command: str
) -> None:
    # given
    engine = process_test.engine
    unknown = 2251799813685249 + 999_999_999
    actions = {
        "complete": lambda: engine.complete_job(unknown),
        "fail": lambda: engine.fail_job(unknown, retries=1),
        "throw_error": lambda: engine.throw_error(unknown, error_code="E"),
        "update_retries": lambda: engine.update_job_retries(unknown, 3),
        "update_timeout": lambda: engine.update_job_timeout(unknown, 1000),
    }
    # when / then
    with pytest.raises(NotFoundError, match=f"job with key '{unknown}'"):
        actions[command]()


def test_failing_a_job_with_retries_left_makes_it_activatable_again(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-fail-retry")
        .start_event()
        .service_task("t", job_type="jobs.fail.retry", retries=3)
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-fail-retry")
    (job,) = process_test.engine.activate_jobs("jobs.fail.retry", worker="w")
    # when
    process_test.engine.fail_job(job.key, retries=2, error_message="stock service down")
    # then
    view = process_test.assert_job(job.key).is_in_state("ACTIVATABLE").has_retries(2).view()
    assert view.error_message == "stock service down"
    assert view.worker is None
    (again,) = process_test.engine.activate_jobs("jobs.fail.retry", worker="w2")
    assert (again.key, again.retries) == (job.key, 2)
    process_test.assert_that(instance).is_active().has_no_incidents()


def test_failing_a_job_can_set_variables_on_its_element(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-fail-variables")
        .start_event()
        .service_task("t", job_type="jobs.fail.variables")
        .end_event()
        .done()
    )
    process_test.create_instance("jobs-fail-variables")
    (job,) = process_test.engine.activate_jobs("jobs.fail.variables", worker="w")
    # when
    process_test.engine.fail_job(job.key, retries=1, variables={"attempt": 1})
    # then
    (again,) = process_test.engine.activate_jobs("jobs.fail.variables", worker="w")
    assert again.variables == {"attempt": 1}


def test_a_failed_job_with_back_off_is_activatable_only_after_the_back_off_has_passed(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("jobs-fail-backoff").start_event().service_task("t", job_type="jobs.fail.backoff").end_event().done()
    )
    instance = process_test.create_instance("jobs-fail-backoff")
    (job,) = process_test.engine.activate_jobs("jobs.fail.backoff", worker="w")
    # when
    process_test.engine.fail_job(job.key, retries=2, retry_backoff_ms=60_000, error_message="later")
    # then: not before the back-off has passed
    process_test.assert_job(job.key).is_in_state("FAILED").has_retries(2)
    assert process_test.engine.activate_jobs("jobs.fail.backoff", worker="w") == []
    process_test.clock.increase_time(timedelta(seconds=50))
    process_test.engine.run_due_work()
    assert process_test.engine.activate_jobs("jobs.fail.backoff", worker="w") == []
    # and then after it
    process_test.clock.increase_time(timedelta(seconds=11))
    assert process_test.engine.run_due_work() >= 1
    (again,) = process_test.engine.activate_jobs("jobs.fail.backoff", worker="w")
    assert (again.key, again.retries) == (job.key, 2)
    intents = [r.intent for r in process_test.engine.queries.records(instance.process_instance_key) if r.key == job.key]
    assert intents == ["CREATED", "ACTIVATED", "FAILED", "RECURRED_AFTER_BACKOFF", "ACTIVATED"]
    process_test.assert_that(instance).has_no_incidents()


def test_failing_a_job_with_a_negative_back_off_is_refused(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-fail-negative").start_event().service_task("t", job_type="jobs.fail.negative").end_event().done()
    )
    process_test.create_instance("jobs-fail-negative")
    (job,) = process_test.engine.activate_jobs("jobs.fail.negative", worker="w")
    # when / then
    with pytest.raises(InvalidArgumentError, match="retry back-off of at least 0 ms"):
        process_test.engine.fail_job(job.key, retries=1, retry_backoff_ms=-1)
    process_test.assert_job(job.key).is_in_state("ACTIVATED")


def test_failing_a_job_without_retries_raises_a_job_no_retries_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-fail-incident")
        .start_event()
        .service_task("charge", job_type="jobs.fail.incident")
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-fail-incident")
    (job,) = process_test.engine.activate_jobs("jobs.fail.incident", worker="w")
    # when
    process_test.engine.fail_job(job.key, retries=0, error_message="card declined")
    # then
    process_test.assert_job(job.key).is_in_state("FAILED").has_retries(0)
    incident = process_test.assert_that(instance).is_active().has_incident("JOB_NO_RETRIES", "charge")
    assert incident.job_key == job.key
    assert incident.error_message == "card declined"
    assert process_test.engine.activate_jobs("jobs.fail.incident", worker="w") == []


def test_a_job_incident_without_error_message_says_no_retries_are_left(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-fail-incident-msg")
        .start_event()
        .service_task("t", job_type="jobs.fail.incident.msg")
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-fail-incident-msg")
    (job,) = process_test.engine.activate_jobs("jobs.fail.incident.msg", worker="w")
    # when
    process_test.engine.fail_job(job.key, retries=0)
    # then
    incident = process_test.assert_that(instance).has_incident("JOB_NO_RETRIES")
    process_test.assert_incident(incident.key).is_active().has_error_message_containing("No more retries left")


def test_updating_retries_and_resolving_the_incident_makes_the_job_activatable_again(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(
        process("jobs-resolve").start_event().service_task("t", job_type="jobs.resolve").end_event().done()
    )
    instance = process_test.create_instance("jobs-resolve")
    (job,) = process_test.engine.activate_jobs("jobs.resolve", worker="w")
    process_test.engine.fail_job(job.key, retries=0, error_message="boom")
    incident = process_test.assert_that(instance).has_incident("JOB_NO_RETRIES")
    # when
    process_test.engine.update_job_retries(job.key, 2)
    process_test.engine.resolve_incident(incident.key)
    # then
    process_test.assert_incident(incident.key).is_resolved()
    (again,) = process_test.engine.activate_jobs("jobs.resolve", worker="w")
    assert (again.key, again.retries) == (job.key, 2)
    process_test.engine.complete_job(again.key)
    process_test.assert_that(instance).is_completed().has_no_incidents()


def test_resolving_a_job_incident_without_new_retries_raises_a_new_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-resolve-no-retries")
        .start_event()
        .service_task("t", job_type="jobs.resolve.no.retries")
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-resolve-no-retries")
    (job,) = process_test.engine.activate_jobs("jobs.resolve.no.retries", worker="w")
    process_test.engine.fail_job(job.key, retries=0, error_message="boom")
    first = process_test.assert_that(instance).has_incident("JOB_NO_RETRIES")
    # when
    process_test.engine.resolve_incident(first.key)
    # then
    process_test.assert_incident(first.key).is_resolved()
    second = process_test.assert_that(instance).has_incident("JOB_NO_RETRIES")
    assert second.key != first.key
    assert process_test.engine.activate_jobs("jobs.resolve.no.retries", worker="w") == []


def test_resolving_an_incident_twice_is_refused(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-resolve-twice").start_event().service_task("t", job_type="jobs.resolve.twice").end_event().done()
    )
    instance = process_test.create_instance("jobs-resolve-twice")
    (job,) = process_test.engine.activate_jobs("jobs.resolve.twice", worker="w")
    process_test.engine.fail_job(job.key, retries=0)
    incident = process_test.assert_that(instance).has_incident("JOB_NO_RETRIES")
    process_test.engine.update_job_retries(job.key, 1)
    process_test.engine.resolve_incident(incident.key)
    # when / then
    with pytest.raises(InvalidStateError, match="already resolved"):
        process_test.engine.resolve_incident(incident.key)
    with pytest.raises(NotFoundError, match="no such incident"):
        process_test.engine.resolve_incident(incident.key + 999_999)


def test_the_job_of_a_canceled_instance_is_canceled_and_cannot_be_completed(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("jobs-canceled-instance")
        .start_event()
        .service_task("t", job_type="jobs.canceled.instance")
        .end_event()
        .done()
    )
    instance = process_test.create_instance("jobs-canceled-instance")
    (job,) = process_test.engine.activate_jobs("jobs.canceled.instance", worker="w")
    # when
    process_test.engine.cancel_instance(instance.process_instance_key)
    # then
    process_test.assert_job(job.key).is_in_state("CANCELED")
    with pytest.raises(InvalidStateError, match="it is in state 'CANCELED'"):
        process_test.engine.complete_job(job.key)
    with pytest.raises(InvalidStateError, match="it is in state 'CANCELED'"):
        process_test.engine.fail_job(job.key, retries=1)
    process_test.assert_that(instance).is_terminated()
