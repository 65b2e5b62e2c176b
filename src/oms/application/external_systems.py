"""The external systems fulfillment talks to, as the application sees them: one port (``send`` an
operation with its idempotency key), the three ways a call can go wrong, and the ledger of calls
(``external_call_attempt``) that makes every side effect happen once.

The HTTP clients (``oms.integration``) live outside the application layer; the workers adapt them to
:class:`ExternalSystems` and translate their errors into the ones below, so the commands never see
HTTP."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

Json = dict[str, Any]


class ExternalCallError(Exception):
    def __init__(self, system: str, operation: str, message: str) -> None:
        super().__init__(f"{system} {operation}: {message}")
        self.system = system
        self.operation = operation
        self.message = message


class ExternalTransient(ExternalCallError):
    """Timeout, 5xx, connection refused: the request may or may not have been acted on; sending it
    again with the same idempotency key is safe. ``retry_after_s`` is the system's hint, if any."""

    def __init__(self, system: str, operation: str, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(system, operation, message)
        self.retry_after_s = retry_after_s


class ExternalRejection(ExternalCallError):
    """The system understood the request and refused it for a business reason (``reason_code``):
    the same request gets the same answer, so the task falls out."""

    def __init__(self, system: str, operation: str, reason_code: str, reason: str = "") -> None:
        super().__init__(system, operation, f"rejected ({reason_code}) {reason}".rstrip())
        self.reason_code = reason_code
        self.reason = reason


class ExternalRefused(ExternalCallError):
    """The request cannot work as sent (configuration, credentials, no adapter for the system, an
    unreadable answer): retrying does not help, an operator must look (an incident)."""


class ExternalSystems(Protocol):
    def send(self, system: str, operation: str, idempotency_key: str, request: Mapping[str, Any]) -> Json:
        """Perform ``operation`` of ``system`` (e.g. ``inventory``/``reserve``); the answer as a JSON
        object (ids, status, ``replayed``). Raises the errors above."""
        ...


class CallStatus(StrEnum):
    PENDING = "pending"  # recorded before the call; the call may or may not have happened
    SUCCEEDED = "succeeded"  # the system took it: ``response`` is its answer
    FAILED = "failed"  # the system refused it for a business reason: ``response`` says why
    UNKNOWN = "unknown"  # the call could not be made as configured (an incident); retried as pending

    @property
    def is_final(self) -> bool:
        return self in (CallStatus.SUCCEEDED, CallStatus.FAILED)


@dataclass(frozen=True)
class ExternalCall:
    """One side-effecting call, unique per (tenant, system, operation, idempotency key)."""

    target_system: str
    operation: str
    idempotency_key: str
    request: Json
    order_id: str | None = None
    plan_id: str | None = None
    task_id: str | None = None


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    target_system: str
    operation: str
    idempotency_key: str
    status: CallStatus
    attempts: int
    request: Json = field(default_factory=dict)
    response: Json | None = None
    order_id: str | None = None
    plan_id: str | None = None
    task_id: str | None = None
    last_error: str | None = None


class ExternalCallLedger(Protocol):
    def begin(self, call: ExternalCall) -> LedgerEntry:
        """The entry of ``call`` (written now as pending, or the one recorded before), locked for this
        transaction. An attempt is counted unless the entry is final: then the stored answer stands
        and the call must not be made again."""
        ...

    def record_success(self, entry_id: int, response: Json) -> LedgerEntry: ...

    def record_rejection(self, entry_id: int, response: Json) -> LedgerEntry: ...

    def record_error(self, entry_id: int, error: str, *, status: CallStatus = CallStatus.PENDING) -> LedgerEntry:
        """A failed attempt that is not an answer (transient, or refused as configured)."""
        ...

    def find(self, target_system: str, operation: str, idempotency_key: str) -> LedgerEntry | None: ...

    def find_by_response(self, target_system: str, name: str, value: str) -> LedgerEntry | None:
        """The entry whose stored answer has ``name`` = ``value`` (e.g. the provisioning request id a
        callback names)."""
        ...

    def of_plan(self, plan_id: str, target_system: str | None = None) -> Sequence[LedgerEntry]:
        """Every entry of the plan's tasks, oldest first."""
        ...


class CallbackReceipts(Protocol):
    def record(
        self,
        *,
        system: str,
        callback_id: str,
        correlation_key: str,
        message_name: str,
        message_id: str,
        variables: Json,
    ) -> str:
        """The dedupe record of a callback the application handles itself (no engine message is
        published for it): ``recorded`` the first time, ``duplicate`` when this callback was recorded
        before, ``conflict`` when another callback answered the same key (or this id another key)."""
        ...
