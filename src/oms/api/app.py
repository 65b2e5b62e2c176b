"""``create_app``: the CPQ HTTP API around a unit-of-work factory. Nothing is built at import time;
``oms.bootstrap`` builds the pool and the factory and passes them in, tests do the same with a test
database. OpenAPI at ``/openapi.json``, browsable at ``/docs``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from oms.api.auth import TokenVerifier
from oms.api.config import ApiConfig
from oms.api.deps import CorrelationMiddleware, Services
from oms.api.errors import install_error_handlers
from oms.api.routes import (
    amendments,
    approvals,
    cancel_orders,
    catalog,
    fallout,
    fulfillment_plans,
    health,
    orders,
    quote_states,
    quotes,
)
from oms.api.routes import callbacks as callback_routes
from oms.api.routes.callbacks import CallbackEndpoint
from oms.application.unit_of_work import UnitOfWorkFactory

DESCRIPTION = """TMF620 product catalog (read), TMF648 quotes and TMF622 product orders over the OMS application layer.

* Authentication: `Authorization: Bearer <JWT>` (HS256; claims `tenant`, `sub`, `actor_kind`, `roles`)
  or, in development, `X-API-Key`.
* Every POST accepts `Idempotency-Key`; changes accept `If-Match` with the ETag (the version).
* Errors use the TMF error body: `code`, `reason`, `message`, `status`.
* Extensions: quote state tasks (`/quote/{id}/submit|accept|reject|cancel`) and approval
  (`/quote/{id}/approval`, `/quote/{id}/approval/decision`). See docs/api-cpq.md.
* Orders: `/tmf-api/productOrderingManagement/v4`; the operator extension (fulfillment plans, fallout
  repair) under `/oms-api/orderOperations/v1`. See docs/api-order.md."""


def _operation_id(route: APIRoute) -> str:
    # Stable ids for generated clients: "<tag>.<function name>", e.g. "quote.create".
    return f"{route.tags[0]}.{route.name.rstrip('_')}"


def create_app(
    config: ApiConfig,
    uow_factory: UnitOfWorkFactory,
    *,
    ready_check: Callable[[], None] = lambda: None,
    on_shutdown: Callable[[], None] = lambda: None,
    callbacks: CallbackEndpoint | None = None,
) -> FastAPI:
    """``on_shutdown`` runs when the server stops (``bootstrap`` closes the pool it opened for a
    worker process there). With ``callbacks``, ``POST /callbacks/{system}`` accepts signed callbacks
    from external systems (without, there is no such route)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        on_shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="OMS CPQ API",
        version="4.0.0",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        generate_unique_id_function=_operation_id,
    )
    verifier = TokenVerifier(config.jwt_secret, config.jwt_issuer, config.jwt_audience, config.api_keys)
    app.state.services = Services(uow_factory, config, verifier, ready_check)
    install_error_handlers(app)
    app.add_middleware(CorrelationMiddleware)
    for router in (health.router, catalog.router, quotes.router, quote_states.router, approvals.router):
        app.include_router(router)
    for router in (orders.router, cancel_orders.router, fulfillment_plans.router, fallout.router, amendments.router):
        app.include_router(router)
    if callbacks is not None:
        app.state.callbacks = callbacks
        app.include_router(callback_routes.router)
    return app
