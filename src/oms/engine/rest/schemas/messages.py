"""Message publication and correlation."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from oms.engine.rest.schemas.common import TENANT_PATTERN, ApiModel


class MessagePublicationRequest(ApiModel):
    name: str
    correlation_key: str = ""
    time_to_live: int = 0
    message_id: str | None = None
    variables: dict[str, Any] | None = None
    tenant_id: str | None = Field(default=None, pattern=TENANT_PATTERN)
    business_id: str | None = None


class MessagePublicationResult(ApiModel):
    tenant_id: str
    message_key: str


class MessageCorrelationRequest(ApiModel):
    name: str
    correlation_key: str = ""
    variables: dict[str, Any] | None = None
    tenant_id: str | None = Field(default=None, pattern=TENANT_PATTERN)
    business_id: str | None = None


class MessageCorrelationResult(ApiModel):
    tenant_id: str
    message_key: str
    process_instance_key: str
