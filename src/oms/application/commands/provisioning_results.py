"""The provisioning system's callbacks, recorded on the plan.

One callback answers one request (one task's run). In one transaction: the callback's dedupe record,
the task's result (completed, or failed with its fallout case), and, when no task of the request's
provisioning round is in flight any more, ``order.provisioning.completed`` for the waiting process
(``provisioningOutcome``, ``nextStep``, ``falloutCaseId``). A redelivered callback finds its dedupe
record and changes nothing; a late answer to an earlier run of a task (retried since, or timed out)
is recorded and ignored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import structlog

from oms.application.commands._order_loading import load_plan
from oms.application.commands.fulfillment_steps import complete_with_result, fail_with_fallout
from oms.application.commands.provisioning_rounds import provisioning_completed, round_of
from oms.application.external_systems import LedgerEntry
from oms.application.unit_of_work import UnitOfWork
from oms.domain.fulfillment.tasks import TargetSystem, TaskId, TaskState

PROVISIONING: Final = TargetSystem.PROVISIONING.value
_OPERATIONS: Final = ("provision", "modify", "deprovision")

_log = structlog.get_logger("oms.application")


@dataclass(frozen=True)
class RecordProvisioningResult:
    """``correlation_key`` is the provisioning system's request id (its answer to our request);
    ``details`` may name our ``idempotencyKey`` and ``operation``."""

    callback_id: str
    correlation_key: str
    status: str  # completed, failed
    message_name: str
    message_id: str
    variables: Mapping[str, Any]
    reason_code: str | None = None
    reason: str | None = None
    external_reference: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


def record_provisioning_result(uow: UnitOfWork, request: RecordProvisioningResult) -> str:
    """``recorded``, ``duplicate`` or ``conflict`` (as the callback inbox answers)."""
    receipt = uow.callback_receipts.record(
        system=PROVISIONING,
        callback_id=request.callback_id,
        correlation_key=request.correlation_key,
        message_name=request.message_name,
        message_id=request.message_id,
        variables=dict(request.variables),
    )
    if receipt != "recorded":
        return receipt
    entry = _request_of(uow, request)
    log = _log.bind(callbackId=request.callback_id, externalCorrelationId=request.correlation_key)
    if entry is None or entry.plan_id is None or entry.task_id is None:
        log.warning("provisioning callback names no request of ours: recorded, nothing to do")
        return receipt
    plan = load_plan(uow, entry.plan_id, for_update=True)
    task_id = TaskId(entry.task_id)
    task = plan.task(task_id) if task_id in plan.task_ids else None
    current = (
        task is not None
        and task.state is TaskState.IN_PROGRESS
        and task.external_request is not None
        and task.external_request.idempotency_key == entry.idempotency_key
    )
    log = log.bind(idempotencyKey=entry.idempotency_key, taskId=entry.task_id, planId=entry.plan_id)
    if not current:
        log.info("late provisioning callback: the task has moved on since this request; ignored")
        return receipt
    if request.status == "completed":
        reference = request.external_reference or _response_field(entry, "serviceId")
        complete_with_result(uow, plan, task_id, reference, {"requestId": request.correlation_key})
    else:
        code = request.reason_code or "provisioningFailed"
        fail_with_fallout(
            uow,
            plan,
            task_id,
            code=code,
            message=request.reason or f"provisioning reported {request.status}",
            details={"reasonCode": code, "requestId": request.correlation_key},
        )
    round_id = round_of(entry)
    if round_id is not None:
        provisioning_completed(uow, plan, round_id)
    log.info("provisioning result recorded", status=request.status, provisioningRequestId=round_id)
    return receipt


def _request_of(uow: UnitOfWork, request: RecordProvisioningResult) -> LedgerEntry | None:
    """Our request the callback answers: by the idempotency key it names, when its stored answer (if
    any yet: a callback may overtake the recording of the 202) carries the same request id; else by
    the request id in the stored answers."""
    key = request.details.get("idempotencyKey")
    if isinstance(key, str) and key:
        operation = request.details.get("operation")
        operations = (operation,) if isinstance(operation, str) and operation in _OPERATIONS else _OPERATIONS
        for name in operations:
            entry = uow.external_calls.find(PROVISIONING, name, key)
            if entry is not None and _response_field(entry, "requestId") in (None, request.correlation_key):
                return entry
    return uow.external_calls.find_by_response(PROVISIONING, "requestId", request.correlation_key)


def _response_field(entry: LedgerEntry, name: str) -> str | None:
    value = (entry.response or {}).get(name)
    return None if value is None else str(value)
