"""Job activation, completion, failure, BPMN errors, updates, and the job view."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from oms.engine.rest.schemas.common import ApiModel


class JobActivationRequest(ApiModel):
    type: str
    worker: str | None = None
    timeout: int
    max_jobs_to_activate: int
    fetch_variable: list[str] | None = None
    request_timeout: int | None = None
    tenant_ids: list[str] | None = None
    tenant_filter: Literal["PROVIDED", "ASSIGNED"] | None = None
    with_lease: bool | None = None


class ActivatedJobResult(ApiModel):
    type: str
    process_definition_id: str
    process_definition_version: int
    element_id: str
    custom_headers: dict[str, Any]
    worker: str
    retries: int
    deadline: int  # epoch milliseconds
    variables: dict[str, Any]
    tenant_id: str
    physical_tenant_id: str
    job_key: str
    process_instance_key: str
    process_definition_key: str
    element_instance_key: str
    kind: Literal["BPMN_ELEMENT"]
    listener_event_type: Literal["UNSPECIFIED"]
    user_task: None
    tags: list[str]
    root_process_instance_key: str | None
    business_id: str | None
    priority: int
    lease_token: str | None  # leases are not supported: always null


class JobActivationResult(ApiModel):
    jobs: list[ActivatedJobResult]


class JobCompletionRequest(ApiModel):
    variables: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    lease_token: str | None = None
    business_id: str | None = None


class JobFailRequest(ApiModel):
    retries: int = 0
    error_message: str | None = None
    retry_back_off: int = 0
    variables: dict[str, Any] | None = None
    lease_token: str | None = None


class JobErrorRequest(ApiModel):
    error_code: str
    error_message: str | None = None
    variables: dict[str, Any] | None = None
    lease_token: str | None = None


class JobChangeset(ApiModel):
    retries: int | None = None
    timeout: int | None = None
    priority: int | None = None


class JobUpdateRequest(ApiModel):
    changeset: JobChangeset
    operation_reference: int | None = None
    lease_token: str | None = None


class JobSearchResult(ApiModel):
    custom_headers: dict[str, Any]
    deadline: datetime | None
    denied_reason: str | None
    element_id: str | None
    element_instance_key: str
    end_time: datetime | None
    error_code: str | None
    error_message: str | None
    has_failed_with_retries_left: bool
    is_denied: bool | None
    job_key: str
    kind: str
    listener_event_type: str
    process_definition_id: str
    process_definition_key: str
    process_instance_key: str
    root_process_instance_key: str | None
    business_id: str | None
    retries: int
    state: str
    tenant_id: str
    type: str
    worker: str
    creation_time: datetime | None
    last_update_time: datetime | None
    priority: int
