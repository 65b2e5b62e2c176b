"""Read views of the searchable resources other than process instances and jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from oms.engine.rest.schemas.common import ApiModel


class ElementInstanceResult(ApiModel):
    process_definition_id: str
    start_date: datetime
    end_date: datetime | None
    element_id: str
    element_name: str
    type: str
    state: Literal["ACTIVE", "COMPLETED", "TERMINATED"]
    has_incident: bool
    tenant_id: str
    element_instance_key: str
    process_instance_key: str
    root_process_instance_key: str | None
    process_definition_key: str
    incident_key: str | None


class IncidentResult(ApiModel):
    process_definition_id: str
    error_type: str
    error_message: str
    element_id: str
    creation_time: datetime
    state: Literal["ACTIVE", "MIGRATED", "PENDING", "RESOLVED", "UNKNOWN"]
    tenant_id: str
    incident_key: str
    process_definition_key: str
    process_instance_key: str
    root_process_instance_key: str | None
    element_instance_key: str
    job_key: str | None


class VariableResult(ApiModel):
    value: str  # the value as JSON text
    name: str
    tenant_id: str
    variable_key: str
    scope_key: str
    process_instance_key: str
    root_process_instance_key: str | None


class VariableSearchResult(VariableResult):
    is_truncated: bool


class MessageSubscriptionResult(ApiModel):
    message_subscription_key: str
    process_definition_id: str
    process_definition_key: str | None
    process_instance_key: str | None
    root_process_instance_key: str | None
    element_id: str
    element_instance_key: str | None
    message_subscription_state: Literal["CORRELATED", "CREATED", "DELETED", "MIGRATED"]
    last_updated_date: datetime
    message_name: str
    correlation_key: str | None
    message_subscription_type: Literal["START_EVENT", "PROCESS_EVENT"]
    tool_properties: dict[str, str] = Field(default_factory=dict)
    process_definition_name: str | None
    process_definition_version: int | None
    tool_name: str | None
    inbound_connector_type: str | None
    tenant_id: str
    business_id: str | None


class ProcessDefinitionResult(ApiModel):
    name: str | None
    resource_name: str
    version: int
    version_tag: str | None
    process_definition_id: str
    tenant_id: str
    process_definition_key: str
    has_start_form: bool
    state: Literal["ACTIVE", "DRAINING", "DELETED"]
