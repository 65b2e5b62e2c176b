"""Get and search variables. Values travel as JSON text, as in Camunda."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Query

from oms.engine.rest.context import RestContext, json_text, parse_key, rest_context
from oms.engine.rest.schemas.common import SearchQueryResult, SearchRequest
from oms.engine.rest.schemas.views import VariableResult, VariableSearchResult
from oms.engine.rest.searching import get_one, run_search
from oms.engine.search import VARIABLES

router = APIRouter()

#: Camunda's default size above which searched values are cut (``truncateValues``).
TRUNCATE_AT = 8191


def _full(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "value": json_text(row["value"])}


@router.get("/variables/{variableKey}", response_model=VariableResult)
async def get_variable(
    variable_key: str = Path(alias="variableKey"), context: RestContext = Depends(rest_context)
) -> VariableResult:
    key = parse_key(variable_key, "variableKey")
    return await get_one(context, VARIABLES, key, VariableResult, "Variable", adapt=_full)


@router.post("/variables/search", response_model=SearchQueryResult[VariableSearchResult])
async def search_variables(
    body: SearchRequest | None = Body(default=None),
    truncate_values: bool = Query(default=True, alias="truncateValues"),
    context: RestContext = Depends(rest_context),
) -> SearchQueryResult[VariableSearchResult]:
    def adapt(row: dict[str, Any]) -> dict[str, Any]:
        text = json_text(row["value"])
        truncated = truncate_values and len(text) > TRUNCATE_AT
        return {**row, "value": text[:TRUNCATE_AT] if truncated else text, "isTruncated": truncated}

    return await run_search(context, VARIABLES, body, VariableSearchResult, adapt=adapt)
