"""Signal broadcast."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from oms.engine.rest.schemas.common import TENANT_PATTERN, ApiModel


class SignalBroadcastRequest(ApiModel):
    signal_name: str
    variables: dict[str, Any] | None = None
    tenant_id: str | None = Field(default=None, pattern=TENANT_PATTERN)


class SignalBroadcastResult(ApiModel):
    tenant_id: str
    signal_key: str
