"""Every WorkflowClient method, over both clients: the embedded engine in-process and the official
SDK against the engine's REST API. Results and errors must be the same for both."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from workflow_support import one_task, task_with_error_boundary, unique, waits_for_message

from oms.engine.api import Engine
from oms.engine.clock import ControlledClock
from oms.engine.testing.builder import process
from oms.workflow.client import (
    Conflict,
    CreatedInstance,
    InvalidArgument,
    InvalidState,
    Job,
    NotFound,
    WorkflowClient,
)


def _started(client: WorkflowClient, xml: bytes, process_id: str, **variables: object) -> CreatedInstance:
    client.deploy(("model.bpmn", xml))
    return client.create_instance(process_id, variables=variables)


def _activate_one(client: WorkflowClient, job_type: str, *, timeout_ms: int = 60_000) -> Job:
    (job,) = client.activate_jobs(job_type, worker="client-test", max_jobs=5, timeout_ms=timeout_ms)
    return job


# ---------------------------------------------------------------------------------------- deployment


def test_deploy_returns_each_process_with_its_key_and_version(client: WorkflowClient) -> None:
    # given
    process_id, job_type = unique("deploy"), unique("job")
    # when
    first = client.deploy(("one.bpmn", one_task(process_id, job_type)))
    second = client.deploy(("one.bpmn", one_task(process_id, job_type, retries=5)))
    # then
    (deployed,) = first.processes
    assert (deployed.bpmn_process_id, deployed.version, deployed.resource_name) == (process_id, 1, "one.bpmn")
    assert deployed.tenant_id == first.tenant_id == "<default>"
    assert second.processes[0].version == 2
    assert second.processes[0].process_definition_key != deployed.process_definition_key


def test_deploy_refuses_an_invalid_model_as_an_invalid_argument(client: WorkflowClient) -> None:
    with pytest.raises(InvalidArgument):
        client.deploy(("broken.bpmn", b"<definitions>not bpmn"))


# ---------------------------------------------------------------------------------------- instances


def test_create_instance_starts_the_latest_version_with_variables(client: WorkflowClient, engine: Engine) -> None:
    # given
    process_id, job_type = unique("create"), unique("job")
    client.deploy(("model.bpmn", one_task(process_id, job_type)))
    latest = client.deploy(("model.bpmn", one_task(process_id, job_type, retries=1))).processes[0]
    # when
    created = client.create_instance(process_id, variables={"orderId": "o-1", "amount": 12.5})
    # then
    assert (created.bpmn_process_id, created.version) == (process_id, 2)
    assert created.process_definition_key == latest.process_definition_key
    variables = {v.name: v.value for v in engine.queries.variables(created.process_instance_key)}
    assert variables == {"orderId": "o-1", "amount": 12.5}


def test_create_instance_of_a_given_version(client: WorkflowClient) -> None:
    process_id, job_type = unique("version"), unique("job")
    client.deploy(("model.bpmn", one_task(process_id, job_type)))
    client.deploy(("model.bpmn", one_task(process_id, job_type, retries=1)))
    assert client.create_instance(process_id, version=1).version == 1


def test_create_instance_of_an_unknown_process_is_not_found(client: WorkflowClient) -> None:
    with pytest.raises(NotFound):
        client.create_instance(unique("nothing"))


def test_cancel_instance_terminates_it(client: WorkflowClient) -> None:
    # given
    process_id = unique("cancel")
    created = _started(client, one_task(process_id, unique("job")), process_id)
    # when
    client.cancel_instance(created.process_instance_key)
    # then
    (instance,) = client.search_instances(process_instance_key=created.process_instance_key)
    assert instance.state == "TERMINATED" and instance.end_date is not None


def test_cancel_instance_of_an_unknown_key_is_not_found(client: WorkflowClient) -> None:
    with pytest.raises(NotFound):
        client.cancel_instance(2251799813685249)


def test_set_variables_on_the_instance_scope(client: WorkflowClient, engine: Engine) -> None:
    # given
    process_id = unique("variables")
    created = _started(client, one_task(process_id, unique("job")), process_id, orderId="o-1")
    # when
    client.set_variables(created.process_instance_key, {"flag": True, "orderId": "o-2"})
    # then
    variables = {v.name: v.value for v in engine.queries.variables(created.process_instance_key)}
    assert variables == {"flag": True, "orderId": "o-2"}


def test_set_variables_on_an_unknown_scope_is_not_found(client: WorkflowClient) -> None:
    with pytest.raises(NotFound):
        client.set_variables(2251799813685249, {"x": 1})


# ---------------------------------------------------------------------------------------- jobs


def test_activate_jobs_returns_the_job_with_its_context(client: WorkflowClient, clock: ControlledClock) -> None:
    # given
    process_id, job_type = unique("activate"), unique("job")
    deployed = client.deploy(("model.bpmn", one_task(process_id, job_type))).processes[0]
    created = client.create_instance(process_id, variables={"orderId": "o-1", "amount": 12.5})
    # when
    job = _activate_one(client, job_type, timeout_ms=30_000)
    # then
    assert (job.type, job.element_id, job.retries, job.worker) == (job_type, "work", 3, "client-test")
    assert (job.process_instance_key, job.bpmn_process_id) == (created.process_instance_key, process_id)
    assert (job.process_definition_key, job.process_definition_version) == (deployed.process_definition_key, 1)
    assert job.variables == {"orderId": "o-1", "amount": 12.5}
    assert isinstance(job.variables["amount"], float)  # the same plain JSON types from both clients
    assert job.tenant_id == "<default>" and job.custom_headers == {}
    expected_deadline = clock.now() + timedelta(seconds=30)
    assert job.deadline.tzinfo is not None
    assert abs(job.deadline - expected_deadline) < timedelta(seconds=5)


def test_activate_jobs_fetches_only_the_named_variables(client: WorkflowClient) -> None:
    process_id, job_type = unique("fetch"), unique("job")
    _started(client, one_task(process_id, job_type), process_id, orderId="o-1", big="x" * 100)
    (job,) = client.activate_jobs(
        job_type, worker="client-test", max_jobs=1, timeout_ms=60_000, fetch_variables=["orderId"]
    )
    assert job.variables == {"orderId": "o-1"}


def test_activate_jobs_without_a_request_timeout_answers_at_once(client: WorkflowClient) -> None:
    started = time.monotonic()
    assert client.activate_jobs(unique("none"), worker="client-test", max_jobs=1, timeout_ms=1000) == []
    assert time.monotonic() - started < 5


def test_activate_jobs_long_polls_until_a_job_appears(client: WorkflowClient) -> None:
    # given
    process_id, job_type = unique("poll"), unique("job")
    client.deploy(("model.bpmn", one_task(process_id, job_type)))
    # when: the job appears while the poll waits (the poll only returns early when woken by it)
    found: list[Job] = []
    poll = threading.Thread(
        target=lambda: found.extend(
            client.activate_jobs(job_type, worker="client-test", max_jobs=1, timeout_ms=1000, request_timeout_ms=20_000)
        )
    )
    started = time.monotonic()
    poll.start()
    created = client.create_instance(process_id)
    poll.join(25)
    # then
    assert [job.process_instance_key for job in found] == [created.process_instance_key]
    assert time.monotonic() - started < 15


def test_complete_job_moves_the_instance_on_with_the_variables(client: WorkflowClient, engine: Engine) -> None:
    # given
    process_id, job_type = unique("complete"), unique("job")
    created = _started(client, one_task(process_id, job_type), process_id)
    job = _activate_one(client, job_type)
    # when
    client.complete_job(job.key, {"reserved": True})
    # then
    (instance,) = client.search_instances(process_instance_key=created.process_instance_key)
    assert instance.state == "COMPLETED"
    assert {v.name: v.value for v in engine.queries.variables(created.process_instance_key)} == {"reserved": True}


def test_complete_job_twice_is_rejected(client: WorkflowClient) -> None:
    process_id, job_type = unique("twice"), unique("job")
    _started(client, one_task(process_id, job_type), process_id)
    job = _activate_one(client, job_type)
    client.complete_job(job.key)
    with pytest.raises((NotFound, InvalidState)):
        client.complete_job(job.key)


def test_complete_job_of_an_unknown_key_is_not_found(client: WorkflowClient) -> None:
    with pytest.raises(NotFound):
        client.complete_job(2251799813685249)


def test_fail_job_keeps_the_retries_message_and_back_off(client: WorkflowClient, engine: Engine) -> None:
    # given
    process_id, job_type = unique("fail"), unique("job")
    _started(client, one_task(process_id, job_type), process_id)
    job = _activate_one(client, job_type)
    # when
    client.fail_job(job.key, retries=2, error_message="backend down", retry_backoff_ms=60_000)
    # then
    view = engine.queries.job(job.key)
    assert view is not None
    assert (view.state, view.retries, view.error_message) == ("FAILED", 2, "backend down")
    assert view.retry_at is not None
    assert client.activate_jobs(job_type, worker="client-test", max_jobs=1, timeout_ms=1000) == []


def test_fail_job_without_retries_raises_an_incident_found_by_search(client: WorkflowClient) -> None:
    # given
    process_id, job_type = unique("incident"), unique("job")
    created = _started(client, one_task(process_id, job_type), process_id)
    job = _activate_one(client, job_type)
    # when
    client.fail_job(job.key, retries=0, error_message="gave up")
    # then
    (incident,) = client.search_incidents(process_instance_key=created.process_instance_key)
    assert (incident.error_type, incident.error_message, incident.state) == ("JOB_NO_RETRIES", "gave up", "ACTIVE")
    assert (incident.job_key, incident.element_id, incident.bpmn_process_id) == (job.key, "work", process_id)
    assert incident.created_at.tzinfo is not None
    (instance,) = client.search_instances(process_instance_key=created.process_instance_key)
    assert instance.has_incident is True
    assert client.search_incidents(job_key=job.key) == [incident]
    assert client.search_instances(bpmn_process_id=process_id, has_incident=True) == [instance]


def test_update_retries_and_resolve_incident_make_the_job_run_again(client: WorkflowClient) -> None:
    # given
    process_id, job_type = unique("resolve"), unique("job")
    created = _started(client, one_task(process_id, job_type), process_id)
    job = _activate_one(client, job_type)
    client.fail_job(job.key, retries=0, error_message="gave up")
    (incident,) = client.search_incidents(process_instance_key=created.process_instance_key)
    # when
    client.update_job_retries(job.key, 1)
    client.resolve_incident(incident.key)
    # then
    again = _activate_one(client, job_type)
    assert (again.key, again.retries) == (job.key, 1)
    assert [i.state for i in client.search_incidents(process_instance_key=created.process_instance_key)] == ["RESOLVED"]
    assert client.search_incidents(process_instance_key=created.process_instance_key, state="ACTIVE") == []


def test_update_retries_below_one_is_an_invalid_argument(client: WorkflowClient) -> None:
    process_id, job_type = unique("retries"), unique("job")
    _started(client, one_task(process_id, job_type), process_id)
    job = _activate_one(client, job_type)
    with pytest.raises(InvalidArgument):
        client.update_job_retries(job.key, 0)


def test_resolve_incident_of_an_unknown_key_is_not_found(client: WorkflowClient) -> None:
    with pytest.raises(NotFound):
        client.resolve_incident(2251799813685249)


def test_update_job_timeout_moves_the_deadline(client: WorkflowClient, engine: Engine, clock: ControlledClock) -> None:
    # given
    process_id, job_type = unique("timeout"), unique("job")
    _started(client, one_task(process_id, job_type), process_id)
    job = _activate_one(client, job_type, timeout_ms=10_000)
    # when
    client.update_job_timeout(job.key, 3_600_000)
    # then
    view = engine.queries.job(job.key)
    assert view is not None and view.deadline is not None
    assert view.deadline > clock.now() + timedelta(minutes=59)


def test_update_job_timeout_of_a_job_not_activated_is_an_invalid_state(client: WorkflowClient) -> None:
    process_id, job_type = unique("timeout-state"), unique("job")
    _started(client, one_task(process_id, job_type), process_id)
    job = _activate_one(client, job_type)
    client.complete_job(job.key)
    with pytest.raises(InvalidState):
        client.update_job_timeout(job.key, 1000)


def test_throw_error_is_caught_by_the_boundary_event(client: WorkflowClient, engine: Engine) -> None:
    # given
    process_id, job_type = unique("throw"), unique("job")
    created = _started(client, task_with_error_boundary(process_id, job_type, "NO_STOCK"), process_id)
    job = _activate_one(client, job_type)
    # when
    client.throw_error(job.key, error_code="NO_STOCK", error_message="none left")
    # then
    (instance,) = client.search_instances(process_instance_key=created.process_instance_key)
    assert instance.state == "COMPLETED"
    completed = {e.element_id for e in engine.queries.element_instances(created.process_instance_key)}
    assert "handled" in completed and "done" not in completed


# ---------------------------------------------------------------------------------------- messages


def test_publish_message_correlates_to_a_waiting_instance(client: WorkflowClient) -> None:
    # given
    process_id, message = unique("publish"), unique("msg")
    created = _started(client, waits_for_message(process_id, message), process_id, orderId="o-1")
    # when
    published = client.publish_message(message, "o-1", variables={"paid": True})
    # then
    assert published.key > 0 and published.tenant_id == "<default>"
    (instance,) = client.search_instances(process_instance_key=created.process_instance_key)
    assert instance.state == "COMPLETED"


def test_a_buffered_message_waits_for_its_instance(client: WorkflowClient) -> None:
    # given
    process_id, message = unique("buffered"), unique("msg")
    client.deploy(("model.bpmn", waits_for_message(process_id, message)))
    client.publish_message(message, "o-9", time_to_live_ms=60_000)
    # when
    created = client.create_instance(process_id, variables={"orderId": "o-9"})
    # then
    (instance,) = client.search_instances(process_instance_key=created.process_instance_key)
    assert instance.state == "COMPLETED"


def test_publishing_the_same_message_id_twice_is_a_conflict(client: WorkflowClient) -> None:
    message = unique("msg")
    client.publish_message(message, "k", time_to_live_ms=60_000, message_id="m-1")
    with pytest.raises(Conflict):
        client.publish_message(message, "k", time_to_live_ms=60_000, message_id="m-1")


def test_correlate_message_reports_the_instance(client: WorkflowClient) -> None:
    # given
    process_id, message = unique("correlate"), unique("msg")
    created = _started(client, waits_for_message(process_id, message), process_id, orderId="o-1")
    # when
    correlated = client.correlate_message(message, "o-1", variables={"paid": True})
    # then
    assert correlated.process_instance_key == created.process_instance_key
    assert correlated.key > 0


def test_correlate_message_without_a_subscription_is_not_found(client: WorkflowClient) -> None:
    with pytest.raises(NotFound):
        client.correlate_message(unique("msg"), "nobody")


# ---------------------------------------------------------------------------------------- searches


def test_search_instances_filters_by_process_and_state(client: WorkflowClient) -> None:
    # given
    process_id, job_type = unique("search"), unique("job")
    client.deploy(("model.bpmn", one_task(process_id, job_type)))
    first = client.create_instance(process_id)
    second = client.create_instance(process_id)
    client.cancel_instance(second.process_instance_key)
    # when
    every = client.search_instances(bpmn_process_id=process_id)
    active = client.search_instances(bpmn_process_id=process_id, state="ACTIVE")
    # then
    assert [i.key for i in every] == sorted([first.process_instance_key, second.process_instance_key])
    assert [i.key for i in active] == [first.process_instance_key]
    (summary,) = active
    assert (summary.bpmn_process_id, summary.version, summary.state, summary.has_incident) == (
        process_id,
        1,
        "ACTIVE",
        False,
    )
    assert summary.start_date <= datetime.now(UTC) + timedelta(minutes=1) and summary.end_date is None
    assert client.search_instances(bpmn_process_id=process_id, limit=1) == every[:1]


def test_search_with_an_unknown_state_is_an_invalid_argument(client: WorkflowClient) -> None:
    with pytest.raises(InvalidArgument):
        client.search_instances(state="SLEEPING")


def test_search_incidents_of_a_process(client: WorkflowClient) -> None:
    process_id = unique("no-incidents")
    client.deploy(("model.bpmn", process(process_id).start_event().end_event().done()))
    client.create_instance(process_id)
    assert client.search_incidents(bpmn_process_id=process_id) == []
