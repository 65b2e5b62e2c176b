"""The only wiring point of the CPQ: settings and environment in, a pool, a unit-of-work factory and
the HTTP app out. The CLI (``oms api``, ``oms dev``, ``oms seed``, ``oms migrate``) and the benchmark
call these functions; nothing else builds infrastructure."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from psycopg_pool import ConnectionPool

from oms.api.app import create_app
from oms.api.auth import Claims, issue_token
from oms.api.config import ApiConfig, ApprovalOutcomeMode, parse_api_keys
from oms.api.routes.callbacks import CallbackEndpoint
from oms.application.clock import Clock, SystemClock
from oms.application.commands.catalog import load_demo_catalog
from oms.application.unit_of_work import UnitOfWorkFactory
from oms.application.views import CatalogVersionView
from oms.domain.approval.policy import COMMERCIAL_DIRECTOR, SALES_MANAGER
from oms.domain.shared.actors import ActorKind
from oms.persistence.database import open_pool
from oms.persistence.migrate import migrate_database
from oms.persistence.unit_of_work import PostgresUnitOfWorkFactory
from oms.relay.application_inbox import ApplicationCallbackInbox
from oms.relay.callbacks import parse_callback_secrets
from oms.relay.store import PostgresCallbackInbox
from oms.settings import Settings, SettingsError, load_settings

DEV_TENANT = "demo"


@dataclass(frozen=True)
class ApiRuntime:
    app: FastAPI
    uow_factory: UnitOfWorkFactory
    config: ApiConfig


def api_config(
    settings: Settings, environ: Mapping[str, str] | None = None, *, jwt_secret: str | None = None
) -> ApiConfig:
    """The API's configuration: ``Settings`` plus two variables the settings do not hold yet,
    ``OMS_API_KEYS`` (JSON: key -> claims, development) and ``OMS_APPROVAL_OUTCOME`` (``inline``, the
    default until the quote-approval process ships, or ``workflow``). ``jwt_secret`` overrides the
    configured key (``oms dev`` generates one when none is set)."""
    env = os.environ if environ is None else environ
    secret = jwt_secret or (settings.jwt_secret.get_secret_value() if settings.jwt_secret else None)
    keys = parse_api_keys(env["OMS_API_KEYS"]) if env.get("OMS_API_KEYS") else {}
    if secret is None and not keys:
        raise SettingsError("the API needs OMS_JWT_SECRET (bearer tokens) or OMS_API_KEYS (development keys)")
    try:
        mode = ApprovalOutcomeMode(env.get("OMS_APPROVAL_OUTCOME", ApprovalOutcomeMode.INLINE))
    except ValueError:
        raise SettingsError(f"OMS_APPROVAL_OUTCOME must be one of {', '.join(ApprovalOutcomeMode)}") from None
    return ApiConfig(
        jwt_secret=secret,
        jwt_issuer=settings.jwt_issuer,
        jwt_audience=settings.jwt_audience,
        api_keys=keys,
        quote_validity=timedelta(days=settings.quote_validity_days),
        approval_outcome=mode,
    )


def generate_jwt_secret() -> str:
    return secrets.token_urlsafe(48)


@contextmanager
def open_database(settings: Settings, url: str, *, name: str = "oms") -> Iterator[ConnectionPool]:
    pool = open_pool(url, min_size=settings.db_pool_min_size, max_size=settings.db_pool_max_size, name=name)
    try:
        yield pool
    finally:
        pool.close()


@contextmanager
def api_runtime(settings: Settings, config: ApiConfig, url: str, *, clock: Clock | None = None) -> Iterator[ApiRuntime]:
    """The app on a pool of its own; the pool closes when the block ends."""
    with open_database(settings, url, name="oms-api") as pool:
        factory = PostgresUnitOfWorkFactory(pool, clock=clock or SystemClock())
        app = create_app(config, factory, ready_check=lambda: _ping(pool), callbacks=callback_endpoint(pool))
        yield ApiRuntime(app, factory, config)


def app_from_environment() -> FastAPI:
    """The app of one ``oms api --workers N`` process (uvicorn imports this by name and calls it in
    each worker): settings from the environment, a pool of its own, closed when the worker stops."""
    from oms.engine.postgres import database_url

    settings = load_settings()
    config = api_config(settings)
    pool = open_pool(
        database_url(), min_size=settings.db_pool_min_size, max_size=settings.db_pool_max_size, name="oms-api"
    )
    factory = PostgresUnitOfWorkFactory(pool, clock=SystemClock())
    return create_app(
        config, factory, ready_check=lambda: _ping(pool), on_shutdown=pool.close, callbacks=callback_endpoint(pool)
    )


def callback_endpoint(pool: ConnectionPool, environ: Mapping[str, str] | None = None) -> CallbackEndpoint | None:
    """``POST /callbacks/{system}`` when ``OMS_CALLBACK_SECRETS`` (JSON: system -> shared secret of
    32+ characters) is set. Provisioning results are recorded on the plan by the application (which
    answers the waiting process); other systems' callbacks go to ``workflow_message_correlation``."""
    env = os.environ if environ is None else environ
    raw = env.get("OMS_CALLBACK_SECRETS")
    if not raw:
        return None
    inbox = ApplicationCallbackInbox(PostgresUnitOfWorkFactory(pool), PostgresCallbackInbox(pool))
    return CallbackEndpoint(inbox, parse_callback_secrets(raw))


