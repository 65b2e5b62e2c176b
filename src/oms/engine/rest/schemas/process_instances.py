"""Process instance creation, cancellation and the instance view."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from oms.engine.rest.schemas.common import TENANT_PATTERN, ApiModel


class ProcessInstanceCreationInstruction(ApiModel):
    """Both shapes of the spec's oneOf: by ``processDefinitionId`` (with an optional version) or by
    ``processDefinitionKey``; exactly one of the two must be given (checked by the route)."""

    process_definition_id: str | None = None
    process_definition_key: str | None = None
    process_definition_version: int | None = None
    process_definition_version_tag: str | None = None
    variables: dict[str, Any] | None = None
    tenant_id: str | None = Field(default=None, pattern=TENANT_PATTERN)
    operation_reference: int | None = None
    start_instructions: list[dict[str, Any]] | None = None
    runtime_instructions: list[dict[str, Any]] | None = None
    await_completion: bool = False
    request_timeout: int | None = None
    fetch_variables: list[str] | None = None
    tags: list[str] | None = None
    business_id: str | None = None


class CreateProcessInstanceResult(ApiModel):
    process_definition_id: str
    process_definition_version: int
    tenant_id: str
    variables: dict[str, Any]
    process_definition_key: str
    process_instance_key: str
    tags: list[str]
    business_id: str | None


class CancelProcessInstanceRequest(ApiModel):
    operation_reference: int | None = None


class ProcessInstanceResult(ApiModel):
    process_definition_id: str
    process_definition_name: str | None
    process_definition_version: int
    process_definition_version_tag: str | None
    start_date: datetime
    end_date: datetime | None
    state: Literal["ACTIVE", "COMPLETED", "SUSPENDED", "TERMINATED"]
    suspended_date: datetime | None
    has_incident: bool
    tenant_id: str
    process_instance_key: str
    process_definition_key: str
    parent_process_instance_key: str | None
    parent_element_instance_key: str | None
    root_process_instance_key: str | None
    tags: list[str] = Field(default_factory=list)  # the engine keeps no tags
    business_id: str | None
