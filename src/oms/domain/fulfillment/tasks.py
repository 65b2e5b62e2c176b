"""Fulfillment tasks: the task types (as data), the task states, and the values a task holds.

A task is one side-effecting step against one external system (reserve a port in inventory,
provision the service, activate billing …). Tasks are frozen values; the ``FulfillmentPlan``
aggregate replaces them as commands change them, so a reader can never change a task behind the
plan's back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import NewType

from oms.domain.shared.ids import ActorId, OrderId, OrderItemId

TaskId = NewType("TaskId", str)
PlanId = NewType("PlanId", str)

# Sorted (name, value) pairs: hashable, comparable, and the same whatever order they were given in.
# Plain names are the characteristics the task was planned with; names starting with "@" are the
# plan's own: "@quantity", "@productId", "@price.*" (planned), "@repair.<name>" (an operator's
# correction of <name>, recorded by a repair retry) and "@previous.<name>" (the value <name> had
# before a change task changed it, recorded before its first request).
TaskParameters = tuple[tuple[str, str], ...]

REPAIR_PREFIX = "@repair."
PREVIOUS_PREFIX = "@previous."


class TargetSystem(StrEnum):
    INVENTORY = "inventory"
    PROVISIONING = "provisioning"
    BILLING = "billing"
    LOGISTICS = "logistics"
    FIELD_SERVICE = "field-service"


class TaskType(StrEnum):
    RESERVE_RESOURCE = "reserve-resource"
    RELEASE_RESOURCE = "release-resource"
    PROVISION_SERVICE = "provision-service"
    MODIFY_SERVICE = "modify-service"
    DEPROVISION_SERVICE = "deprovision-service"
    ACTIVATE_BILLING = "activate-billing"
    UPDATE_BILLING = "update-billing"
    DEACTIVATE_BILLING = "deactivate-billing"
    SHIP_DEVICE = "ship-device"
    CANCEL_SHIPMENT = "cancel-shipment"
    SCHEDULE_INSTALLATION = "schedule-installation"
    CANCEL_INSTALLATION = "cancel-installation"


@dataclass(frozen=True)
class TaskTypeSpec:
    """``point_of_no_return``: once a task of this type is completed its effect cannot be undone
    (the device has left the warehouse, the technician came, the customer has been billed), so an
    order past it can no longer be cancelled and an amendment may no longer touch the task.
    ``compensation`` undoes a task of this type that is not past its point of no return (or was
    still in flight); ``None`` means it cannot be undone at all."""

    task_type: TaskType
    target_system: TargetSystem
    point_of_no_return: bool
    compensation: TaskType | None


def _spec(task_type: TaskType, system: TargetSystem, ponr: bool, compensation: TaskType | None) -> TaskTypeSpec:
    return TaskTypeSpec(task_type, system, ponr, compensation)


T, SYS = TaskType, TargetSystem
TASK_TYPES: Mapping[TaskType, TaskTypeSpec] = MappingProxyType(
    {
        spec.task_type: spec
        for spec in (
            _spec(T.RESERVE_RESOURCE, SYS.INVENTORY, False, T.RELEASE_RESOURCE),
            # A released port or address may be handed to another customer at once: not re-takeable.
            _spec(T.RELEASE_RESOURCE, SYS.INVENTORY, True, T.RESERVE_RESOURCE),
            _spec(T.PROVISION_SERVICE, SYS.PROVISIONING, False, T.DEPROVISION_SERVICE),
            _spec(T.MODIFY_SERVICE, SYS.PROVISIONING, False, T.MODIFY_SERVICE),  # back to the previous values
            _spec(T.DEPROVISION_SERVICE, SYS.PROVISIONING, False, T.PROVISION_SERVICE),
            _spec(T.ACTIVATE_BILLING, SYS.BILLING, True, T.DEACTIVATE_BILLING),
            _spec(T.UPDATE_BILLING, SYS.BILLING, False, T.UPDATE_BILLING),
            _spec(T.DEACTIVATE_BILLING, SYS.BILLING, False, T.ACTIVATE_BILLING),
            _spec(T.SHIP_DEVICE, SYS.LOGISTICS, True, T.CANCEL_SHIPMENT),
            _spec(T.CANCEL_SHIPMENT, SYS.LOGISTICS, False, None),
            _spec(T.SCHEDULE_INSTALLATION, SYS.FIELD_SERVICE, True, T.CANCEL_INSTALLATION),
            _spec(T.CANCEL_INSTALLATION, SYS.FIELD_SERVICE, False, None),
        )
    }
)


class TaskState(StrEnum):
    PENDING = "pending"  # planned; waits for its dependencies and for a worker
    IN_PROGRESS = "inProgress"
    COMPLETED = "completed"
    FAILED = "failed"  # business error: a fallout case repairs it
    SKIPPED = "skipped"  # not needed any more (repair, cancellation, amendment)

    @property
    def is_done(self) -> bool:
        """Done tasks release their dependents and let the plan close."""
        return self in (TaskState.COMPLETED, TaskState.SKIPPED)


S = TaskState
TASK_EDGES: frozenset[tuple[TaskState, TaskState]] = frozenset(
    {
        (S.PENDING, S.IN_PROGRESS),  # start
        (S.IN_PROGRESS, S.COMPLETED),  # complete with the external result
        (S.IN_PROGRESS, S.FAILED),  # business error
        (S.PENDING, S.SKIPPED),
        (S.FAILED, S.SKIPPED),  # repair: skip
        (S.FAILED, S.PENDING),  # repair: retry (a new run)
        (S.FAILED, S.COMPLETED),  # repair: completed by hand, with evidence
    }
)


class TaskCommand(StrEnum):
    START = "start"
    RECORD_REQUEST = "record an external request"
    COMPLETE = "complete"
    FAIL_BUSINESS = "fail with a business error"
    FAIL_TECHNICAL = "fail with a technical error"
    SKIP = "skip"
    RETRY = "retry"
    COMPLETE_MANUALLY = "complete manually"


# From which states each task command may start; the rest of the task table follows from TASK_EDGES.
TASK_ALLOWED_FROM: dict[TaskCommand, frozenset[TaskState]] = {
    TaskCommand.START: frozenset({S.PENDING}),
    TaskCommand.RECORD_REQUEST: frozenset({S.IN_PROGRESS}),
    TaskCommand.COMPLETE: frozenset({S.IN_PROGRESS}),
    TaskCommand.FAIL_BUSINESS: frozenset({S.IN_PROGRESS}),
    TaskCommand.FAIL_TECHNICAL: frozenset({S.IN_PROGRESS}),
    TaskCommand.SKIP: frozenset({S.PENDING, S.FAILED}),
    TaskCommand.RETRY: frozenset({S.FAILED}),
    TaskCommand.COMPLETE_MANUALLY: frozenset({S.FAILED}),
}


@dataclass(frozen=True)
class ExternalRequest:
    """What a worker sends to the target system. ``idempotency_key`` is the same for every
    technical attempt of one run, so a re-sent request is deduplicated by the external system
    (and by the ``external_call_attempt`` ledger); a repair retry starts a new run and a new key."""

    task_id: TaskId
    target_system: TargetSystem
    operation: str
    idempotency_key: str
    run: int
    attempt: int
    requested_at: datetime


def frozen_mapping(data: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(sorted((data or {}).items())))


@dataclass(frozen=True)
class TaskResult:
    """What the external system answered (or, for a manual completion, what the operator did)."""

    external_reference: str | None
    recorded_at: datetime
    recorded_by: ActorId
    data: Mapping[str, str] = field(default_factory=dict, hash=False)
    manual_evidence: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "data", frozen_mapping(self.data))


@dataclass(frozen=True)
class TaskError:
    code: str
    message: str
    occurred_at: datetime
    details: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", frozen_mapping(self.details))


@dataclass(frozen=True)
class FulfillmentTask:
    id: TaskId
    order_id: OrderId
    item_id: OrderItemId
    task_type: TaskType
    depends_on: tuple[TaskId, ...] = ()
    parameters: TaskParameters = ()
    compensates: TaskId | None = None  # set on a compensation task: the task it undoes
    state: TaskState = TaskState.PENDING
    run: int = 1
    external_request: ExternalRequest | None = None
    technical_failures: int = 0
    last_error: TaskError | None = None
    result: TaskResult | None = None
    skip_reason: str | None = None
    superseded_by: str | None = None  # the amendment scope that replaced this task
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def spec(self) -> TaskTypeSpec:
        return TASK_TYPES[self.task_type]

    @property
    def target_system(self) -> TargetSystem:
        return self.spec.target_system

    @property
    def point_of_no_return(self) -> bool:
        return self.spec.point_of_no_return

    @property
    def is_compensation(self) -> bool:
        return self.compensates is not None

    @property
    def in_flight(self) -> bool:
        """Started and a request sent: the external system may already have acted on it."""
        return self.state is TaskState.IN_PROGRESS and self.external_request is not None

    @property
    def has_effect(self) -> bool:
        """Whether the task may have changed something outside (and so needs undoing)."""
        return self.state is TaskState.COMPLETED or self.in_flight

    @property
    def is_irreversible(self) -> bool:
        """Its effect cannot be undone: completed past its point of no return, or in flight on a
        point-of-no-return type (the device may be on its way), or with no compensation at all."""
        if not self.has_effect:
            return False
        return self.point_of_no_return or self.spec.compensation is None

    @property
    def parameter_map(self) -> Mapping[str, str]:
        return MappingProxyType(dict(self.parameters))

    @property
    def planned_parameters(self) -> TaskParameters:
        """The parameters as decomposition planned them, without what runs recorded since (repair
        corrections, previous values): what an amendment compares with its new decomposition."""
        return tuple(
            (name, value)
            for name, value in self.parameters
            if not name.startswith(REPAIR_PREFIX) and not name.startswith(PREVIOUS_PREFIX)
        )

    @property
    def corrections(self) -> Mapping[str, str]:
        """The operator's corrections recorded by repair retries (name -> value)."""
        return _prefixed(self.parameters, REPAIR_PREFIX)

    @property
    def previous_values(self) -> Mapping[str, str]:
        """What a change task changed from (name -> value), recorded before its first request."""
        return _prefixed(self.parameters, PREVIOUS_PREFIX)

    @property
    def characteristics(self) -> Mapping[str, str]:
        """What the task's request carries: its planned characteristics (plain names), each one an
        operator corrected replaced by the correction."""
        plain = {name: value for name, value in self.parameters if not name.startswith("@")}
        return MappingProxyType(dict(sorted({**plain, **self.corrections}.items())))

    @property
    def changes_back(self) -> bool:
        """A change task (modify-service, update-billing) is undone by the same kind of task, sent the
        values it changed from."""
        return self.spec.compensation is self.task_type


