"""Typed settings, read from the environment by :func:`load_settings` when a process starts.

Nothing here runs at import time: ``bootstrap`` (or a test) calls ``load_settings`` and passes the
object on. Secrets refuse placeholders, so a deployment cannot start with a default key."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

_PREFIX = "OMS_"
_PLACEHOLDERS = frozenset({"", "changethis", "changeme", "secret", "password"})


class SettingsError(ValueError):
    """The environment holds a value that cannot be used; the message names the variable."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # None means "start the embedded PostgreSQL" (the CLI decides; see oms.engine.postgres).
    database_url: str | None = None
    db_pool_min_size: Annotated[int, Field(ge=1)] = 1
    db_pool_max_size: Annotated[int, Field(ge=1)] = 10
    # HS256 key for the API's bearer tokens; None only where no API runs (workers, relays, tests).
    jwt_secret: SecretStr | None = None
    jwt_issuer: str = "oms"
    jwt_audience: str = "oms-api"
    quote_validity_days: Annotated[int, Field(ge=1, le=365)] = 30
    # External systems the fulfillment workers call (docs/workers.md). ``simulators_url`` is the
    # default of the three (``oms simulators`` serves them all); None: that system is not configured.
    simulators_url: str | None = None
    inventory_url: str | None = None
    provisioning_url: str | None = None
    billing_url: str | None = None
    logistics_url: str | None = None
    field_service_url: str | None = None
    external_timeout_s: Annotated[float, Field(gt=0, le=300)] = 10.0

    @field_validator("jwt_secret")
    @classmethod
    def _no_placeholder_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        secret = value.get_secret_value()
        if secret.lower() in _PLACEHOLDERS:
            raise ValueError("is a placeholder; set a real secret")
        if len(secret) < 32:
            raise ValueError("is shorter than 32 characters")
        return value


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``OMS_*`` variables (``OMS_DATABASE_URL``, ``OMS_JWT_SECRET`` …) of
    ``environ`` (the process environment when omitted). Unknown ``OMS_*`` names are ignored,
    because other parts of the system (the engine, the tests) read variables of their own."""
    env = os.environ if environ is None else environ
    fields = Settings.model_fields
    values = {
        name[len(_PREFIX) :].lower(): value
        for name, value in env.items()
        if name.startswith(_PREFIX) and name[len(_PREFIX) :].lower() in fields
    }
    try:
        settings = Settings.model_validate(values)
    except ValidationError as error:
        problems = "; ".join(
            f"{_PREFIX}{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in error.errors()
        )
        raise SettingsError(problems) from None
    if settings.db_pool_max_size < settings.db_pool_min_size:
        raise SettingsError(f"{_PREFIX}DB_POOL_MAX_SIZE is below {_PREFIX}DB_POOL_MIN_SIZE")
    return settings
