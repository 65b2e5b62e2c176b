"""The Camunda 8 Orchestration Cluster REST API (v2) of the embedded engine, as an ASGI app.

``create_app(engine)`` builds a fresh app around an engine (nothing is built at import time): serve
it with uvicorn (``oms engine serve``) or call it in-process through ``httpx.ASGITransport``. The
engine's background services (timers, time-outs) are the caller's to start; the CLI does.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from oms.engine.api import Engine
from oms.engine.rest.auth import AuthConfig, require_auth
from oms.engine.rest.context import RestContext, RestSettings
from oms.engine.rest.errors import install_error_handlers
from oms.engine.rest.routes import (
    clock,
    cluster,
    deployments,
    element_instances,
    incidents,
    jobs,
    message_subscriptions,
    messages,
    process_definitions,
    process_instances,
    signals,
    variables,
)

API_PREFIX = "/v2"

_PROTECTED = (
    cluster.router,
    clock.router,
    deployments.router,
    process_instances.router,
    element_instances.router,
    jobs.router,
    messages.router,
    signals.router,
    incidents.router,
    variables.router,
    message_subscriptions.router,
    process_definitions.router,
)


def create_app(engine: Engine, *, auth: AuthConfig | None = None, settings: RestSettings | None = None) -> FastAPI:
    app = FastAPI(
        title="OMS embedded engine: Camunda 8 Orchestration Cluster REST API (subset)",
        version=cluster.GATEWAY_VERSION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.rest = RestContext(engine, settings or RestSettings())
    app.state.auth = auth or AuthConfig()
    install_error_handlers(app)
    api = APIRouter(prefix=API_PREFIX)
    api.include_router(cluster.public_router)
    for router in _PROTECTED:
        api.include_router(router, dependencies=[Depends(require_auth)])
    app.include_router(api)
    return app
