"""``POST /v2/messages/publication`` (buffered with a time to live) and ``/correlation`` (now or 404)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from oms.engine.rest.context import RestContext, rest_context
from oms.engine.rest.errors import ApiProblem
from oms.engine.rest.schemas.common import DEFAULT_TENANT
from oms.engine.rest.schemas.messages import (
    MessageCorrelationRequest,
    MessageCorrelationResult,
    MessagePublicationRequest,
    MessagePublicationResult,
)

router = APIRouter()


def _no_business_id(business_id: str | None) -> None:
    if business_id is not None:
        raise ApiProblem(400, "INVALID_ARGUMENT", "Not supported by the embedded engine: businessId")


@router.post("/messages/publication", response_model=MessagePublicationResult)
async def publish_message(
    body: MessagePublicationRequest, context: RestContext = Depends(rest_context)
) -> MessagePublicationResult:
    _no_business_id(body.business_id)
    published = await context.call(
        context.engine.publish_message,
        body.name,
        body.correlation_key,
        time_to_live_ms=body.time_to_live,
        message_id=body.message_id,
        variables=body.variables,
        tenant_id=body.tenant_id or DEFAULT_TENANT,
    )
    return MessagePublicationResult(tenant_id=published.tenant_id, message_key=str(published.key))


@router.post("/messages/correlation", response_model=MessageCorrelationResult)
async def correlate_message(
    body: MessageCorrelationRequest, context: RestContext = Depends(rest_context)
) -> MessageCorrelationResult:
    _no_business_id(body.business_id)
    correlated = await context.call(
        context.engine.correlate_message,
        body.name,
        body.correlation_key,
        variables=body.variables,
        tenant_id=body.tenant_id or DEFAULT_TENANT,
    )
    # Like Camunda: the first instance the message correlated to (one per BPMN process id).
    return MessageCorrelationResult(
        tenant_id=correlated.tenant_id,
        message_key=str(correlated.key),
        process_instance_key=str(correlated.correlated_process_instance_keys[0]),
    )
