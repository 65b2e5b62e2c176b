"""``POST /v2/deployments`` result. Only BPMN processes are deployable; the other resource kinds of
a deployment entry (decision, decision requirements, form, resource) are always null."""

from __future__ import annotations

from oms.engine.rest.schemas.common import ApiModel


class DeploymentProcessDefinition(ApiModel):
    process_definition_id: str
    process_definition_version: int
    resource_name: str
    tenant_id: str
    process_definition_key: str


class DeploymentMetadataResult(ApiModel):
    process_definition: DeploymentProcessDefinition | None
    decision_definition: None = None
    decision_requirements: None = None
    form: None = None
    resource: None = None


class DeploymentResult(ApiModel):
    deployment_key: str
    tenant_id: str
    deployments: list[DeploymentMetadataResult]
