"""Get (and get the XML of) and search process definitions."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Path, Response

from oms.engine.rest.context import RestContext, parse_key, rest_context
from oms.engine.rest.errors import ApiProblem
from oms.engine.rest.schemas.common import SearchQueryResult, SearchRequest
from oms.engine.rest.schemas.views import ProcessDefinitionResult
from oms.engine.rest.searching import get_one, run_search
from oms.engine.search import PROCESS_DEFINITIONS

router = APIRouter()


@router.get("/process-definitions/{processDefinitionKey}", response_model=ProcessDefinitionResult)
async def get_process_definition(
    process_definition_key: str = Path(alias="processDefinitionKey"), context: RestContext = Depends(rest_context)
) -> ProcessDefinitionResult:
    key = parse_key(process_definition_key, "processDefinitionKey")
    return await get_one(context, PROCESS_DEFINITIONS, key, ProcessDefinitionResult, "Process definition")


@router.get("/process-definitions/{processDefinitionKey}/xml", response_class=Response)
async def get_process_definition_xml(
    process_definition_key: str = Path(alias="processDefinitionKey"), context: RestContext = Depends(rest_context)
) -> Response:
    key = parse_key(process_definition_key, "processDefinitionKey")
    xml = await context.call(context.engine.queries.definition_xml, key)
    if xml is None:
        raise ApiProblem(404, "NOT_FOUND", f"Process definition with key '{key}' not found")
    return Response(content=xml, media_type="text/xml")


@router.post("/process-definitions/search", response_model=SearchQueryResult[ProcessDefinitionResult])
async def search_process_definitions(
    body: SearchRequest | None = Body(default=None), context: RestContext = Depends(rest_context)
) -> SearchQueryResult[ProcessDefinitionResult]:
    return await run_search(context, PROCESS_DEFINITIONS, body, ProcessDefinitionResult)
