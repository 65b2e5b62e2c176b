"""Callbacks from external systems: what one says, how it is authenticated, what message it becomes.

No I/O here: the HTTP edge (``POST /callbacks/{system}``) validates and authenticates with these
functions and hands the callback to a :class:`CallbackInbox`; the store implements the inbox.

Authentication is a per-system shared secret that never travels: the sender signs
``"{timestamp}.{raw body}"`` with HMAC-SHA256 and sends ``X-Callback-Signature: t=<unix seconds>,
v1=<hex digest>``. The receiver recomputes it and refuses a signature older or newer than the
tolerance (a captured request cannot be replayed later). A redelivery is signed anew.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final, Protocol

SIGNATURE_HEADER: Final = "X-Callback-Signature"
SIGNATURE_TOLERANCE_S: Final = 300
MIN_SECRET_LENGTH: Final = 32

#: the systems that may call back, and the part of the message name that names them
SYSTEM_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
_PLACEHOLDERS = frozenset({"changethis", "changeme", "secret", "password"})


def message_name_for(system: str) -> str:
    """The engine message a callback of ``system`` becomes: ``provisioning`` → ``provisioning.callback``.
    A BPMN catch event waits for it with the correlation key the worker sent to the system."""
    return f"{system}.callback"


def message_id_for(system: str, tenant_id: str, callback_id: str) -> str:
    """The message id of a callback: the same callback always publishes the same message id, so the
    engine refuses a second publication while the first is buffered."""
    return f"{system}:{tenant_id}:{callback_id}"


def variable_name_for(system: str) -> str:
    """The process variable a callback's outcome arrives in: ``provisioning`` → ``provisioningCallback``."""
    head, *rest = system.split("-")
    return head + "".join(part.capitalize() for part in rest) + "Callback"


class CallbackStatus(StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True)
class Callback:
    """One callback as received: ``callback_id`` is the sender's id of this notification (a
    redelivery repeats it); ``correlation_key`` is what the OMS gave the system to call back with (the
    request's idempotency key)."""

    system: str
    tenant_id: str
    callback_id: str
    correlation_key: str
    status: CallbackStatus
    reason_code: str | None = None
    reason: str | None = None
    external_reference: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    correlation_id: str = ""

    @property
    def message_name(self) -> str:
        return message_name_for(self.system)

    @property
    def message_id(self) -> str:
        return message_id_for(self.system, self.tenant_id, self.callback_id)

    def variables(self) -> dict[str, Any]:
        """Routing context for the process (the outcome and ids), never the whole payload."""
        outcome: dict[str, Any] = {"callbackId": self.callback_id, "status": self.status.value}
        for name, value in (
            ("reasonCode", self.reason_code),
            ("reason", self.reason),
            ("externalReference", self.external_reference),
        ):
            if value is not None:
                outcome[name] = value
        return {variable_name_for(self.system): outcome}


class Receipt(StrEnum):
    RECORDED = "recorded"  # first time: will be published
    DUPLICATE = "duplicate"  # this callback was recorded before: acknowledged, ignored
    CONFLICT = "conflict"  # another callback already answered this correlation key (or reused this id)


class CallbackInbox(Protocol):
    def record(self, callback: Callback) -> Receipt:
        """Record ``callback`` durably (one transaction) for the message relay."""
        ...


# ---------------------------------------------------------------------------------------- secrets


class InvalidCallbackSecrets(ValueError):
    """``OMS_CALLBACK_SECRETS`` is unusable; the message says why (never the secret)."""


def parse_callback_secrets(raw: str) -> dict[str, str]:
    """``{"provisioning": "<at least 32 characters>", ...}``: the systems allowed to call back."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise InvalidCallbackSecrets(f"OMS_CALLBACK_SECRETS is not JSON: {error}") from None
    if not isinstance(data, dict) or not data:
        raise InvalidCallbackSecrets("OMS_CALLBACK_SECRETS must be a JSON object of system -> secret")
    secrets: dict[str, str] = {}
    for system, secret in data.items():
        if not SYSTEM_NAME.match(system):
            raise InvalidCallbackSecrets(f"OMS_CALLBACK_SECRETS: {system!r} is not a system name ([a-z][a-z0-9-]*)")
        if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH or secret.lower() in _PLACEHOLDERS:
            raise InvalidCallbackSecrets(
                f"OMS_CALLBACK_SECRETS: the secret of {system!r} must be a string of {MIN_SECRET_LENGTH}+ characters"
            )
        secrets[system] = secret
    return secrets


# ---------------------------------------------------------------------------------------- signature


class InvalidSignature(Exception):
    """The signature header is missing, malformed, stale or wrong; the message says which."""


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign_callback(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-Callback-Signature`` value for ``body`` sent at ``timestamp`` (unix seconds)."""
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def verify_signature(
    secret: str, body: bytes, header: str | None, *, now: float, tolerance_s: int = SIGNATURE_TOLERANCE_S
) -> None:
    if not header:
        raise InvalidSignature(f"no {SIGNATURE_HEADER} header")
    parts = dict(part.strip().partition("=")[::2] for part in header.split(","))
    timestamp_text, digest = parts.get("t", ""), parts.get("v1", "")
    if not timestamp_text.isdigit() or not digest:
        raise InvalidSignature(f"{SIGNATURE_HEADER} must read t=<unix seconds>,v1=<hex HMAC-SHA256>")
    timestamp = int(timestamp_text)
    if abs(now - timestamp) > tolerance_s:
        raise InvalidSignature(f"the signature's time is more than {tolerance_s} s away from ours")
    if not hmac.compare_digest(digest, _digest(secret, timestamp, body)):
        raise InvalidSignature("the signature does not match the body")
