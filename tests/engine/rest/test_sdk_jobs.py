"""Jobs through the official SDK over both transports: activation (long polling), completion,
failure with retries and back-off, incidents, BPMN errors, time-outs and updates."""

from __future__ import annotations

import time

import anyio
import pytest
from camunda_orchestration_sdk.models import (
    ClockPinRequest,
    ElementInstanceSearchQuery,
    ElementInstanceSearchQueryFilter,
    IncidentResult,
    IncidentSearchQuery,
    IncidentSearchQueryFilter,
    JobChangeset,
    JobCompletionRequest,
    JobCompletionRequestVariables,
    JobErrorRequest,
    JobFailRequest,
    JobSearchQuery,
    JobSearchQueryFilter,
    JobSearchResult,
    JobUpdateRequest,
    ProcessInstanceStateEnum,
)
from rest_support import (
    Api,
    activate,
    deploy,
    epoch_ms_in,
    eventually,
    one_task,
    start,
    task_with_error_boundary,
    unique,
)

pytestmark = pytest.mark.anyio


async def test_an_activated_job_carries_the_instance_variables_and_completing_it_moves_the_instance_on(
    api: Api,
) -> None:
    process_id, job_type = unique("rest-job"), unique("job")
    async with api.sdk() as client:
        deployed = await deploy(client, one_task(process_id, job_type))
        created = await start(client, process_id, {"orderId": "o-1", "amount": 12.5})
        (job,) = await activate(client, job_type)
        await client.complete_job(
            job.job_key, data=JobCompletionRequest(variables=JobCompletionRequestVariables.from_dict({"ok": True}))
        )
        instance = await client.get_process_instance(created.process_instance_key)
    assert job.variables.to_dict() == {"orderId": "o-1", "amount": 12.5}
    assert (job.type_, job.element_id, job.retries, job.worker) == (job_type, "work", 3, "rest-test")
    assert job.process_instance_key == created.process_instance_key
    assert job.process_definition_key == deployed.process_definition_key
    assert job.deadline > time.time() * 1000
    assert job.physical_tenant_id == "default" and job.job_lease_token is None
    assert instance.state == ProcessInstanceStateEnum.COMPLETED


async def test_a_long_poll_answers_as_soon_as_a_job_is_created(api: Api) -> None:
    process_id, job_type = unique("rest-poll"), unique("job")
    found: list[str] = []
    async with api.sdk() as client:
        await deploy(client, one_task(process_id, job_type))

        async def poll() -> None:
            found.extend(job.job_key for job in await activate(client, job_type, wait_ms=20_000))

        started = time.monotonic()
        async with anyio.create_task_group() as group:
            group.start_soon(poll)
            await start(client, process_id)
        waited = time.monotonic() - started
    assert len(found) == 1
    assert waited < 10  # woken by the new job, not by the 20 s request timeout


async def test_a_poll_without_long_polling_answers_at_once_with_no_jobs(api: Api) -> None:
    async with api.sdk() as client:
        assert await activate(client, unique("nothing"), wait_ms=-1) == []


async def test_a_failed_job_with_retries_left_is_activatable_again_and_reports_its_failure(api: Api) -> None:
    process_id, job_type = unique("rest-fail"), unique("job")
    async with api.sdk() as client:
        await deploy(client, one_task(process_id, job_type))
        await start(client, process_id)
        (job,) = await activate(client, job_type)
        await client.fail_job(job.job_key, data=JobFailRequest(retries=2, error_message="backend down"))
        (again,) = await activate(client, job_type)
        found = await client.search_jobs(data=JobSearchQuery(filter_=JobSearchQueryFilter(type_=job_type)))
    assert (again.job_key, again.retries) == (job.job_key, 2)
    (view,) = found.items
    assert isinstance(view, JobSearchResult)
    assert (view.error_message, view.has_failed_with_retries_left, view.retries) == ("backend down", True, 2)


async def test_a_retry_back_off_holds_the_job_back_until_the_clock_passes_it(api: Api) -> None:
    process_id, job_type = unique("rest-backoff"), unique("job")
    async with api.sdk() as client:
        await deploy(client, one_task(process_id, job_type))
        await start(client, process_id)
        (job,) = await activate(client, job_type)
        await client.fail_job(job.job_key, data=JobFailRequest(retries=1, retry_back_off=60_000))
        assert await activate(client, job_type, wait_ms=-1) == []
        await client.pin_clock(data=ClockPinRequest(timestamp=epoch_ms_in(61)))
        again = await eventually(lambda: activate(client, job_type, wait_ms=-1))
    assert [j.job_key for j in again] == [job.job_key]