def _ping(pool: ConnectionPool) -> None:
    with pool.connection(timeout=2) as conn:
        conn.execute("SELECT 1")


def migrate(url: str) -> None:
    """The engine's schema and the OMS tables (Alembic)."""
    from oms.engine.api import Engine

    with Engine.connect(url):
        pass
    migrate_database(url)


def seed(settings: Settings, url: str, tenant: str) -> CatalogVersionView:
    """Load and activate the demo catalog for ``tenant`` (a no-op when it is already there)."""
    with open_database(settings, url, name="oms-seed") as pool:
        return load_demo_catalog(PostgresUnitOfWorkFactory(pool), tenant)


def dev_tokens(config: ApiConfig, tenant: str = DEV_TENANT, now: datetime | None = None) -> dict[str, str]:
    """Bearer tokens for a sales agent, a customer portal, and the two approver levels of the
    default policy, so a whole quote flow can be driven with curl."""
    if config.jwt_secret is None:
        raise SettingsError("dev tokens need a JWT key")
    people = {
        "agent": Claims(tenant, "agent-1", ActorKind.SALES_AGENT),
        "customer": Claims(tenant, "portal-1", ActorKind.CUSTOMER_CLIENT),
        "manager": Claims(tenant, "manager-1", ActorKind.APPROVER, frozenset({SALES_MANAGER})),
        "director": Claims(tenant, "director-1", ActorKind.APPROVER, frozenset({COMMERCIAL_DIRECTOR})),
    }
    issued_at = now or datetime.now(UTC)
    return {
        name: issue_token(
            config.jwt_secret, claims, issuer=config.jwt_issuer, audience=config.jwt_audience, now=issued_at
        )
        for name, claims in people.items()
    }


def serve(app: FastAPI, host: str, port: int, *, log_level: str = "info") -> None:
    """Blocks until SIGINT/SIGTERM (uvicorn handles both)."""
    import uvicorn

    # Access logs cost more than the request itself at benchmark rates; errors are still logged.
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False, timeout_graceful_shutdown=5)


def serve_workers(host: str, port: int, workers: int, *, log_level: str = "info") -> None:
    """``workers`` processes, each building its app with :func:`app_from_environment`: the GIL
    lets one process use about one core, and a second one keeps a slow request from delaying the
    next one's thread hand-offs."""
    import uvicorn

    uvicorn.run(
        "oms.bootstrap:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=5,
    )
