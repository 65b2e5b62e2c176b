"""``Idempotency-Key`` semantics for every POST.

Rules (docs/cpq-persistence.md):
- the key is scoped to (tenant, actor): another caller's key is another key;
- the first request with a key runs the command; its result is stored with the key and a hash of
  the request **in the command's own transaction**, so a key is recorded if and only if the
  command's change committed (a failed command stores nothing and can be retried);
- the same key with the same request hash returns the stored result again, without running the
  command (``replayed=True``);
- the same key with another request hash raises ``IdempotencyConflict`` (HTTP 422);
- two concurrent requests with one key: the second waits for the first transaction and then
  replays (or runs, if the first rolled back); never both run."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from oms.application.context import RequestContext
from oms.application.errors import IdempotencyConflict, ValidationFailed
from oms.application.runner import domain_errors_translated
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory

Json = dict[str, Any]
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class IdempotentOutcome:
    result: Json
    replayed: bool  # True when the result is the stored one of an earlier request


def request_fingerprint(operation: str, body: object) -> str:
    """A stable hash of what was asked: the operation (e.g. ``POST /quote``) and the body as
    canonical JSON, so key order and whitespace do not make two equal requests differ."""
    canonical = json.dumps({"operation": operation, "body": body}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def run_idempotent(
    uow_factory: UnitOfWorkFactory,
    ctx: RequestContext,
    key: str,
    request_hash: str,
    command: Callable[[UnitOfWork], Json],
) -> IdempotentOutcome:
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed(f"an idempotency key has 1 to {MAX_KEY_LENGTH} characters", {"length": len(key)})
    with domain_errors_translated(), uow_factory(ctx) as uow:
        stored = uow.idempotency.claim(key, request_hash)
        if stored is not None:
            stored_hash, stored_result = stored
            if stored_hash != request_hash:
                raise IdempotencyConflict(key)
            # A claimed key without a result is never visible: claim and result commit together.
            assert stored_result is not None
            return IdempotentOutcome(stored_result, replayed=True)
        result = command(uow)
        uow.idempotency.complete(key, result)
        uow.commit()
        return IdempotentOutcome(result, replayed=False)
