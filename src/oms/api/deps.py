"""Dependencies of the routes, as ``Annotated`` aliases so a signature says what a route needs:
``ContextDep`` (who asks, for which tenant), ``ServicesDep`` (the unit-of-work factory and the
configuration), ``IdempotencyKeyDep``, ``IfMatchDep``, ``FieldsDep`` and ``PageDep``.

The dependencies are ``async`` although none awaits anything: FastAPI runs a sync dependency in the
thread pool, one thread hop each, which cost more than the whole token check under load. They do
no I/O, so running them on the event loop blocks nothing. (Routes stay sync: they use the database.)"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oms.api.auth import AuthenticationFailed, Claims, TokenVerifier
from oms.api.config import ApiConfig
from oms.api.errors import bad_request
from oms.application.context import RequestContext
from oms.application.errors import ValidationFailed
from oms.application.queries.criteria import MAX_PAGE_SIZE, PageRequest
from oms.application.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True)
class Services:
    """Everything the routes use, built once by ``create_app`` and kept on ``app.state``."""

    uow_factory: UnitOfWorkFactory
    config: ApiConfig
    verifier: TokenVerifier
    ready_check: Callable[[], None]


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]

# auto_error=False: a missing credential is answered by our own 401 (TMF error body), and both
# schemes still appear in the OpenAPI document, so /docs can send either.
_bearer = HTTPBearer(auto_error=False, description="JWT (HS256) with claims tenant, sub, actor_kind, roles")
_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="development API key")


async def get_context(
    request: Request,
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> RequestContext:
    if bearer is not None:
        claims: Claims = services.verifier.from_bearer(bearer.credentials)
    elif api_key is not None:
        claims = services.verifier.from_api_key(api_key)
    else:
        raise AuthenticationFailed("no credentials: send 'Authorization: Bearer <token>' or 'X-API-Key'")
    try:
        return RequestContext(claims.tenant, claims.actor(), request.state.correlation_id, request.state.request_id)
    except ValidationFailed as error:
        raise AuthenticationFailed(f"the credentials' claims are not valid: {error.message}") from None


ContextDep = Annotated[RequestContext, Depends(get_context)]


async def get_idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description="Repeat a POST safely: the same key and body return the first result again",
            min_length=1,
            max_length=255,
        ),
    ] = None,
) -> str | None:
    return key


IdempotencyKeyDep = Annotated[str | None, Depends(get_idempotency_key)]

_ETAG = re.compile(r'^(?:W/)?"?(\d{1,18})"?$')


async def get_if_match(
    if_match: Annotated[
        str | None, Header(alias="If-Match", description="the ETag (version) the change is based on")
    ] = None,
) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    match = _ETAG.match(if_match.strip())
    if match is None:
        raise bad_request("invalidIfMatch", f'If-Match {if_match!r} is not an ETag of this API such as "3"')
    return int(match.group(1))


IfMatchDep = Annotated[int | None, Depends(get_if_match)]


async def get_fields(
    fields: Annotated[
        str | None, Query(description="comma-separated first-level attributes to return (id and href always)")
    ] = None,
) -> frozenset[str] | None:
    if fields is None:
        return None
    return frozenset(name.strip() for name in fields.split(",") if name.strip())


FieldsDep = Annotated[frozenset[str] | None, Depends(get_fields)]


async def get_page(
    offset: Annotated[int, Query(ge=0, description="index of the first resource to return")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="number of resources to return")] = 20,
) -> PageRequest:
    return PageRequest(offset, limit)


PageDep = Annotated[PageRequest, Depends(get_page)]

_CORRELATION_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class CorrelationMiddleware:
    """Gives every request a correlation id (the caller's ``X-Correlation-ID`` when it is sane, else a
    new one) and a request id, and echoes both on the response, errors included. Plain ASGI rather
    than ``BaseHTTPMiddleware``, which costs a task and a stream per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-correlation-id"), "")
        request_id = str(uuid.uuid4())
        correlation_id = given if _CORRELATION_ID.match(given) else request_id
        state = scope.setdefault("state", {})
        state["correlation_id"], state["request_id"] = correlation_id, request_id

        async def send_with_ids(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-correlation-id", correlation_id.encode()))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_ids)
