"""Serve the REST API with uvicorn: one engine with its background services, one app.

Without credentials configured the API is open, which is only acceptable on a loopback address
(as Camunda's unprotected API is meant for local development); binding elsewhere needs basic or
bearer credentials (see :class:`AuthConfig`) or an explicit opt-out.
"""

from __future__ import annotations

import ipaddress

import structlog
import uvicorn

from oms.engine.api import Engine
from oms.engine.clock import ControlledClock
from oms.engine.rest.app import create_app
from oms.engine.rest.auth import AuthConfig

_log = structlog.get_logger("oms.engine.rest")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    database_url: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    controlled_clock: bool = False,
    auth: AuthConfig | None = None,
    allow_unauthenticated: bool = False,
    log_level: str = "info",
) -> None:
    """Run until interrupted (SIGINT/SIGTERM); the engine is closed on the way out."""
    auth = auth or AuthConfig()
    if not auth.enabled and not is_loopback(host) and not allow_unauthenticated:
        raise ValueError(
            f"Refusing to serve an unauthenticated API on {host}: configure OMS_ENGINE_BASIC_AUTH or"
            " OMS_ENGINE_BEARER_TOKENS, bind to a loopback address, or pass --allow-unauthenticated"
        )
    engine = Engine.connect(database_url, clock=ControlledClock() if controlled_clock else None)
    try:
        engine.start_background_services()
        app = create_app(engine, auth=auth)
        _log.info("engine REST API starting", host=host, port=port, controlled_clock=controlled_clock)
        # Long polls may hold requests for their whole request timeout: do not let them delay a
        # shutdown for longer than a few seconds (workers retry their poll anyway).
        uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False, timeout_graceful_shutdown=5)
    finally:
        engine.close()
