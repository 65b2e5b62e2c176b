"""The fallout case's statuses, commands and the edges between them.

A fallout case is a business exception of one fulfillment task (the target system refused, data
is wrong, no resource is free) waiting for an operator's repair. It is not an incident: an
incident is a technical stop of the process and is resolved in the engine."""

from __future__ import annotations

from enum import StrEnum


class FalloutStatus(StrEnum):
    OPEN = "open"
    IN_REPAIR = "inRepair"  # an operator took it
    RESOLVED = "resolved"  # repaired: task retried, completed by hand or skipped
    CANCELLED = "cancelled"  # the order is given up, or the case became moot (withdrawn)

    @property
    def is_final(self) -> bool:
        return self in (FalloutStatus.RESOLVED, FalloutStatus.CANCELLED)


class FalloutCategory(StrEnum):
    DATA_ERROR = "dataError"  # wrong or missing order data (address, characteristic value)
    RESOURCE_UNAVAILABLE = "resourceUnavailable"  # no port, address or device free
    EXTERNAL_REJECTION = "externalRejection"  # the target system refused for a business reason
    COMPENSATION_FAILED = "compensationFailed"  # undoing a task during a cancellation failed
    OTHER = "other"


class RepairKind(StrEnum):
    RETRY = "retryTask"
    COMPLETE_MANUALLY = "completeManually"
    SKIP = "skipTask"
    CANCEL_ORDER = "cancelOrder"


class FalloutAction(StrEnum):
    ASSIGN = "assign"
    UPDATE_REPAIR_DATA = "update repair data"
    RETRY = "retry the task"
    COMPLETE_MANUALLY = "complete the task manually"
    SKIP = "skip the task"
    CANCEL_ORDER = "cancel the order"
    WITHDRAW = "withdraw"


F = FalloutStatus
FALLOUT_EDGES: frozenset[tuple[FalloutStatus, FalloutStatus]] = frozenset(
    {
        (F.OPEN, F.IN_REPAIR),
        (F.OPEN, F.RESOLVED),
        (F.IN_REPAIR, F.RESOLVED),
        (F.OPEN, F.CANCELLED),
        (F.IN_REPAIR, F.CANCELLED),
    }
)

_LIVE = frozenset({F.OPEN, F.IN_REPAIR})
FALLOUT_ALLOWED_FROM: dict[FalloutAction, frozenset[FalloutStatus]] = dict.fromkeys(FalloutAction, _LIVE)

# Where each command leads (None: the status does not change; assign from inRepair re-assigns).
FALLOUT_TARGET: dict[FalloutAction, FalloutStatus | None] = {
    FalloutAction.ASSIGN: F.IN_REPAIR,
    FalloutAction.UPDATE_REPAIR_DATA: None,
    FalloutAction.RETRY: F.RESOLVED,
    FalloutAction.COMPLETE_MANUALLY: F.RESOLVED,
    FalloutAction.SKIP: F.RESOLVED,
    FalloutAction.CANCEL_ORDER: F.CANCELLED,
    FalloutAction.WITHDRAW: F.CANCELLED,
}
