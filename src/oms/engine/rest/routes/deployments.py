"""``POST /v2/deployments``: BPMN resources as multipart form parts named ``resources``."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request

from oms.engine.commands.deployment import Deployment
from oms.engine.rest.context import RestContext, rest_context
from oms.engine.rest.errors import ApiProblem
from oms.engine.rest.multipart import parse_form
from oms.engine.rest.schemas.common import DEFAULT_TENANT, TENANT_PATTERN
from oms.engine.rest.schemas.deployments import DeploymentMetadataResult, DeploymentProcessDefinition, DeploymentResult

router = APIRouter()

MAX_DEPLOYMENT_BYTES = 16 * 1024 * 1024


@router.post("/deployments", response_model=DeploymentResult)
async def create_deployment(request: Request, context: RestContext = Depends(rest_context)) -> DeploymentResult:
    body = await request.body()
    if len(body) > MAX_DEPLOYMENT_BYTES:
        raise ApiProblem(400, "INVALID_ARGUMENT", f"Expected a deployment of at most {MAX_DEPLOYMENT_BYTES} bytes")
    parts = parse_form(request.headers.get("content-type", ""), body)
    tenant_id = DEFAULT_TENANT
    resources: list[tuple[str, bytes]] = []
    for part in parts:
        if part.name == "tenantId":
            tenant_id = part.content.decode("utf-8", errors="replace").strip() or DEFAULT_TENANT
        elif part.name == "resources":
            resources.append((part.filename or "resource.bpmn", part.content))
    if not re.match(TENANT_PATTERN, tenant_id):
        raise ApiProblem(400, "INVALID_ARGUMENT", f"Expected a valid tenant id, but got '{tenant_id}'")
    if not resources:
        raise ApiProblem(400, "INVALID_ARGUMENT", "Expected to deploy at least one resource, but none given")
    deployment = await context.call(context.engine.deploy, *resources, tenant_id=tenant_id)
    return _result(deployment)


def _result(deployment: Deployment) -> DeploymentResult:
    return DeploymentResult(
        deployment_key=str(deployment.key),
        tenant_id=deployment.tenant_id,
        deployments=[
            DeploymentMetadataResult(
                process_definition=DeploymentProcessDefinition(
                    process_definition_id=process.bpmn_process_id,
                    process_definition_version=process.version,
                    resource_name=process.resource_name,
                    tenant_id=process.tenant_id,
                    process_definition_key=str(process.key),
                )
            )
            for process in deployment.processes
        ],
    )
