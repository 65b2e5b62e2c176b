"""Job activation (long polling), completion, failure, BPMN errors, updates, and search."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Path, Response

from oms.engine.commands.jobs import ActivatedJob
from oms.engine.rest.context import RestContext, parse_key, plain_json, rest_context
from oms.engine.rest.errors import ApiProblem
from oms.engine.rest.schemas.common import SearchQueryResult, SearchRequest
from oms.engine.rest.schemas.jobs import (
    ActivatedJobResult,
    JobActivationRequest,
    JobActivationResult,
    JobCompletionRequest,
    JobErrorRequest,
    JobFailRequest,
    JobSearchResult,
    JobUpdateRequest,
)
from oms.engine.rest.searching import run_search
from oms.engine.search import JOBS

router = APIRouter()

PHYSICAL_TENANT = "default"


@router.post("/jobs/activation", response_model=JobActivationResult)
async def activate_jobs(
    body: JobActivationRequest, context: RestContext = Depends(rest_context)
) -> JobActivationResult:
    if body.request_timeout is None or body.request_timeout == 0:
        wait_ms = context.settings.long_poll_timeout_ms
    else:
        wait_ms = max(body.request_timeout, 0)  # negative: answer at once (no long polling)
    jobs = await context.long_poll(
        context.engine.activate_jobs,
        body.type,
        worker=body.worker or "",
        timeout_ms=body.timeout,
        max_jobs=body.max_jobs_to_activate,
        fetch_variables=body.fetch_variable,
        request_timeout_ms=wait_ms,
        tenant_ids=body.tenant_ids if body.tenant_filter != "ASSIGNED" else None,
    )
    return JobActivationResult(jobs=[_activated(job) for job in jobs])


def _activated(job: ActivatedJob) -> ActivatedJobResult:
    return ActivatedJobResult(
        type=job.type,
        process_definition_id=job.bpmn_process_id,
        process_definition_version=job.process_definition_version,
        element_id=job.element_id,
        custom_headers=plain_json(job.custom_headers),
        worker=job.worker,
        retries=job.retries,
        deadline=int(job.deadline.timestamp() * 1000),
        variables=plain_json(job.variables),
        tenant_id=job.tenant_id,
        physical_tenant_id=PHYSICAL_TENANT,
        job_key=str(job.key),
        process_instance_key=str(job.process_instance_key),
        process_definition_key=str(job.process_definition_key),
        element_instance_key=str(job.element_instance_key),
        kind="BPMN_ELEMENT",
        listener_event_type="UNSPECIFIED",
        user_task=None,
        tags=[],
        root_process_instance_key=str(job.process_instance_key),
        business_id=None,
        priority=0,
        lease_token=None,
    )


@router.post("/jobs/{jobKey}/completion", status_code=204, response_class=Response)
async def complete_job(
    job_key: str = Path(alias="jobKey"),
    body: JobCompletionRequest | None = Body(default=None),
    context: RestContext = Depends(rest_context),
) -> Response:
    key = parse_key(job_key, "jobKey")
    if body is not None and body.result is not None:
        raise ApiProblem(400, "INVALID_ARGUMENT", "Job results (user task and ad-hoc sub-process) are not supported")
    if body is not None and body.business_id is not None:
        raise ApiProblem(400, "INVALID_ARGUMENT", "Not supported by the embedded engine: businessId")
    await context.call(context.engine.complete_job, key, body.variables if body else None)
    return Response(status_code=204)


@router.post("/jobs/{jobKey}/failure", status_code=204, response_class=Response)
async def fail_job(
    job_key: str = Path(alias="jobKey"),
    body: JobFailRequest | None = Body(default=None),
    context: RestContext = Depends(rest_context),
) -> Response:
    key = parse_key(job_key, "jobKey")
    request = body or JobFailRequest()
    await context.call(
        context.engine.fail_job,
        key,
        retries=request.retries,
        error_message=request.error_message or "",
        retry_backoff_ms=request.retry_back_off,
        variables=request.variables,
    )
    return Response(status_code=204)


@router.post("/jobs/{jobKey}/error", status_code=204, response_class=Response)
async def throw_job_error(
    job_key: str = Path(alias="jobKey"), body: JobErrorRequest = Body(), context: RestContext = Depends(rest_context)
) -> Response:
    key = parse_key(job_key, "jobKey")
    await context.call(
        context.engine.throw_error,
        key,
        error_code=body.error_code,
        error_message=body.error_message or "",
        variables=body.variables,
    )
    return Response(status_code=204)


@router.patch("/jobs/{jobKey}", status_code=204, response_class=Response)
async def update_job(
    job_key: str = Path(alias="jobKey"), body: JobUpdateRequest = Body(), context: RestContext = Depends(rest_context)
) -> Response:
    key = parse_key(job_key, "jobKey")
    changes = body.changeset
    if changes.priority is not None:
        raise ApiProblem(400, "INVALID_ARGUMENT", "Job priorities are not supported by the embedded engine")
    if changes.retries is None and changes.timeout is None:
        raise ApiProblem(
            400, "INVALID_ARGUMENT", "Expected the changeset to set retries or timeout, but it sets neither"
        )
    # Two commands when both change (Zeebe applies them one after the other too).
    if changes.retries is not None:
        await context.call(context.engine.update_job_retries, key, changes.retries)
    if changes.timeout is not None:
        await context.call(context.engine.update_job_timeout, key, changes.timeout)
    return Response(status_code=204)


@router.post("/jobs/search", response_model=SearchQueryResult[JobSearchResult])
async def search_jobs(
    body: SearchRequest | None = Body(default=None), context: RestContext = Depends(rest_context)
) -> SearchQueryResult[JobSearchResult]:
    return await run_search(context, JOBS, body, JobSearchResult)
