"""A side-effecting call through the ledger (``external_call_attempt``).

The caller has begun the entry (``uow.external_calls.begin``) in the transaction that also started
the task and recorded its request, and committed it: the attempt is durable **before** the call.
Then :func:`call_through_ledger` either answers from the ledger (the call was answered before: a
redelivered job never repeats a side effect that succeeded) or makes the call and commits its
outcome in a transaction of its own, before anything else happens with it. The task changes that
follow (complete, fail) are the caller's next transaction: if that one fails, the answer is not
lost, and the retried job takes it from the ledger.

    answer = call_through_ledger(factory, ctx, systems, entry)
    answer.rejected, answer.response, answer.from_ledger
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from oms.application.context import RequestContext
from oms.application.external_systems import (
    CallStatus,
    ExternalRefused,
    ExternalRejection,
    ExternalSystems,
    ExternalTransient,
    Json,
    LedgerEntry,
)
from oms.application.runner import run_command
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class CallAnswer:
    entry: LedgerEntry
    response: Json
    rejected: bool  # a business rejection: ``response`` has ``reasonCode`` and ``reason``
    from_ledger: bool  # answered before: no call was made now

    @property
    def reason_code(self) -> str:
        return str(self.response.get("reasonCode") or "rejected")

    @property
    def reason(self) -> str:
        return str(self.response.get("reason") or "")


def rejection_response(error: ExternalRejection) -> Json:
    return {"reasonCode": error.reason_code, "reason": error.reason}


def call_through_ledger(
    uow_factory: UnitOfWorkFactory,
    ctx: RequestContext,
    systems: ExternalSystems,
    entry: LedgerEntry,
    *,
    on_transient: Callable[[UnitOfWork, ExternalTransient], None] | None = None,
) -> CallAnswer:
    """The answer to ``entry``'s call: from the ledger when it was answered before, else from the
    system (and then recorded). Transient failures are recorded (with ``on_transient`` in the same
    transaction, e.g. the task's technical failure) and raised; so are refusals (status unknown)."""
    if entry.status is CallStatus.SUCCEEDED:
        return CallAnswer(entry, dict(entry.response or {}), rejected=False, from_ledger=True)
    if entry.status is CallStatus.FAILED:
        return CallAnswer(entry, dict(entry.response or {}), rejected=True, from_ledger=True)
    try:
        response = systems.send(entry.target_system, entry.operation, entry.idempotency_key, entry.request)
    except ExternalRejection as error:
        answer = rejection_response(error)
        stored = run_command(uow_factory, ctx, lambda uow: uow.external_calls.record_rejection(entry.id, answer))
        return CallAnswer(stored, dict(stored.response or {}), rejected=True, from_ledger=False)
    except ExternalTransient as error:
        _record_failure(uow_factory, ctx, entry, error, CallStatus.PENDING, on_transient)
        raise
    except ExternalRefused as error:
        _record_failure(uow_factory, ctx, entry, error, CallStatus.UNKNOWN, None)
        raise
    stored = run_command(uow_factory, ctx, lambda uow: uow.external_calls.record_success(entry.id, response))
    return CallAnswer(stored, dict(response), rejected=False, from_ledger=False)


def _record_failure(
    uow_factory: UnitOfWorkFactory,
    ctx: RequestContext,
    entry: LedgerEntry,
    error: ExternalTransient | ExternalRefused,
    status: CallStatus,
    on_transient: Callable[[UnitOfWork, ExternalTransient], None] | None,
) -> None:
    def record(uow: UnitOfWork) -> None:
        uow.external_calls.record_error(entry.id, str(error), status=status)
        if on_transient is not None and isinstance(error, ExternalTransient):
            on_transient(uow, error)

    run_command(uow_factory, ctx, record)
