"""Resolve, get and search incidents."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, Path, Response

from oms.engine.rest.context import RestContext, parse_key, rest_context
from oms.engine.rest.schemas.common import SearchQueryResult, SearchRequest
from oms.engine.rest.schemas.scopes import IncidentResolutionRequest
from oms.engine.rest.schemas.views import IncidentResult
from oms.engine.rest.searching import get_one, run_search
from oms.engine.search import INCIDENTS

router = APIRouter()


@router.post("/incidents/{incidentKey}/resolution", status_code=204, response_class=Response)
async def resolve_incident(
    incident_key: str = Path(alias="incidentKey"),
    body: IncidentResolutionRequest | None = Body(default=None),
    context: RestContext = Depends(rest_context),
) -> Response:
    key = parse_key(incident_key, "incidentKey")
    await context.call(context.engine.resolve_incident, key)
    return Response(status_code=204)


@router.get("/incidents/{incidentKey}", response_model=IncidentResult)
async def get_incident(
    incident_key: str = Path(alias="incidentKey"), context: RestContext = Depends(rest_context)
) -> IncidentResult:
    key = parse_key(incident_key, "incidentKey")
    return await get_one(context, INCIDENTS, key, IncidentResult, "Incident")


@router.post("/incidents/search", response_model=SearchQueryResult[IncidentResult])
async def search_incidents(
    body: SearchRequest | None = Body(default=None), context: RestContext = Depends(rest_context)
) -> SearchQueryResult[IncidentResult]:
    return await run_search(context, INCIDENTS, body, IncidentResult)
