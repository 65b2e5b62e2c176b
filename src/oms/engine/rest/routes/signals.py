"""``POST /v2/signals/broadcast``: trigger every subscription of the tenant open for the signal's name."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from oms.engine.rest.context import RestContext, rest_context
from oms.engine.rest.schemas.common import DEFAULT_TENANT
from oms.engine.rest.schemas.signals import SignalBroadcastRequest, SignalBroadcastResult

router = APIRouter()


@router.post("/signals/broadcast", response_model=SignalBroadcastResult)
async def broadcast_signal(
    body: SignalBroadcastRequest, context: RestContext = Depends(rest_context)
) -> SignalBroadcastResult:
    broadcast = await context.call(
        context.engine.broadcast_signal,
        body.signal_name,
        body.variables,
        tenant_id=body.tenant_id or DEFAULT_TENANT,
    )
    return SignalBroadcastResult(tenant_id=broadcast.tenant_id, signal_key=str(broadcast.key))
