"""Translation between the SDK's wire models and the workflow client's plain values and errors
(keys travel as numeric strings, times as epoch milliseconds, rejections as HTTP problems)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from camunda_orchestration_sdk.errors import ApiError, MissingRequiredFieldError
from camunda_orchestration_sdk.models import ActivatedJobResult, IncidentResult, ProcessInstanceResult
from camunda_orchestration_sdk.types import UNSET, Unset

from oms.workflow.client import (
    Conflict,
    IncidentSummary,
    InvalidArgument,
    InvalidState,
    Job,
    NotFound,
    ProcessInstanceSummary,
    Unavailable,
    Variables,
    WorkflowClientError,
)

_V = TypeVar("_V")


def error_for(error: ApiError) -> WorkflowClientError:
    """One mapping from an HTTP problem to a client error. 409 carries two meanings in Camunda's API:
    the problem title tells an invalid state from an identity clash."""
    title = getattr(error.parsed, "title", None)
    detail = getattr(error.parsed, "detail", None)
    message = detail if isinstance(detail, str) and detail else str(error)
    status = error.status_code
    if status == 400:
        return InvalidArgument(message)
    if status == 404:
        return NotFound(message)
    if status == 409:
        return InvalidState(message) if title == "INVALID_STATE" else Conflict(message)
    if status in (429, 502, 503, 504):
        return Unavailable(message)
    return WorkflowClientError(f"HTTP {status}: {message}")


@contextmanager
def translated() -> Iterator[None]:
    try:
        yield
    except ApiError as error:
        raise error_for(error) from error
    except httpx.TransportError as error:  # connection refused, reset, read timeout...
        raise Unavailable(f"{type(error).__name__}: {error}") from error
    except MissingRequiredFieldError as error:
        # A server older or newer than the SDK: a configuration problem, not a transient one.
        raise WorkflowClientError(str(error)) from error


@contextmanager
def validated() -> Iterator[None]:
    """The SDK's typed keys, ids and enums check their values when built: bad input is the caller's."""
    try:
        yield
    except (ValueError, TypeError) as error:
        raise InvalidArgument(str(error)) from error


def or_unset(value: _V | None) -> _V | Unset:
    return UNSET if value is None else value


def wire(variables: Variables | None, model: Callable[[Mapping[str, Any]], _V]) -> _V | Unset:
    return UNSET if variables is None else model(dict(variables))


def key_or_none(value: str | None) -> int | None:
    return None if value is None else int(value)


def job_of(job: ActivatedJobResult) -> Job:
    return Job(
        key=int(job.job_key),
        type=job.type_,
        process_instance_key=int(job.process_instance_key),
        element_instance_key=int(job.element_instance_key),
        element_id=str(job.element_id),
        bpmn_process_id=str(job.process_definition_id),
        process_definition_key=int(job.process_definition_key),
        process_definition_version=job.process_definition_version,
        retries=job.retries,
        deadline=datetime.fromtimestamp(job.deadline / 1000, UTC),
        worker=job.worker,
        tenant_id=str(job.tenant_id),
        custom_headers={str(k): str(v) for k, v in job.custom_headers.to_dict().items()},
        variables=job.variables.to_dict(),
    )


def instance_of(item: ProcessInstanceResult) -> ProcessInstanceSummary:
    return ProcessInstanceSummary(
        key=int(item.process_instance_key),
        bpmn_process_id=str(item.process_definition_id),
        version=item.process_definition_version,
        process_definition_key=int(item.process_definition_key),
        state=item.state.value,
        has_incident=item.has_incident,
        tenant_id=str(item.tenant_id),
        start_date=item.start_date,
        end_date=item.end_date,
    )


def incident_of(item: IncidentResult) -> IncidentSummary:
    return IncidentSummary(
        key=int(item.incident_key),
        process_instance_key=int(item.process_instance_key),
        element_instance_key=int(item.element_instance_key),
        element_id=str(item.element_id),
        job_key=key_or_none(item.job_key),
        error_type=item.error_type.value,
        error_message=item.error_message,
        state=item.state.value,
        bpmn_process_id=str(item.process_definition_id),
        process_definition_key=int(item.process_definition_key),
        tenant_id=str(item.tenant_id),
        created_at=item.creation_time,
    )