async def test_a_job_out_of_retries_raises_an_incident_that_resolves_once_retries_are_given(api: Api) -> None:
    process_id, job_type = unique("rest-incident"), unique("job")
    async with api.sdk() as client:
        await deploy(client, one_task(process_id, job_type))
        created = await start(client, process_id)
        (job,) = await activate(client, job_type)
        await client.fail_job(job.job_key, data=JobFailRequest(retries=0, error_message="gave up"))
        incidents = await client.search_incidents(
            data=IncidentSearchQuery(
                filter_=IncidentSearchQueryFilter(process_instance_key=created.process_instance_key)
            )
        )
        (incident,) = incidents.items
        instance_with_incident = await client.get_process_instance(created.process_instance_key)
        await client.update_job(job.job_key, data=JobUpdateRequest(changeset=JobChangeset(retries=1)))
        await client.resolve_incident(incident.incident_key)
        resolved = await client.get_incident(incident.incident_key)
        (retried,) = await activate(client, job_type)
        await client.complete_job(retried.job_key)
        instance = await client.get_process_instance(created.process_instance_key)
    assert isinstance(incident, IncidentResult)
    assert (incident.error_type.value, incident.error_message, incident.job_key) == (
        "JOB_NO_RETRIES",
        "gave up",
        job.job_key,
    )
    assert instance_with_incident.has_incident is True
    assert resolved.state.value == "RESOLVED"
    assert (retried.job_key, retried.retries) == (job.job_key, 1)
    assert instance.state == ProcessInstanceStateEnum.COMPLETED


async def test_a_thrown_bpmn_error_is_caught_by_the_boundary_event(api: Api) -> None:
    process_id, job_type = unique("rest-error"), unique("job")
    async with api.sdk() as client:
        await deploy(client, task_with_error_boundary(process_id, job_type, "NO_STOCK"))
        created = await start(client, process_id)
        (job,) = await activate(client, job_type)
        await client.throw_job_error(job.job_key, data=JobErrorRequest(error_code="NO_STOCK", error_message="none"))
        instance = await client.get_process_instance(created.process_instance_key)
        elements = await client.search_element_instances(
            data=ElementInstanceSearchQuery(
                filter_=ElementInstanceSearchQueryFilter(process_instance_key=created.process_instance_key)
            )
        )
    assert instance.state == ProcessInstanceStateEnum.COMPLETED
    by_id = {str(e.element_id): e.state.value for e in elements.items}
    assert by_id["work"] == "TERMINATED" and by_id["handled"] == "COMPLETED" and "done" not in by_id


async def test_an_uncaught_bpmn_error_raises_an_incident(api: Api) -> None:
    process_id, job_type = unique("rest-uncaught"), unique("job")
    async with api.sdk() as client:
        await deploy(client, one_task(process_id, job_type))
        created = await start(client, process_id)
        (job,) = await activate(client, job_type)
        await client.throw_job_error(job.job_key, data=JobErrorRequest(error_code="UNKNOWN_CODE"))
        incidents = await client.search_incidents(
            data=IncidentSearchQuery(
                filter_=IncidentSearchQueryFilter(process_instance_key=created.process_instance_key)
            )
        )
    assert [i.error_type.value for i in incidents.items] == ["UNHANDLED_ERROR_EVENT"]


async def test_a_job_times_out_when_the_clock_passes_its_deadline_and_a_longer_timeout_postpones_that(
    api: Api,
) -> None:
    process_id, job_type = unique("rest-timeout"), unique("job")
    async with api.sdk() as client:
        await deploy(client, one_task(process_id, job_type))
        await start(client, process_id)
        await start(client, process_id)
        first, second = await activate(client, job_type, max_jobs=2, timeout_ms=30_000)
        await client.update_job(second.job_key, data=JobUpdateRequest(changeset=JobChangeset(timeout=3_600_000)))
        await client.pin_clock(data=ClockPinRequest(timestamp=epoch_ms_in(31)))
        again = await eventually(lambda: activate(client, job_type, wait_ms=-1))
    assert [job.job_key for job in again] == [first.job_key]
