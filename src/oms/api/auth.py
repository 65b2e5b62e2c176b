"""Who is calling: bearer JWTs (HS256, signed with the configured key) and, for development, API
keys that stand for the same claims. Both end as :class:`Claims`, which become the request's
``RequestContext`` in ``deps.py``.

Claims: ``tenant`` (the tenant id), ``sub`` (the actor id), ``actor_kind`` (customer_client,
sales_agent, approver, operator, service), ``roles`` (e.g. ``sales_manager``); ``iss``, ``aud`` and
``exp`` are required and checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import jwt

from oms.domain.shared.actors import Actor, ActorKind
from oms.domain.shared.ids import ActorId

ALGORITHM = "HS256"


class AuthenticationFailed(Exception):
    """The credentials are missing or not valid (HTTP 401); the message says which."""


@dataclass(frozen=True)
class Claims:
    tenant: str
    sub: str
    actor_kind: ActorKind
    roles: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_mapping(cls, data: object) -> Claims:
        if not isinstance(data, Mapping):
            raise ValueError("claims must be an object")
        tenant, sub, kind, roles = data.get("tenant"), data.get("sub"), data.get("actor_kind"), data.get("roles", [])
        if not isinstance(tenant, str) or not tenant:
            raise ValueError("claim 'tenant' must be a non-empty string")
        if not isinstance(sub, str) or not sub:
            raise ValueError("claim 'sub' must be a non-empty string")
        if kind not in set(ActorKind):
            raise ValueError(f"claim 'actor_kind' must be one of {', '.join(ActorKind)}")
        if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
            raise ValueError("claim 'roles' must be a list of strings")
        return cls(tenant, sub, ActorKind(kind), frozenset(roles))

    def actor(self) -> Actor:
        return Actor(self.actor_kind, ActorId(self.sub), self.roles)


@dataclass(frozen=True)
class TokenVerifier:
    secret: str | None
    issuer: str
    audience: str
    api_keys: Mapping[str, Claims]

    def from_bearer(self, token: str) -> Claims:
        if self.secret is None:
            raise AuthenticationFailed("bearer tokens are not accepted: no signing key is configured")
        try:
            payload = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],  # pinned: never trust the token's own "alg"
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthenticationFailed("the bearer token has expired") from None
        except jwt.InvalidTokenError as error:
            raise AuthenticationFailed(f"the bearer token is not valid: {error}") from None
        try:
            return Claims.from_mapping(payload)
        except ValueError as error:
            raise AuthenticationFailed(f"the bearer token's claims are not valid: {error}") from None

    def from_api_key(self, key: str) -> Claims:
        claims = self.api_keys.get(key)
        if claims is None:
            raise AuthenticationFailed("the API key is not known")
        return claims


def issue_token(
    secret: str, claims: Claims, *, issuer: str, audience: str, now: datetime, ttl: timedelta = timedelta(hours=12)
) -> str:
    """A signed bearer token for ``claims`` (``oms dev`` prints one; tests and benchmarks use it)."""
    payload: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "sub": claims.sub,
        "tenant": claims.tenant,
        "actor_kind": str(claims.actor_kind),
        "roles": sorted(claims.roles),
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)
