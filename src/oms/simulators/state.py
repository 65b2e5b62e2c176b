"""The simulators' memory: answers by idempotency key, the call log, and each system's records.

All of it lives in memory (a restart forgets everything) and is touched only from the server's
event loop, between awaits, so a check and the write after it never interleave with another request.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from oms.simulators.config import REJECT_MARKER, Rejection, SimulatorConfig, System


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    operation: str


@dataclass
class CallRecord:
    system: str
    operation: str
    idempotency_key: str
    attempt: int
    status: int
    replayed: bool
    at: str
    body: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {
            "system": data["system"],
            "operation": data["operation"],
            "idempotencyKey": data["idempotency_key"],
            "attempt": data["attempt"],
            "status": data["status"],
            "replayed": data["replayed"],
            "at": data["at"],
            "body": data["body"],
        }


@dataclass
class CallbackDelivery:
    system: str
    callback_id: str
    correlation_key: str
    url: str
    attempt: int
    status: int | None
    error: str | None
    at: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "callbackId": self.callback_id,
            "correlationKey": self.correlation_key,
            "url": self.url,
            "attempt": self.attempt,
            "status": self.status,
            "error": self.error,
            "at": self.at,
        }


def now_text() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class SimulatorState:
    config: SimulatorConfig
    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)
    attempts: Counter[tuple[str, str]] = field(default_factory=Counter)
    calls: list[CallRecord] = field(default_factory=list)
    deliveries: list[CallbackDelivery] = field(default_factory=list)
    #: per system: id -> record (reservations, services, subscriptions)
    records: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {system.value: {} for system in System}
    )

    def reset(self) -> None:
        self.answers.clear()
        self.attempts.clear()
        self.calls.clear()
        self.deliveries.clear()
        for records in self.records.values():
            records.clear()

    # ------------------------------------------------------------------ deterministic decisions

    def _random(self, *parts: object) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.config.seed, *parts)))

    def new_id(self, prefix: str, system: System, key: str) -> str:
        """An id derived from the seed and the idempotency key: the same request, the same id."""
        digest = hashlib.sha256(f"{self.config.seed}:{system}:{key}".encode()).hexdigest()
        return f"{prefix}-{digest[:16]}"

    def next_attempt(self, system: System, key: str) -> int:
        self.attempts[(system.value, key)] += 1
        return self.attempts[(system.value, key)]

    def transient_failure(self, system: System, key: str, attempt: int) -> bool:
        config = self.config.system(system)
        if attempt <= config.fail_first_attempts:
            return True
        rate = config.transient_failure_rate
        return rate > 0 and self._random(system, key, attempt).random() < rate

    def rejection(
        self, system: System, operation: str, key: str, characteristics: dict[str, Any], phase: str
    ) -> Rejection | None:
        for rule in self.config.system(system).rejections:
            if rule.phase == phase and rule.matches(operation, key, characteristics):
                return rule
        if phase == "request":
            for name, value in characteristics.items():
                if isinstance(value, str) and value.startswith(REJECT_MARKER):
                    code = value[len(REJECT_MARKER) :] or "rejected"
                    return Rejection(reason_code=code, reason=f"characteristic {name} asks for a rejection")
        return None

    # ------------------------------------------------------------------ the log

    def log_call(
        self, system: System, operation: str, key: str, attempt: int, status: int, replayed: bool, body: dict[str, Any]
    ) -> None:
        self.calls.append(CallRecord(system.value, operation, key, attempt, status, replayed, now_text(), body))

    def calls_of(self, system: str | None = None, key: str | None = None) -> list[CallRecord]:
        return [
            c
            for c in self.calls
            if (system is None or c.system == system) and (key is None or c.idempotency_key == key)
        ]
