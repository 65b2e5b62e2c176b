"""Set variables on an element instance's scope; get and search element instances."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Path, Response

from oms.engine.rest.context import RestContext, parse_key, rest_context
from oms.engine.rest.schemas.common import SearchQueryResult, SearchRequest
from oms.engine.rest.schemas.scopes import SetVariableRequest
from oms.engine.rest.schemas.views import ElementInstanceResult
from oms.engine.rest.searching import get_one, run_search
from oms.engine.search import ELEMENT_INSTANCES

router = APIRouter()


@router.put("/element-instances/{elementInstanceKey}/variables", status_code=204, response_class=Response)
async def set_variables(
    element_instance_key: str = Path(alias="elementInstanceKey"),
    body: SetVariableRequest = Body(),
    context: RestContext = Depends(rest_context),
) -> Response:
    key = parse_key(element_instance_key, "elementInstanceKey")
    await context.call(context.engine.set_variables, key, body.variables, local=body.local)
    return Response(status_code=204)


@router.get("/element-instances/{elementInstanceKey}", response_model=ElementInstanceResult)
async def get_element_instance(
    element_instance_key: str = Path(alias="elementInstanceKey"), context: RestContext = Depends(rest_context)
) -> ElementInstanceResult:
    key = parse_key(element_instance_key, "elementInstanceKey")
    return await get_one(context, ELEMENT_INSTANCES, key, ElementInstanceResult, "Element instance")


@router.post("/element-instances/search", response_model=SearchQueryResult[ElementInstanceResult])
async def search_element_instances(
    body: SearchRequest | None = Body(default=None), context: RestContext = Depends(rest_context)
) -> SearchQueryResult[ElementInstanceResult]:
    return await run_search(context, ELEMENT_INSTANCES, body, ElementInstanceResult)
