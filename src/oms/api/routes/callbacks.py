"""``POST /callbacks/{system}``: results that external systems report asynchronously (e.g. the
provisioning system after it accepted a request with 202).

- Authentication: per-system shared secret, HMAC-SHA256 over ``"{timestamp}.{raw body}"`` in
  ``X-Callback-Signature: t=<unix seconds>,v1=<hex>`` (``oms.relay.callbacks``); no bearer token, the
  caller is a system, not a user. An unknown system is 404, a missing or bad signature 401.
- The callback is recorded in ``workflow_message_correlation`` (one transaction) and acknowledged;
  the workflow relay publishes it to the engine afterwards. ``202`` when recorded, ``200`` when this
  callback was recorded before (a redelivery: nothing happens again), ``409`` when another callback
  already answered the same correlation key.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from oms.api.errors import ApiError, Problem
from oms.api.schemas.common import ERROR_RESPONSES
from oms.relay.callbacks import (
    SIGNATURE_HEADER,
    Callback,
    CallbackInbox,
    CallbackStatus,
    InvalidSignature,
    Receipt,
    verify_signature,
)

router = APIRouter(prefix="/callbacks", tags=["callbacks"], responses=ERROR_RESPONSES)

_ID = r"^[A-Za-z0-9._:@-]+$"
MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class CallbackEndpoint:
    """What the callback route needs, passed to ``create_app``: where callbacks go, and the secret
    of every system allowed to call back."""

    inbox: CallbackInbox
    secrets: Mapping[str, str]
    wall_clock: Callable[[], float] = field(default=time.time)


class CallbackBody(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    callback_id: str = Field(alias="callbackId", min_length=1, max_length=128, pattern=_ID)
    tenant_id: str = Field(alias="tenantId", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    correlation_key: str = Field(alias="correlationKey", min_length=1, max_length=255)
    status: CallbackStatus
    reason_code: str | None = Field(default=None, alias="reasonCode", max_length=64)
    reason: str | None = Field(default=None, max_length=500)
    external_reference: str | None = Field(default=None, alias="externalReference", max_length=128)
    details: dict[str, Any] = Field(default_factory=dict)


def _problem(status: int, code: str, message: str, **details: Any) -> ApiError:
    return ApiError(Problem(status, code, message, details))


@router.post(
    "/{system}",
    status_code=202,
    summary="Receive a callback from an external system",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CallbackBody.model_json_schema(by_alias=True)}},
        }
    },
)
async def receive_callback(
    request: Request, system: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[a-z][a-z0-9-]*$")]
) -> JSONResponse:
    endpoint: CallbackEndpoint = request.app.state.callbacks
    secret = endpoint.secrets.get(system)
    if secret is None:
        raise _problem(404, "notFound", f"no callbacks are accepted from system {system!r}")
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise _problem(413, "payloadTooLarge", f"a callback may be at most {MAX_BODY_BYTES} bytes")
    try:
        verify_signature(secret, body, request.headers.get(SIGNATURE_HEADER), now=endpoint.wall_clock())
    except InvalidSignature as error:
        raise _problem(401, "unauthenticated", f"the callback is not signed by {system!r}: {error}") from None
    try:
        parsed = CallbackBody.model_validate_json(body)
    except ValidationError as error:
        problems = [{"location": ".".join(str(p) for p in e["loc"]), "problem": e["msg"]} for e in error.errors()]
        raise _problem(400, "invalidRequest", "the callback does not match the schema", problems=problems) from None
    callback = Callback(
        system=system,
        tenant_id=parsed.tenant_id,
        callback_id=parsed.callback_id,
        correlation_key=parsed.correlation_key,
        status=parsed.status,
        reason_code=parsed.reason_code,
        reason=parsed.reason,
        external_reference=parsed.external_reference,
        details=parsed.details,
        correlation_id=request.state.correlation_id,
    )
    receipt = await run_in_threadpool(endpoint.inbox.record, callback)
    if receipt is Receipt.CONFLICT:
        raise _problem(
            409,
            "callbackConflict",
            "another callback was recorded for this correlation key, or this callback id for another key",
            callbackId=parsed.callback_id,
            correlationKey=parsed.correlation_key,
        )
    return JSONResponse(
        {"callbackId": parsed.callback_id, "status": receipt.value, "messageName": callback.message_name},
        status_code=202 if receipt is Receipt.RECORDED else 200,
    )
