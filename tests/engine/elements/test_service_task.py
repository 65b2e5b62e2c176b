"""Job worker tasks (service, send, business rule): a job is created with the task definition's
type, retries and headers; the task completes when the job is completed."""

from __future__ import annotations

import pytest

from oms.engine.commands.instances import CreatedInstance
from oms.engine.errors import InvalidStateError
from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness
from oms.engine.testing.ids import unique_id


def _job_records(process_test: ProcessTestHarness, instance: CreatedInstance) -> list[tuple[str, str | None]]:
    return [
        (r.intent, r.element_id)
        for r in process_test.engine.queries.records(instance.process_instance_key)
        if r.value_type == "JOB"
    ]


def test_creates_a_job_with_type_retries_and_headers(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("service")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=job_type, retries=5, headers={"region": "eu", "mode": "fast"})
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id, {"orderId": "o-1"})
    # then
    process_test.assert_that(instance).is_active().is_waiting_at_elements("task")
    job = process_test.activate_job(job_type)
    assert job.type == job_type
    assert job.retries == 5
    assert job.custom_headers == {"region": "eu", "mode": "fast"}
    assert job.element_id == "task"
    assert job.process_instance_key == instance.process_instance_key
    assert job.variables == {"orderId": "o-1"}
    assert _job_records(process_test, instance)[0] == ("CREATED", "task")


def test_job_retries_default_to_three(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("service-default-retries")
    job_type = f"{process_id}.work"
    process_test.deploy(process(process_id).start_event().service_task("task", job_type=job_type).end_event().done())
    # when
    process_test.create_instance(process_id)
    # then
    assert process_test.activate_job(job_type).retries == 3


def test_completing_the_job_completes_the_task_and_merges_its_variables(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("service-complete")
    job_type = f"{process_id}.work"
    process_test.deploy(
        process(process_id).start_event().service_task("task", job_type=job_type).end_event("end").done()
    )
    instance = process_test.create_instance(process_id)
    # when
    job = process_test.complete_job(job_type, {"result": {"ok": True}})
    # then
    process_test.assert_that(instance).is_completed().has_completed_elements("task", "end").has_variable(
        "result", {"ok": True}
    )
    process_test.assert_job(job.key).is_in_state("COMPLETED")
    assert _job_records(process_test, instance) == [("CREATED", "task"), ("ACTIVATED", "task"), ("COMPLETED", "task")]


def test_evaluates_feel_job_type_and_retries(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("service-feel")
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type='="payment-" + method', retries="=attempts + 1")
        .end_event()
        .done()
    )
    # when
    process_test.create_instance(process_id, {"method": f"{process_id}-card", "attempts": 4})
    # then
    job = process_test.activate_job(f"payment-{process_id}-card")
    assert job.retries == 5


def test_feel_job_type_that_is_null_raises_an_incident_and_resolving_creates_the_job(
    process_test: ProcessTestHarness,
) -> None:
    # given
    process_id = unique_id("service-feel-null")
    process_test.deploy(process(process_id).start_event().service_task("task", job_type="=jobType").end_event().done())
    instance = process_test.create_instance(process_id)
    incident = process_test.assert_that(instance).is_active().has_incident("EXTRACT_VALUE_ERROR", "task")
    assert process_test.engine.queries.jobs(instance.process_instance_key) == []
    # when
    process_test.engine.set_variables(instance.process_instance_key, {"jobType": f"{process_id}.late"})
    process_test.engine.resolve_incident(incident.key)
    # then
    process_test.assert_that(instance).has_no_incidents().is_waiting_at_elements("task")
    process_test.complete_job(f"{process_id}.late")
    process_test.assert_that(instance).is_completed()


def test_feel_retries_that_are_not_a_number_raise_an_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("service-feel-retries")
    process_test.deploy(
        process(process_id)
        .start_event()
        .service_task("task", job_type=f"{process_id}.work", retries="=tries")
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id, {"tries": "many"})
    # then
    process_test.assert_that(instance).has_incident("EXTRACT_VALUE_ERROR", "task")
    assert process_test.engine.queries.jobs(instance.process_instance_key) == []


@pytest.mark.parametrize("kind", ["send_task", "business_rule_task"])
def test_send_and_business_rule_tasks_also_create_jobs(process_test: ProcessTestHarness, kind: str) -> None:
    # given
    process_id = unique_id(kind.replace("_", "-"))
    job_type = f"{process_id}.work"
    builder = process(process_id).start_event()
    builder = getattr(builder, kind)("task", job_type=job_type, headers={"k": "v"})
    process_test.deploy(builder.end_event("end").done())
    instance = process_test.create_instance(process_id)
    # when
    job = process_test.complete_job(job_type, {"done": True})
    # then
    assert job.custom_headers == {"k": "v"}
    process_test.assert_that(instance).is_completed().has_completed_elements("task", "end").has_variable("done", True)


def test_completing_a_job_twice_is_rejected(process_test: ProcessTestHarness) -> None:
    # given
    process_id = unique_id("service-twice")
    job_type = f"{process_id}.work"
    process_test.deploy(process(process_id).start_event().service_task("task", job_type=job_type).end_event().done())
    instance = process_test.create_instance(process_id)
    job = process_test.complete_job(job_type)
    # when / then
    with pytest.raises(InvalidStateError):
        process_test.engine.complete_job(job.key)
    process_test.assert_that(instance).is_completed()
