"""How a fulfillment task becomes a call of an external system: the (system, operation) of each task
type, the request it sends, and the reference it acts on (what an earlier task created)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from oms.application.commands._order_loading import load_order
from oms.application.external_systems import (
    CallStatus,
    ExternalCall,
    Json,
    LedgerEntry,
)
from oms.application.unit_of_work import UnitOfWork
from oms.domain.fulfillment.plan import FulfillmentPlan, PlanPurpose, fulfillment_plan_id
from oms.domain.fulfillment.tasks import FulfillmentTask, TargetSystem, TaskId, TaskState, TaskType
from oms.domain.shared.ids import OrderId

# (system, operation) of each task type.
OPERATIONS: Final[Mapping[TaskType, tuple[str, str]]] = {
    TaskType.RESERVE_RESOURCE: ("inventory", "reserve"),
    TaskType.RELEASE_RESOURCE: ("inventory", "release"),
    TaskType.PROVISION_SERVICE: ("provisioning", "provision"),
    TaskType.MODIFY_SERVICE: ("provisioning", "modify"),
    TaskType.DEPROVISION_SERVICE: ("provisioning", "deprovision"),
    TaskType.ACTIVATE_BILLING: ("billing", "activate"),
    TaskType.UPDATE_BILLING: ("billing", "update"),
    TaskType.DEACTIVATE_BILLING: ("billing", "deactivate"),
    TaskType.SHIP_DEVICE: ("logistics", "ship"),
    TaskType.CANCEL_SHIPMENT: ("logistics", "cancel-shipment"),
    TaskType.SCHEDULE_INSTALLATION: ("field-service", "schedule"),
    TaskType.CANCEL_INSTALLATION: ("field-service", "cancel-installation"),
}
#: the answer's field that identifies what the system holds for the task (its external reference)
REFERENCE_FIELD: Final[Mapping[str, str]] = {
    "inventory": "reservationId",
    "provisioning": "serviceId",
    "billing": "subscriptionId",
    "logistics": "shipmentId",
    "field-service": "appointmentId",
}
# Task types that act on what an earlier task created (and need its reference).
_ACTS_ON_EXISTING: Final = frozenset(
    {
        TaskType.RELEASE_RESOURCE,
        TaskType.MODIFY_SERVICE,
        TaskType.DEPROVISION_SERVICE,
        TaskType.UPDATE_BILLING,
        TaskType.DEACTIVATE_BILLING,
        TaskType.CANCEL_SHIPMENT,
        TaskType.CANCEL_INSTALLATION,
    }
)
# Task types whose own earlier task created the reference (the forward task of a product).
_CREATING: Final[Mapping[str, TaskType]] = {
    "inventory": TaskType.RESERVE_RESOURCE,
    "provisioning": TaskType.PROVISION_SERVICE,
    "billing": TaskType.ACTIVATE_BILLING,
    "logistics": TaskType.SHIP_DEVICE,
    "field-service": TaskType.SCHEDULE_INSTALLATION,
}


class TaskNotSendable(Exception):
    """The task cannot be sent as planned (a reference nobody recorded): a data error, so fallout."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def is_asynchronous(plan: FulfillmentPlan, task: FulfillmentTask) -> bool:
    """Provisioning answers by callback; a compensation takes the acceptance as done (see docs/workers.md)."""
    return task.target_system is TargetSystem.PROVISIONING and plan.purpose is PlanPurpose.FULFILLMENT


def build_call(
    uow: UnitOfWork, plan: FulfillmentPlan, task: FulfillmentTask, extra: Json | None = None
) -> ExternalCall:
    """The request of the task's current run, with its idempotency key ``{taskId}:run-{n}``."""
    system, operation = OPERATIONS[task.task_type]
    assert task.external_request is not None, "the request is recorded before the call is built"
    parameters = task.parameter_map
    order = load_order(uow, plan.order_id)
    item = order.item(task.item_id)
    request: Json = {
        "tenantId": uow.context.tenant_id,
        "orderId": plan.order_id,
        "characteristics": dict(task.characteristics),
    }
    if task.task_type is TaskType.RESERVE_RESOURCE:
        request["resourceType"] = str(item.specification_id or item.offering_id or task.item_id)
    elif task.task_type is TaskType.PROVISION_SERVICE:
        request["serviceSpecification"] = str(item.specification_id or item.offering_id or task.item_id)
    elif task.task_type is TaskType.ACTIVATE_BILLING:
        request["productOffering"] = str(item.offering_id or task.item_id)
        prices = {
            name: parameters[f"@price.{name}"]
            for name in ("oneTime", "recurringMonthly")
            if f"@price.{name}" in parameters
        }
        request["prices"] = prices
    elif task.task_type is TaskType.SHIP_DEVICE:
        request["deviceType"] = str(item.specification_id or item.offering_id or task.item_id)
        request["quantity"] = int(parameters.get("@quantity", "1"))
    elif task.task_type is TaskType.SCHEDULE_INSTALLATION:
        request["workType"] = str(item.specification_id or item.offering_id or task.item_id)
    if task.task_type in _ACTS_ON_EXISTING:
        request[REFERENCE_FIELD[system]] = _reference(uow, plan, task, system)
    return ExternalCall(
        target_system=system,
        operation=operation,
        idempotency_key=task.external_request.idempotency_key,
        request={**request, **(extra or {})},
        order_id=plan.order_id,
        plan_id=plan.id,
        task_id=task.id,
    )


