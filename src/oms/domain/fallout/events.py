"""Facts about fallout cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NewType

from oms.domain.fulfillment.tasks import PlanId, TaskId
from oms.domain.shared.events import DomainEvent
from oms.domain.shared.ids import ActorId, OrderId, OrderItemId

FalloutCaseId = NewType("FalloutCaseId", str)


@dataclass(frozen=True)
class FalloutCaseOpened(DomainEvent):
    case_id: FalloutCaseId
    order_id: OrderId
    plan_id: PlanId
    task_id: TaskId
    item_id: OrderItemId
    category: str
    reason: str
    opened_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class FalloutCaseAssigned(DomainEvent):
    case_id: FalloutCaseId
    assignee: ActorId
    assigned_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class FalloutRepairDataUpdated(DomainEvent):
    case_id: FalloutCaseId
    keys: tuple[str, ...]
    updated_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class FalloutCaseResolved(DomainEvent):
    """Repaired: the order can leave ``held`` once no other case holds it."""

    case_id: FalloutCaseId
    order_id: OrderId
    task_id: TaskId
    repair: str
    repaired_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class FalloutCaseCancelled(DomainEvent):
    """Given up: ``repair`` is ``cancelOrder`` when the operator decided to cancel the order,
    ``None`` when the case was withdrawn as moot."""

    case_id: FalloutCaseId
    order_id: OrderId
    task_id: TaskId
    repair: str | None
    reason: str
    cancelled_by: ActorId
    occurred_at: datetime
