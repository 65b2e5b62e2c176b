"""Optional authentication, the way Camunda's REST gateway does it: none when not configured
(fit for loopback only), else HTTP Basic for known users and/or Bearer for known tokens.

A real cluster validates JWTs from an identity provider; the embedded engine accepts the static
bearer tokens it was configured with (e.g. one per service), which covers machine-to-machine use.
Comparisons run in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from fastapi import Request

from oms.engine.rest.errors import ApiProblem


@dataclass(frozen=True)
class AuthConfig:
    basic_users: Mapping[str, str] = field(default_factory=dict)  # username -> password
    bearer_tokens: frozenset[str] = frozenset()

    @property
    def enabled(self) -> bool:
        return bool(self.basic_users or self.bearer_tokens)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AuthConfig:
        """``OMS_ENGINE_BASIC_AUTH=user:password[,user2:password2]``, ``OMS_ENGINE_BEARER_TOKENS=t1[,t2]``."""
        env = os.environ if environ is None else environ
        users: dict[str, str] = {}
        for entry in filter(None, (part.strip() for part in env.get("OMS_ENGINE_BASIC_AUTH", "").split(","))):
            username, sep, password = entry.partition(":")
            if not sep or not username:
                raise ValueError("OMS_ENGINE_BASIC_AUTH expects user:password pairs separated by commas")
            users[username] = password
        tokens = frozenset(filter(None, (t.strip() for t in env.get("OMS_ENGINE_BEARER_TOKENS", "").split(","))))
        return cls(basic_users=users, bearer_tokens=tokens)

    def check(self, authorization: str | None) -> None:
        """Accept the request or raise a 401 problem with the challenges Camunda sends."""
        if not self.enabled:
            return
        scheme, _, credentials = (authorization or "").partition(" ")
        if scheme.lower() == "basic" and self.basic_users and self._basic_ok(credentials.strip()):
            return
        if scheme.lower() == "bearer" and self.bearer_tokens and self._bearer_ok(credentials.strip()):
            return
        challenges = []
        if self.basic_users:
            challenges.append('Basic realm="camunda"')
        if self.bearer_tokens:
            challenges.append('Bearer realm="camunda"')
        raise ApiProblem(
            401,
            "Unauthorized",
            "The request lacks valid authentication credentials.",
            headers={"WWW-Authenticate": ", ".join(challenges)},
        )

    def _basic_ok(self, credentials: str) -> bool:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        username, _, password = decoded.partition(":")
        expected = self.basic_users.get(username)
        return expected is not None and hmac.compare_digest(expected.encode(), password.encode())

    def _bearer_ok(self, token: str) -> bool:
        # Check every token, so the time taken does not tell which prefix matched.
        return any([hmac.compare_digest(token.encode(), known.encode()) for known in self.bearer_tokens])


async def require_auth(request: Request) -> None:
    """Router dependency: the app's AuthConfig decides."""
    config: AuthConfig = request.app.state.auth
    config.check(request.headers.get("authorization"))