class Answer(StrEnum):
    APPLIED = "applied"
    ALREADY_IN_PROGRESS = "alreadyInProgress"
    ALREADY_COMPLETED = "alreadyCompleted"
    ALREADY_SKIPPED = "alreadySkipped"


@dataclass(frozen=True)
class TaskOutcome:
    """The answer to a task command: applied, or what the task already is (for redelivered jobs)."""

    answer: Answer
    task: FulfillmentTask
    request: ExternalRequest | None = None

    @property
    def already_completed(self) -> bool:
        return self.answer is Answer.ALREADY_COMPLETED

    @property
    def result(self) -> TaskResult | None:
        return self.task.result


def derive_task_id(order_id: OrderId, item_id: OrderItemId, task_type: TaskType, scope: str | None = None) -> TaskId:
    """Deterministic: decomposing the same order twice gives the same ids. ``scope`` separates a
    task made by a later request (an amendment's redo, a cancellation's compensation) from the
    original task of the same item and type."""
    base = f"{order_id}:{item_id}:{task_type}"
    return TaskId(base if scope is None else f"{base}:{scope}")


def idempotency_key(task_id: TaskId, run: int) -> str:
    return f"{task_id}:run-{run}"


def parameters_of(values: Mapping[str, str]) -> TaskParameters:
    return tuple(sorted(values.items()))


def _prefixed(parameters: TaskParameters, prefix: str) -> Mapping[str, str]:
    return MappingProxyType({name[len(prefix) :]: value for name, value in parameters if name.startswith(prefix)})
