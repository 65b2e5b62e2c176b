"""Who asks, for which tenant, as part of which conversation: built by the API from the request
(token + headers) or by a worker from the job, and passed to every command and query."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from oms.application.errors import ValidationFailed
from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId

# Tenant ids go into business keys such as ``quote:{tenantId}:{quoteId}:approval:{caseId}``, so a
# ':' (or anything exotic) in one would make two different keys read alike.
_TENANT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@dataclass(frozen=True)
class RequestContext:
    tenant_id: str
    actor: Actor
    correlation_id: str
    request_id: str

    def __post_init__(self) -> None:
        if not isinstance(self.tenant_id, str) or not _TENANT_ID.fullmatch(self.tenant_id):
            raise ValidationFailed(
                f"tenant id {self.tenant_id!r} must be 1-64 letters, digits, '_', '.' or '-'",
                {"tenant_id": str(self.tenant_id)},
            )
        if not self.correlation_id or not self.request_id:
            raise ValidationFailed("a request context needs a correlation id and a request id")

    @classmethod
    def new(cls, tenant_id: str, actor: Actor, correlation_id: str | None = None) -> RequestContext:
        """A context with a fresh request id (and correlation id unless one is carried over)."""
        request_id = str(uuid.uuid4())
        return cls(tenant_id, actor, correlation_id or request_id, request_id)

    @classmethod
    def for_service(cls, tenant_id: str, service_id: str, correlation_id: str | None = None) -> RequestContext:
        """Workers and schedulers act as a service actor of their own name."""
        return cls.new(tenant_id, Actor(ActorKind.SERVICE, ActorId(service_id)), correlation_id)
