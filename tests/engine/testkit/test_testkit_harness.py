"""The test kit itself: stand-in job workers, running until idle, and assertions that fail with a
message saying what they expected and what they found."""

from datetime import timedelta

import pytest

from oms.engine.api import Engine
from oms.engine.commands.jobs import ActivatedJob
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness


def _one_task(process_id: str, job_type: str, *, error_boundary: str | None = None) -> bytes:
    builder = process(process_id).start_event("start").service_task("task", job_type=job_type).end_event("end")
    if error_boundary is not None:
        builder = builder.boundary_error("caught", attached_to="task", code=error_boundary).end_event("error_end")
    return builder.done()


# ----------------------------------------------------------------------------------- mock job workers


def test_mock_worker_then_complete_completes_every_job_of_its_type_with_the_variables(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(_one_task("kit-complete", "kit.complete"))
    worker = process_test.mock_job_worker("kit.complete").then_complete({"done": True})
    first = process_test.create_instance("kit-complete", {"n": 1})
    second = process_test.create_instance("kit-complete", {"n": 2})
    # when
    process_test.run_until_idle()
    # then
    process_test.assert_that(first).is_completed().has_variable("done", True)
    process_test.assert_that(second).is_completed().has_variable("done", True)
    assert sorted(job.variables["n"] for job in worker.handled) == [1, 2]


def test_mock_worker_without_an_action_leaves_the_jobs_alone(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_one_task("kit-no-action", "kit.no.action"))
    worker = process_test.mock_job_worker("kit.no.action")
    instance = process_test.create_instance("kit-no-action")
    # when
    process_test.run_until_idle()
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("task")
    assert worker.handled == []


def test_mock_worker_then_throw_error_throws_a_bpmn_error_for_each_job(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_one_task("kit-throw", "kit.throw", error_boundary="REJECTED"))
    process_test.mock_job_worker("kit.throw").then_throw_error("REJECTED", "not today", {"reason": "closed"})
    instance = process_test.create_instance("kit-throw")
    # when
    process_test.run_until_idle()
    # then
    (
        process_test.assert_that(instance)
        .is_completed()
        .has_terminated_elements("task")
        .has_completed_elements("caught", "error_end")
        .has_variable("reason", "closed")
    )


def test_mock_worker_then_fail_uses_up_the_retries_until_an_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_one_task("kit-fail", "kit.fail"))
    worker = process_test.mock_job_worker("kit.fail").then_fail("service down")
    instance = process_test.create_instance("kit-fail")
    # when
    process_test.run_until_idle()
    # then
    assert [job.retries for job in worker.handled] == [3, 2, 1]
    incident = process_test.assert_that(instance).is_active().has_incident("JOB_NO_RETRIES", "task")
    process_test.assert_incident(incident.key).is_active().has_error_message_containing("service down")


def test_mock_worker_then_fail_with_back_off_waits_for_the_clock(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_one_task("kit-fail-backoff", "kit.fail.backoff"))
    worker = process_test.mock_job_worker("kit.fail.backoff").then_fail("later", retries=1, backoff_ms=60_000)
    instance = process_test.create_instance("kit-fail-backoff")
    process_test.run_until_idle()
    assert len(worker.handled) == 1
    # when
    process_test.mock_job_worker("kit.fail.backoff").then_complete()
    process_test.increase_time(timedelta(minutes=1, seconds=1))
    # then
    process_test.assert_that(instance).is_completed()


def test_mock_worker_with_handler_runs_custom_code_per_job(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_one_task("kit-handler", "kit.handler"))

    def double(engine: Engine, job: ActivatedJob) -> None:
        engine.complete_job(job.key, {"doubled": job.variables["n"] * 2})

    process_test.mock_job_worker("kit.handler").with_handler(double)
    instance = process_test.create_instance("kit-handler", {"n": 21})
    # when
    process_test.run_until_idle()
    # then
    process_test.assert_that(instance).is_completed().has_variable("doubled", 42)


def test_run_until_idle_reports_an_engine_that_never_settles(process_test: ProcessTestHarness) -> None:
    # given: a worker that fails without ever using up a retry
    process_test.deploy(_one_task("kit-endless", "kit.endless"))
    process_test.mock_job_worker("kit.endless").then_fail("again", retries=3)
    process_test.create_instance("kit-endless")
    # when / then
    with pytest.raises(AssertionError, match="still busy after 5 rounds"):
        process_test.run_until_idle(max_rounds=5)


def test_complete_job_and_throw_error_drive_a_single_job_by_type(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_one_task("kit-drive", "kit.drive", error_boundary="E"))
    completed = process_test.create_instance("kit-drive")
    job = process_test.complete_job("kit.drive", {"by": "hand"})
    thrown = process_test.create_instance("kit-drive")
    # when
    process_test.throw_error("kit.drive", "E", "boom")
    # then
    assert job.process_instance_key == completed.process_instance_key
    process_test.assert_that(completed).is_completed().has_variable("by", "hand")
    process_test.assert_that(thrown).is_completed().has_completed_elements("caught")


def test_activate_job_fails_clearly_when_there_is_no_job(process_test: ProcessTestHarness) -> None:
    # when / then
    with pytest.raises(AssertionError, match=r"Expected an activatable job of type 'kit\.nothing', but there is none"):
        process_test.activate_job("kit.nothing")


# ----------------------------------------------------------------------------------- failing assertions