def values_before(uow: UnitOfWork, plan: FulfillmentPlan, task: FulfillmentTask) -> dict[str, str]:
    """What a change of a delivered product (modify-service, update-billing) changes from: the
    characteristics the product's system was last asked for. That is the latest answered request
    naming the product's reference, when it created or changed the product and its task completed
    that run, over the characteristics of the task that created the product (the delivering
    order's). Empty when neither is known."""
    system, operation = OPERATIONS[task.task_type]
    creating = _CREATING[system]
    values: dict[str, str] = {}
    try:
        reference = _reference(uow, plan, task, system)
    except TaskNotSendable:
        return values
    creator = _creating_task(uow, task, system)
    if creator is not None:
        values.update(creator.characteristics)
    latest = uow.external_calls.find_by_response(system, REFERENCE_FIELD[system], reference)
    if (
        latest is not None
        and latest.status is CallStatus.SUCCEEDED
        and latest.operation in (OPERATIONS[creating][1], operation)
        and _completed_with(uow, latest)
    ):
        sent = latest.request.get("characteristics")
        if isinstance(sent, dict):
            values.update({name: str(value) for name, value in sent.items()})
    return values


def _completed_with(uow: UnitOfWork, entry: LedgerEntry) -> bool:
    """Whether the entry's task completed with that very request (not a run that failed later)."""
    if entry.plan_id is None or entry.task_id is None:
        return False
    plan = uow.plans.get(entry.plan_id)
    if plan is None or entry.task_id not in plan.task_ids:
        return False
    task = plan.task(TaskId(entry.task_id))
    return (
        task.state is TaskState.COMPLETED
        and task.external_request is not None
        and task.external_request.idempotency_key == entry.idempotency_key
    )


def _creating_task(uow: UnitOfWork, task: FulfillmentTask, system: str) -> FulfillmentTask | None:
    """The completed task of the delivering order that created the product ``task`` changes."""
    product_id = task.parameter_map.get("@productId")
    if not product_id or ":" not in product_id:
        return None
    order_id, _, item_id = product_id.partition(":")
    delivered = uow.plans.get(fulfillment_plan_id(OrderId(order_id)))
    if delivered is None:
        return None
    creating = _CREATING[system]
    return next(
        (
            earlier
            for earlier in delivered.tasks
            if earlier.item_id == item_id
            and earlier.task_type is creating
            and earlier.state is TaskState.COMPLETED
            and earlier.result is not None
            and earlier.result.external_reference
        ),
        None,
    )


def _plan_holding(uow: UnitOfWork, plan: FulfillmentPlan, task_id: TaskId) -> FulfillmentPlan | None:
    """The plan of the task a compensation undoes: this plan (an amendment undoes work of its own
    plan) or the order's plan that this cancellation plan compensates."""
    if task_id in plan.task_ids:
        return plan
    if plan.compensates_plan is None:
        return None
    forward = uow.plans.get(plan.compensates_plan)
    return forward if forward is not None and task_id in forward.task_ids else None


def _reference(uow: UnitOfWork, plan: FulfillmentPlan, task: FulfillmentTask, system: str) -> str:
    """What the task acts on: for a compensation, what the task it undoes created; for a change of a
    delivered product, what the order that delivered it created."""
    field = REFERENCE_FIELD[system]
    forward = None if task.compensates is None else _plan_holding(uow, plan, task.compensates)
    if forward is not None and task.compensates is not None:
        undone = forward.task(task.compensates)
        if undone.result is not None and undone.result.external_reference:
            return undone.result.external_reference
        for entry in reversed(uow.external_calls.of_plan(forward.id, system)):
            if entry.task_id == undone.id and entry.response and entry.response.get(field):
                return str(entry.response[field])
    creator = _creating_task(uow, task, system)
    if creator is not None and creator.result is not None and creator.result.external_reference:
        return creator.result.external_reference
    raise TaskNotSendable(
        "referenceUnknown", f"no {field} is recorded for what task {task.id!r} ({task.task_type}) acts on"
    )
