"""Facts about fulfillment plans and their tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from oms.domain.fulfillment.tasks import PlanId, TaskId
from oms.domain.shared.events import DomainEvent
from oms.domain.shared.ids import ActorId, OrderId, OrderItemId


@dataclass(frozen=True)
class FulfillmentPlanCreated(DomainEvent):
    plan_id: PlanId
    order_id: OrderId
    purpose: str
    task_ids: tuple[TaskId, ...]
    compensates_plan: PlanId | None
    occurred_at: datetime


@dataclass(frozen=True)
class FulfillmentTaskStarted(DomainEvent):
    plan_id: PlanId
    task_id: TaskId
    task_type: str
    run: int
    started_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class ExternalRequestRecorded(DomainEvent):
    plan_id: PlanId
    task_id: TaskId
    target_system: str
    operation: str
    idempotency_key: str
    attempt: int
    occurred_at: datetime


@dataclass(frozen=True)
class PreviousValuesRecorded(DomainEvent):
    """A change task recorded the values it changes from (``names``), for its compensation."""

    plan_id: PlanId
    task_id: TaskId
    names: tuple[str, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class FulfillmentTaskCompleted(DomainEvent):
    plan_id: PlanId
    task_id: TaskId
    item_id: OrderItemId
    external_reference: str | None
    manual: bool  # True when an operator completed it by hand (the evidence is on the task)
    completed_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class FulfillmentTaskFailed(DomainEvent):
    """A business error: the order needs a fallout case for this task."""

    plan_id: PlanId
    task_id: TaskId
    item_id: OrderItemId
    error_code: str
    message: str
    occurred_at: datetime


@dataclass(frozen=True)
class TechnicalFailureRecorded(DomainEvent):
    """A technical error (timeout, 5xx): the engine retries the job; the task stays in progress."""

    plan_id: PlanId
    task_id: TaskId
    error_code: str
    failures: int
    occurred_at: datetime


@dataclass(frozen=True)
class FulfillmentTaskSkipped(DomainEvent):
    plan_id: PlanId
    task_id: TaskId
    reason: str
    superseded_by: str | None
    skipped_by: ActorId
    occurred_at: datetime


@dataclass(frozen=True)
class FulfillmentTaskRetried(DomainEvent):
    """``corrected``: the names of the parameters the new run sends corrected (the repair's data)."""

    plan_id: PlanId
    task_id: TaskId
    run: int
    retried_by: ActorId
    occurred_at: datetime
    corrected: tuple[str, ...] = ()


@dataclass(frozen=True)
class FulfillmentPlanRevised(DomainEvent):
    """An amendment changed the plan: tasks superseded, compensations and new tasks added."""

    plan_id: PlanId
    revision: int
    scope: str
    superseded: tuple[TaskId, ...]
    added: tuple[TaskId, ...]
    occurred_at: datetime


@dataclass(frozen=True)
class FulfillmentPlanFinished(DomainEvent):
    """Every task is completed or skipped: the order (or the cancellation) can be closed."""

    plan_id: PlanId
    order_id: OrderId
    occurred_at: datetime
