"""Helpers of the REST suite: unique names, BPMN models, deployment and creation through the SDK."""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio
import httpx
from camunda_orchestration_sdk import CamundaAsyncClient
from camunda_orchestration_sdk.models import (
    ActivatedJobResult,
    CreateDeploymentData,
    CreateProcessInstanceResult,
    DeploymentMetadataResultProcessDefinition,
    DeploymentResult,
    JobActivationRequest,
    ProcessCreationById,
    ProcessInstanceCreationInstructionBaseVariables,
)
from camunda_orchestration_sdk.semantic_types import ProcessDefinitionId
from camunda_orchestration_sdk.types import File

from oms.engine.testing.builder import process

T = TypeVar("T")


@dataclass
class Api:
    """One way to reach the API: an SDK client factory and a raw httpx client for bad input."""

    transport_name: str
    base_url: str
    transport: httpx.AsyncBaseTransport | None

    def _httpx_args(self) -> dict[str, Any]:
        return {"transport": self.transport} if self.transport is not None else {}

    @asynccontextmanager
    async def sdk(self, **configuration: str) -> AsyncIterator[CamundaAsyncClient]:
        config = {"CAMUNDA_REST_ADDRESS": self.base_url, "CAMUNDA_AUTH_STRATEGY": "NONE", **configuration}
        async with CamundaAsyncClient(configuration=config, httpx_args=self._httpx_args()) as client:  # type: ignore[arg-type]
            yield client

    @asynccontextmanager
    async def http(self) -> AsyncIterator[httpx.AsyncClient]:
        async with httpx.AsyncClient(base_url=f"{self.base_url}/v2", timeout=30, **self._httpx_args()) as client:
            yield client


def unique(prefix: str) -> str:
    """A name no other test (or earlier run on the socket server) uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def one_task(process_id: str, job_type: str, *, retries: int = 3) -> bytes:
    return process(process_id).start_event().service_task("work", job_type=job_type, retries=retries).end_event().done()


def task_with_error_boundary(process_id: str, job_type: str, code: str) -> bytes:
    return (
        process(process_id)
        .start_event()
        .service_task("work", job_type=job_type)
        .end_event("done")
        .boundary_error("failed", attached_to="work", code=code)
        .end_event("handled")
        .done()
    )


def waits_for_message(process_id: str, message: str) -> bytes:
    return (
        process(process_id)
        .start_event()
        .intermediate_catch_message("wait", name=message, correlation_key="=orderId")
        .end_event("done")
        .done()
    )


def waits_for_timer(process_id: str, duration: str) -> bytes:
    return process(process_id).start_event().intermediate_catch_timer("wait", duration=duration).end_event().done()


async def deploy(
    client: CamundaAsyncClient, xml: bytes, name: str = "model.bpmn"
) -> DeploymentMetadataResultProcessDefinition:
    result = await client.create_deployment(
        data=CreateDeploymentData(resources=[File(payload=io.BytesIO(xml), file_name=name)])
    )
    assert isinstance(result, DeploymentResult)
    definition = result.deployments[0].process_definition
    # Typed, not a raw dict: the SDK falls back to dicts when a required field is missing.
    assert isinstance(definition, DeploymentMetadataResultProcessDefinition)
    return definition


async def start(
    client: CamundaAsyncClient, process_id: str, variables: dict[str, Any] | None = None
) -> CreateProcessInstanceResult:
    data = ProcessCreationById(process_definition_id=ProcessDefinitionId(process_id))
    if variables is not None:
        data.variables = ProcessInstanceCreationInstructionBaseVariables.from_dict(variables)
    created = await client.create_process_instance(data=data)
    assert isinstance(created, CreateProcessInstanceResult)
    return created


async def activate(
    client: CamundaAsyncClient, job_type: str, *, max_jobs: int = 10, timeout_ms: int = 60_000, wait_ms: int = 5_000
) -> list[ActivatedJobResult]:
    """Activate jobs; ``wait_ms`` is the long-poll request timeout (negative: do not wait)."""
    result = await client.activate_jobs(
        data=JobActivationRequest(
            type_=job_type,
            timeout=timeout_ms,
            max_jobs_to_activate=max_jobs,
            request_timeout=wait_ms,
            worker="rest-test",
        )
    )
    assert all(isinstance(job, ActivatedJobResult) for job in result.jobs)
    return list(result.jobs)


async def eventually(check: Callable[[], Awaitable[T | None]], *, timeout_s: float = 10.0) -> T:
    """Await ``check`` until it returns something truthy, failing after ``timeout_s``.

    For effects of the engine's background services (which run beside the request that caused
    them); everything a command does itself is visible when the command returns.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s} s")
        await anyio.sleep(0.02)


def epoch_ms_in(seconds: float) -> int:
    return int((time.time() + seconds) * 1000)
