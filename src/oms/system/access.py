"""Bearer tokens for the people of a tenant, signed with the running system's key: what ``oms dev``
prints and what the demo, the scenarios and the benchmark send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from oms.api.auth import Claims, issue_token
from oms.api.config import ApiConfig
from oms.domain.approval.policy import COMMERCIAL_DIRECTOR, SALES_MANAGER
from oms.domain.shared.actors import ActorKind

#: who gets a token, by the name ``oms dev`` prints (``OMS_<NAME>_TOKEN``)
PEOPLE: dict[str, tuple[str, ActorKind, frozenset[str]]] = {
    "agent": ("agent-1", ActorKind.SALES_AGENT, frozenset()),
    "customer": ("portal-1", ActorKind.CUSTOMER_CLIENT, frozenset()),
    "manager": ("manager-1", ActorKind.APPROVER, frozenset({SALES_MANAGER})),
    "director": ("director-1", ActorKind.APPROVER, frozenset({COMMERCIAL_DIRECTOR})),
    "operator": ("operator-1", ActorKind.OPERATOR, frozenset()),
}


def tokens(
    config: ApiConfig, tenant: str, *, now: datetime | None = None, ttl: timedelta = timedelta(hours=12)
) -> dict[str, str]:
    """One token per entry of :data:`PEOPLE`, for ``tenant``."""
    if config.jwt_secret is None:
        raise ValueError("tokens need the API's JWT key")
    issued_at = now or datetime.now(UTC)
    return {
        name: issue_token(
            config.jwt_secret,
            Claims(tenant, subject, kind, roles),
            issuer=config.jwt_issuer,
            audience=config.jwt_audience,
            now=issued_at,
            ttl=ttl,
        )
        for name, (subject, kind, roles) in PEOPLE.items()
    }