def test_instance_state_assertions_say_what_state_and_which_elements_they_found(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_test.deploy(_one_task("kit-assert-state", "kit.assert.state"))
    instance = process_test.create_instance("kit-assert-state")
    key = instance.process_instance_key
    # when / then
    with pytest.raises(
        AssertionError, match=rf"process instance {key} to be COMPLETED, but it is ACTIVE; active elements: \['task'\]"
    ):
        process_test.assert_that(instance).is_completed()
    with pytest.raises(AssertionError, match="to be TERMINATED, but it is ACTIVE"):
        process_test.assert_that(instance).is_terminated()
    with pytest.raises(AssertionError, match=r"process instance 42 does not exist"):
        process_test.assert_that(42).is_active()
    process_test.assert_that(instance).is_active()


def test_element_assertions_name_the_missing_elements(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_one_task("kit-assert-elements", "kit.assert.elements"))
    instance = process_test.create_instance("kit-assert-elements")
    process_test.complete_job("kit.assert.elements")
    check = process_test.assert_that(instance)
    # when / then
    with pytest.raises(AssertionError, match=r"Expected elements \['nope'\] to be completed"):
        check.has_completed_elements("start", "nope")
    with pytest.raises(AssertionError, match=r"in order \['end', 'task'\], but got \['task', 'end'\]"):
        check.has_completed_elements("end", "task", in_order=True)
    with pytest.raises(AssertionError, match=r"Expected elements \['task'\] to be terminated"):
        check.has_terminated_elements("task")
    with pytest.raises(AssertionError, match=r"Expected elements \['task'\] never to be activated"):
        check.has_not_activated_elements("task", "ghost")
    with pytest.raises(AssertionError, match=r"Expected instance to wait at \['task'\]; active elements: \[\]"):
        check.is_waiting_at_elements("task")
    check.has_completed_elements("start", "task", "end", in_order=True)


def test_variable_assertions_show_the_expected_and_the_actual_value(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_one_task("kit-assert-variables", "kit.assert.variables"))
    instance = process_test.create_instance("kit-assert-variables", {"total": 10, "note": "x"})
    check = process_test.assert_that(instance)
    # when / then
    with pytest.raises(AssertionError, match=r"Expected variable 'total' = 11, but it is 10"):
        check.has_variable("total", 11)
    with pytest.raises(AssertionError, match=r"Expected variable 'missing'; root variables: \['note', 'total'\]"):
        check.has_variable("missing", 1)
    with pytest.raises(AssertionError, match=r"Expected no variable 'note' on the root scope"):
        check.has_no_variable("note")
    check.has_variable("total", 10).has_no_variable("missing")


def test_message_assertions_list_the_open_subscriptions(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(
        process("kit-assert-message")
        .start_event()
        .intermediate_catch_message("wait", name="kit.paid", correlation_key="=orderId")
        .end_event()
        .done()
    )
    instance = process_test.create_instance("kit-assert-message", {"orderId": "o-1"})
    check = process_test.assert_that(instance)
    # when / then
    with pytest.raises(
        AssertionError, match=r"open subscription for message 'kit.paid' \('o-2'\).*\('kit.paid', 'o-1'\)"
    ):
        check.is_waiting_for_message("kit.paid", "o-2")
    with pytest.raises(AssertionError, match=r"Expected no open subscription for message 'kit\.paid'"):
        check.is_not_waiting_for_message("kit.paid")
    check.is_waiting_for_message("kit.paid", "o-1").is_not_waiting_for_message("kit.other")


def test_incident_assertions_show_the_incidents_found(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_one_task("kit-assert-incident", "kit.assert.incident"))
    instance = process_test.create_instance("kit-assert-incident")
    clean = process_test.create_instance("kit-assert-incident")
    job = process_test.activate_job("kit.assert.incident")
    process_test.engine.fail_job(job.key, retries=0, error_message="disk full")
    # when / then
    with pytest.raises(AssertionError, match=r"Expected no incidents, but found \['JOB_NO_RETRIES: disk full'\]"):
        process_test.assert_that(instance).has_no_incidents()
    with pytest.raises(AssertionError, match=r"active incident \(IO_MAPPING_ERROR, None\); found \['JOB_NO_RETRIES"):
        process_test.assert_that(instance).has_incident("IO_MAPPING_ERROR")
    with pytest.raises(AssertionError, match=r"active incident \(None, None\); found \[\]"):
        process_test.assert_that(clean).has_incident()
    incident = process_test.assert_that(instance).has_incident("JOB_NO_RETRIES", "task")
    check = process_test.assert_incident(incident.key)
    with pytest.raises(AssertionError, match=f"Expected incident {incident.key} to be resolved"):
        check.is_resolved()
    with pytest.raises(AssertionError, match="error type UNHANDLED_ERROR_EVENT, but it is JOB_NO_RETRIES"):
        check.has_error_type("UNHANDLED_ERROR_EVENT")
    with pytest.raises(AssertionError, match=r"message to contain 'network', but it is 'disk full'"):
        check.has_error_message_containing("network")
    check.is_active().has_error_type("JOB_NO_RETRIES").has_error_message_containing("disk")


def test_job_assertions_show_the_actual_state_and_retries(process_test: ProcessTestHarness) -> None:
    # given
    process_test.deploy(_one_task("kit-assert-job", "kit.assert.job"))
    process_test.create_instance("kit-assert-job")
    job = process_test.activate_job("kit.assert.job")
    check = process_test.assert_job(job.key)
    # when / then
    with pytest.raises(AssertionError, match=f"Expected job {job.key} in state COMPLETED, but it is ACTIVATED"):
        check.is_in_state("COMPLETED")
    with pytest.raises(AssertionError, match=f"Expected job {job.key} to have 5 retries, but it has 3"):
        check.has_retries(5)
    with pytest.raises(AssertionError, match="job 7 does not exist"):
        process_test.assert_job(7).is_in_state("ACTIVATED")
    check.is_in_state("ACTIVATED").has_retries(3)
