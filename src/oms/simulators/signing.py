"""How the simulated provisioning system signs its callbacks: the OMS's documented scheme
(docs/relays.md), implemented here on its own as an external system would: HMAC-SHA256 over
``"{unix seconds}.{raw body}"``, sent as ``X-Callback-Signature: t=<unix seconds>,v1=<hex>``."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Callback-Signature"


def signature(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
