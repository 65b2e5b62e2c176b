"""``PUT /v2/clock`` and ``POST /v2/clock/reset``: move the engine's controlled clock.

The engine fires whatever became due before answering, so a client that pinned the clock forward
finds the timers fired and the job time-outs done (the SDK's ``EngineClock`` relies on pins).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, Response

from oms.engine.rest.context import RestContext, rest_context
from oms.engine.rest.errors import ApiProblem
from oms.engine.rest.schemas.cluster import ClockPinRequest

router = APIRouter()


@router.put("/clock", status_code=204, response_class=Response)
async def pin_clock(body: ClockPinRequest, context: RestContext = Depends(rest_context)) -> Response:
    try:
        instant = datetime.fromtimestamp(body.timestamp / 1000, UTC)
    except (OverflowError, OSError, ValueError) as error:
        raise ApiProblem(
            400, "INVALID_ARGUMENT", f"Expected an epoch-millisecond timestamp, got {body.timestamp}"
        ) from error
    await context.call(context.engine.pin_clock, instant)
    return Response(status_code=204)


@router.post("/clock/reset", status_code=204, response_class=Response)
async def reset_clock(context: RestContext = Depends(rest_context)) -> Response:
    await context.call(context.engine.reset_clock)
    return Response(status_code=204)
