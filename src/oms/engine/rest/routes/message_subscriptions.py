"""Search message subscriptions."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends

from oms.engine.rest.context import RestContext, rest_context
from oms.engine.rest.schemas.common import SearchQueryResult, SearchRequest
from oms.engine.rest.schemas.views import MessageSubscriptionResult
from oms.engine.rest.searching import run_search
from oms.engine.search import MESSAGE_SUBSCRIPTIONS

router = APIRouter()


@router.post("/message-subscriptions/search", response_model=SearchQueryResult[MessageSubscriptionResult])
async def search_message_subscriptions(
    body: SearchRequest | None = Body(default=None), context: RestContext = Depends(rest_context)
) -> SearchQueryResult[MessageSubscriptionResult]:
    return await run_search(context, MESSAGE_SUBSCRIPTIONS, body, MessageSubscriptionResult)
