"""Create (optionally awaiting the result), cancel, get and search process instances."""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Body, Depends, Path, Response

from oms.engine.commands.instances import CreatedInstance
from oms.engine.rest.context import RestContext, parse_key, plain_json, rest_context
from oms.engine.rest.errors import ApiProblem
from oms.engine.rest.schemas.common import DEFAULT_TENANT, SearchQueryResult, SearchRequest
from oms.engine.rest.schemas.process_instances import (
    CancelProcessInstanceRequest,
    CreateProcessInstanceResult,
    ProcessInstanceCreationInstruction,
    ProcessInstanceResult,
)
from oms.engine.rest.searching import get_one, run_search
from oms.engine.search import PROCESS_INSTANCES, VARIABLES, SearchQuery

router = APIRouter()

_FIRST_POLL_S = 0.005
_MAX_POLL_S = 0.2


@router.post("/process-instances", response_model=CreateProcessInstanceResult)
async def create_process_instance(
    body: ProcessInstanceCreationInstruction, context: RestContext = Depends(rest_context)
) -> CreateProcessInstanceResult:
    _reject_unsupported(body)
    if (body.process_definition_id is None) == (body.process_definition_key is None):
        raise ApiProblem(
            400, "INVALID_ARGUMENT", "Expected exactly one of processDefinitionId and processDefinitionKey"
        )
    definition_key = (
        parse_key(body.process_definition_key, "processDefinitionKey") if body.process_definition_key else None
    )
    created = await context.call(
        context.engine.create_instance,
        body.process_definition_id,
        version=body.process_definition_version if definition_key is None else None,
        process_definition_key=definition_key,
        variables=body.variables,
        tenant_id=body.tenant_id or DEFAULT_TENANT,
    )
    variables: dict[str, Any] = {}
    if body.await_completion:
        given = body.request_timeout
        timeout_ms = given if given is not None and given > 0 else context.settings.await_completion_timeout_ms
        await _await_completion(context, created, timeout_ms)
        variables = await _root_variables(context, created.process_instance_key, body.fetch_variables)
    return CreateProcessInstanceResult(
        process_definition_id=created.bpmn_process_id,
        process_definition_version=created.version,
        tenant_id=created.tenant_id,
        variables=variables,
        process_definition_key=str(created.process_definition_key),
        process_instance_key=str(created.process_instance_key),
        tags=[],
        business_id=None,
    )


def _reject_unsupported(body: ProcessInstanceCreationInstruction) -> None:
    unsupported = {
        "processDefinitionVersionTag": body.process_definition_version_tag is not None,
        "startInstructions": bool(body.start_instructions),
        "runtimeInstructions": bool(body.runtime_instructions),
        "tags": bool(body.tags),
        "businessId": body.business_id is not None,
    }
    named = [name for name, given in unsupported.items() if given]
    if named:
        raise ApiProblem(400, "INVALID_ARGUMENT", f"Not supported by the embedded engine: {', '.join(named)}")


async def _await_completion(context: RestContext, created: CreatedInstance, timeout_ms: int) -> None:
    """Wait until the instance ended: poll its row with a growing pause (no thread held while waiting)."""
    key = created.process_instance_key
    deadline = anyio.current_time() + timeout_ms / 1000
    pause = _FIRST_POLL_S
    while True:
        view = await context.call(context.engine.queries.process_instance, key)
        if view is not None and view.state == "COMPLETED":
            return
        if view is not None and view.state == "TERMINATED":
            raise ApiProblem(
                409, "INVALID_STATE", f"Process instance '{key}' was terminated before it completed; no result"
            )
        remaining = deadline - anyio.current_time()
        if remaining <= 0:
            raise ApiProblem(
                504,
                "DEADLINE_EXCEEDED",
                f"Expected process instance '{key}' to complete within {timeout_ms} ms, but it is still active",
            )
        await anyio.sleep(min(pause, remaining))
        pause = min(pause * 2, _MAX_POLL_S)


async def _root_variables(context: RestContext, key: int, names: list[str] | None) -> dict[str, Any]:
    query_filter: dict[str, Any] = {"scopeKey": str(key)}
    if names is not None:
        query_filter["name"] = {"$in": names}
    page = await context.call(context.engine.search.search, VARIABLES, SearchQuery(filter=query_filter, limit=10_000))
    return {row["name"]: plain_json(row["value"]) for row in page.items}


@router.post("/process-instances/{processInstanceKey}/cancellation", status_code=204, response_class=Response)
async def cancel_process_instance(
    process_instance_key: str = Path(alias="processInstanceKey"),
    body: CancelProcessInstanceRequest | None = Body(default=None),
    context: RestContext = Depends(rest_context),
) -> Response:
    key = parse_key(process_instance_key, "processInstanceKey")
    await context.call(context.engine.cancel_instance, key)
    return Response(status_code=204)


@router.get("/process-instances/{processInstanceKey}", response_model=ProcessInstanceResult)
async def get_process_instance(
    process_instance_key: str = Path(alias="processInstanceKey"), context: RestContext = Depends(rest_context)
) -> ProcessInstanceResult:
    key = parse_key(process_instance_key, "processInstanceKey")
    return await get_one(context, PROCESS_INSTANCES, key, ProcessInstanceResult, "Process instance")


@router.post("/process-instances/search", response_model=SearchQueryResult[ProcessInstanceResult])
async def search_process_instances(
    body: SearchRequest | None = Body(default=None), context: RestContext = Depends(rest_context)
) -> SearchQueryResult[ProcessInstanceResult]:
    return await run_search(context, PROCESS_INSTANCES, body, ProcessInstanceResult)
