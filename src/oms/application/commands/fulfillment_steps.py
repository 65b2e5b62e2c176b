"""Running a fulfillment plan step by step against the external systems: what the fulfillment and
compensation workers call.

``next_step(plan)`` says what the order-fulfillment process runs next: the stage of the plan's
ready tasks (``reserve-resource``, ``provision-service``, ``activate-billing``), or ``close`` when
every task is done. A stage runs its ready tasks in dependency order, each through the ledger:

    prepare (one transaction: start the task, record its request, begin the ledger entry; committed)
    call    (the adapter, outside any transaction; its answer committed to the ledger at once)
    apply   (one transaction: complete the task, or fail it and open the fallout case)

A business rejection (or a task that cannot be sent as planned: an unknown reference) ends the step
with the fallout case's id; a transient failure is recorded on the task and raised, so the job is
retried with the same idempotency key. Provisioning is asynchronous: its stage sends the round's
requests and returns the round's id; :mod:`provisioning_results` records the callbacks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from oms.application.commands._order_fallout import open_fallout
from oms.application.commands._order_loading import load_cancellation, load_order, load_plan
from oms.application.commands.external_calls import CallAnswer, call_through_ledger
from oms.application.commands.fulfillment import DecomposeOrder, decompose_order
from oms.application.commands.order import CloseOrder, StartOrderTreatment, close_order, start_order_treatment
from oms.application.context import RequestContext
from oms.application.errors import Conflict
from oms.application.external_systems import (
    CallStatus,
    ExternalCall,
    ExternalSystems,
    ExternalTransient,
    Json,
    LedgerEntry,
)
from oms.application.order_audit import order_state, plan_state, record_order_change, record_plan_change
from oms.application.runner import run_command, run_query
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from oms.application.workflow import WorkflowMessage
from oms.domain.fallout.lifecycle import FalloutCategory
from oms.domain.fulfillment.plan import FulfillmentPlan, PlanPurpose, fulfillment_plan_id
from oms.domain.fulfillment.rules import RuleSet
from oms.domain.fulfillment.tasks import FulfillmentTask, TargetSystem, TaskId, TaskState, TaskType
from oms.domain.order.lifecycle import OrderState
from oms.domain.shared.ids import OrderId

# ------------------------------------------------------------------------------------ next step

RESERVE_RESOURCE: Final = "reserve-resource"
PROVISION_SERVICE: Final = "provision-service"
ACTIVATE_BILLING: Final = "activate-billing"
CLOSE: Final = "close"
NEXT_STEPS: Final = (RESERVE_RESOURCE, PROVISION_SERVICE, ACTIVATE_BILLING, CLOSE)

STAGE_OF_SYSTEM: Final[Mapping[TargetSystem, str]] = {
    TargetSystem.INVENTORY: RESERVE_RESOURCE,
    TargetSystem.LOGISTICS: RESERVE_RESOURCE,
    TargetSystem.FIELD_SERVICE: RESERVE_RESOURCE,
    TargetSystem.PROVISIONING: PROVISION_SERVICE,
    TargetSystem.BILLING: ACTIVATE_BILLING,
}

#: the message the provisioning round's results are announced with (docs/processes.md)
PROVISIONING_COMPLETED: Final = "order.provisioning.completed"
PROVISIONING_TIMEOUT: Final = "provisioningTimeout"


def stage_of(task: FulfillmentTask) -> str:
    return STAGE_OF_SYSTEM[task.target_system]


def next_step(plan: FulfillmentPlan) -> str:
    """The stage of the first ready task (dependency order); else of a task still in progress (a
    step to finish) or failed (its fallout case stands); ``close`` when nothing is left."""
    tasks = [plan.task(task_id) for task_id in plan.topological_order()]
    ready = {task.id for task in plan.ready_tasks()}
    firsts = (
        next((task for task in tasks if task.id in ready), None),
        next((task for task in tasks if task.state is TaskState.IN_PROGRESS), None),
        next((task for task in tasks if task.state is TaskState.FAILED), None),
    )
    first = next((task for task in firsts if task is not None), None)
    return CLOSE if first is None else stage_of(first)


def next_step_of_order(uow: UnitOfWork, order_id: str) -> str:
    return next_step(load_plan(uow, fulfillment_plan_id(OrderId(order_id))))


# ------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class StepOutcome:
    """``fallout_case_id`` set: the step fell out (the case is open, or was before)."""

    next_step: str | None = None
    fallout_case_id: str | None = None


@dataclass(frozen=True)
class ProvisioningRequested:
    provisioning_request_id: str
    fallout_case_id: str | None = None


@dataclass(frozen=True)
class OrderDecomposed:
    plan_id: str
    next_step: str


# ------------------------------------------------------------------------------------ calls of tasks

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


# ------------------------------------------------------------------------------------ task changes


def fail_with_fallout(
    uow: UnitOfWork,
    plan: FulfillmentPlan,
    task_id: TaskId,
    *,
    code: str,
    message: str,
    details: Mapping[str, str] | None = None,
    category: FalloutCategory = FalloutCategory.EXTERNAL_REJECTION,
) -> str | None:
    """Fail the task (on the plan already loaded for update) and open its fallout case, holding the
    order; the live case's id when it failed before. None when the task is no longer in progress
    (skipped or completed meanwhile: nothing falls out)."""
    task = plan.task(task_id)
    if task.state is TaskState.FAILED:
        live = uow.fallout_cases.live_case_of_task(plan.id, task.id)
        return None if live is None else live.id
    if task.state is not TaskState.IN_PROGRESS:
        return None
    before = plan_state(plan)
    plan.fail_task(uow.context.actor, task.id, code=code, message=message, details=details or {}, now=uow.now)
    uow.plans.save(plan)
    record_plan_change(uow, "failTask", plan, before)
    order = load_order(uow, plan.order_id)
    order_before = order_state(order)
    category = FalloutCategory.COMPENSATION_FAILED if plan.purpose is PlanPurpose.COMPENSATION else category
    case = open_fallout(uow, order, plan, task.id, category)
    uow.orders.save(order)
    record_order_change(uow, "recordFallout", order, order_before)
    return case.id


def complete_with_result(
    uow: UnitOfWork, plan: FulfillmentPlan, task_id: TaskId, reference: str | None, data: Mapping[str, Any]
) -> bool:
    """Complete the in-progress task with the system's answer; False when it is not in progress."""
    task = plan.task(task_id)
    if task.state is not TaskState.IN_PROGRESS:
        return False
    before = plan_state(plan)
    text = {
        name: str(value) for name, value in data.items() if isinstance(value, str | int | float) and name != "replayed"
    }
    plan.complete_task(uow.context.actor, task.id, external_reference=reference, data=text, now=uow.now)
    uow.plans.save(plan)
    record_plan_change(uow, "completeTask", plan, before)
    return True


@dataclass(frozen=True)
class _Prepared:
    task_id: TaskId
    entry: LedgerEntry
    asynchronous: bool


def prepare_task(
    uow: UnitOfWork, plan: FulfillmentPlan, task: FulfillmentTask, extra: Json | None = None
) -> _Prepared | str:
    """Start the task and record its request (when not done yet), and begin its ledger entry; the
    fallout case's id instead when the task cannot be sent. The caller saves nothing: done here."""
    actor, now = uow.context.actor, uow.now
    before = plan_state(plan)
    if task.state is TaskState.PENDING:
        task = plan.start_task(actor, task.id, now=now).task
    if task.changes_back and not task.is_compensation and not task.previous_values:
        # before the change is first sent: what its compensation would change back to
        task = plan.record_previous_values(actor, task.id, values=values_before(uow, plan, task), now=now)
    if task.external_request is None or task.external_request.run != task.run:
        task = plan.record_external_request(actor, task.id, now=now).task
    if plan.version != before["version"]:
        uow.plans.save(plan)
        record_plan_change(uow, "startTask", plan, before)
    try:
        call = build_call(uow, plan, task, extra)
    except TaskNotSendable as problem:
        case_id = fail_with_fallout(
            uow, plan, task.id, code=problem.code, message=problem.message, category=FalloutCategory.DATA_ERROR
        )
        if case_id is None:  # pragma: no cover - the task was put in progress just above
            raise Conflict(problem.message, code=problem.code) from problem
        return case_id
    return _Prepared(task.id, uow.external_calls.begin(call), is_asynchronous(plan, task))


def _record_technical_failure(plan_id: str, task_id: TaskId) -> Callable[[UnitOfWork, ExternalTransient], None]:
    def record(uow: UnitOfWork, error: ExternalTransient) -> None:
        plan = load_plan(uow, plan_id, for_update=True)
        if plan.task(task_id).state is not TaskState.IN_PROGRESS:
            return
        before = plan_state(plan)
        plan.record_technical_failure(uow.context.actor, task_id, code="transient", message=str(error), now=uow.now)
        uow.plans.save(plan)
        record_plan_change(uow, "recordTechnicalFailure", plan, before)

    return record


def _apply(uow: UnitOfWork, plan_id: str, prepared: _Prepared, answer: CallAnswer) -> str | None:
    """The answer on the task: completed (or, asynchronous, left in progress for the callback), or
    failed with its fallout case (whose id is returned)."""
    plan = load_plan(uow, plan_id, for_update=True)
    if answer.rejected:
        return fail_with_fallout(
            uow,
            plan,
            prepared.task_id,
            code=answer.reason_code,
            message=answer.reason or f"{answer.entry.target_system} refused {answer.entry.operation}",
            details={"reasonCode": answer.reason_code, "idempotencyKey": answer.entry.idempotency_key},
        )
    if not prepared.asynchronous:
        reference = answer.response.get(REFERENCE_FIELD.get(answer.entry.target_system, ""))
        complete_with_result(
            uow, plan, prepared.task_id, None if reference is None else str(reference), answer.response
        )
    return None


def _ledgered(
    uow_factory: UnitOfWorkFactory, ctx: RequestContext, systems: ExternalSystems, plan_id: str, prepared: _Prepared
) -> str | None:
    answer = call_through_ledger(
        uow_factory, ctx, systems, prepared.entry, on_transient=_record_technical_failure(plan_id, prepared.task_id)
    )
    return run_command(uow_factory, ctx, lambda uow: _apply(uow, plan_id, prepared, answer))


def run_tasks(
    uow_factory: UnitOfWorkFactory,
    ctx: RequestContext,
    systems: ExternalSystems,
    plan_id: str,
    selected: Callable[[FulfillmentTask], bool],
) -> str | None:
    """Run the selected tasks of the plan one by one (in progress first, then ready ones, in
    dependency order) until none is left; the fallout case's id when one fell out."""
    handled: set[TaskId] = set()

    def prepare_next(uow: UnitOfWork) -> _Prepared | str | None:
        plan = load_plan(uow, plan_id, for_update=True)
        task = _next_task(plan, lambda task: selected(task) and task.id not in handled)
        if task is None:
            return _live_case(uow, plan, selected)
        return prepare_task(uow, plan, task)

    while True:
        prepared = run_command(uow_factory, ctx, prepare_next)
        if prepared is None or isinstance(prepared, str):
            return prepared
        handled.add(prepared.task_id)
        case_id = _ledgered(uow_factory, ctx, systems, plan_id, prepared)
        if case_id is not None:
            return case_id


def _next_task(plan: FulfillmentPlan, selected: Callable[[FulfillmentTask], bool]) -> FulfillmentTask | None:
    ordered = [plan.task(task_id) for task_id in plan.topological_order()]
    ready = {task.id for task in plan.ready_tasks()}
    in_progress = [task for task in ordered if selected(task) and task.state is TaskState.IN_PROGRESS]
    if in_progress:
        return in_progress[0]
    return next((task for task in ordered if selected(task) and task.id in ready), None)


def _live_case(uow: UnitOfWork, plan: FulfillmentPlan, selected: Callable[[FulfillmentTask], bool]) -> str | None:
    """A failed task among the selected ones still waits for its repair: the step falls out again."""
    for task in plan.tasks:
        if selected(task) and task.state is TaskState.FAILED:
            live = uow.fallout_cases.live_case_of_task(plan.id, task.id)
            if live is not None:
                return live.id
    return None


# ------------------------------------------------------------------------------------ the commands


@dataclass(frozen=True)
class RunStage:
    order_id: str
    stage: str  # reserve-resource or activate-billing (provisioning: RequestProvisioning)


def decompose_for_fulfillment(
    uow_factory: UnitOfWorkFactory, ctx: RequestContext, order_id: str, *, rules: RuleSet | None = None
) -> OrderDecomposed:
    """The order's plan (made once), the order's treatment started (once), and the first step."""

    def decompose(uow: UnitOfWork) -> str:
        plan = decompose_order(uow, DecomposeOrder(order_id), rules=rules)
        if load_order(uow, order_id).state is OrderState.ACKNOWLEDGED:
            start_order_treatment(uow, StartOrderTreatment(order_id))
        return plan.id

    plan_id = run_command(uow_factory, ctx, decompose)
    return OrderDecomposed(plan_id, run_query(uow_factory, ctx, lambda uow: next_step_of_order(uow, order_id)))


def run_stage(
    uow_factory: UnitOfWorkFactory, ctx: RequestContext, systems: ExternalSystems, request: RunStage
) -> StepOutcome:
    """The stage's tasks, then the next step; or the fallout case of the task that fell out."""
    if request.stage not in (RESERVE_RESOURCE, ACTIVATE_BILLING):
        raise ValueError(f"run_stage runs the synchronous stages, not {request.stage!r}")
    plan_id = run_query(uow_factory, ctx, lambda uow: load_plan(uow, fulfillment_plan_id(OrderId(request.order_id))).id)
    case_id = run_tasks(uow_factory, ctx, systems, plan_id, lambda task: stage_of(task) == request.stage)
    if case_id is not None:
        return StepOutcome(fallout_case_id=case_id)
    return StepOutcome(next_step=run_query(uow_factory, ctx, lambda uow: next_step_of_order(uow, request.order_id)))


def close_fulfilled_order(uow: UnitOfWork, order_id: str) -> str:
    """Close the order (completed, partial or failed); an order already final (closed before, or
    cancelled meanwhile) is answered with its state and left as it is."""
    order = load_order(uow, order_id)
    if order.state.is_final:
        return str(order.state)
    return str(close_order(uow, CloseOrder(order_id)).state)


# ------------------------------------------------------------------------------------ provisioning


def _round_id(order_id: str, number: int) -> str:
    return f"{order_id}:{PROVISION_SERVICE}:run-{number}"


def round_of(entry: LedgerEntry) -> str | None:
    value = entry.request.get("provisioningRequestId")
    return None if value is None else str(value)


def round_tasks(uow: UnitOfWork, plan: FulfillmentPlan, round_id: str) -> list[FulfillmentTask]:
    """The tasks whose current request belongs to the round."""
    tasks: list[FulfillmentTask] = []
    for entry in uow.external_calls.of_plan(plan.id, TargetSystem.PROVISIONING.value):
        if round_of(entry) != round_id or entry.task_id is None or entry.task_id not in plan.task_ids:
            continue
        task = plan.task(TaskId(entry.task_id))
        if task.external_request is not None and task.external_request.idempotency_key == entry.idempotency_key:
            tasks.append(task)
    return tasks


def provisioning_completed(uow: UnitOfWork, plan: FulfillmentPlan, round_id: str) -> bool:
    """When no task of the round is in flight any more: writes ``order.provisioning.completed``
    (message id = the round's id, so writing it twice publishes it once) and says True."""
    tasks = round_tasks(uow, plan, round_id)
    if any(task.state is TaskState.IN_PROGRESS for task in tasks):
        return False
    case_id = next(
        (
            live.id
            for task in tasks
            if task.state is TaskState.FAILED
            and (live := uow.fallout_cases.live_case_of_task(plan.id, task.id)) is not None
        ),
        None,
    )
    variables: Json = {
        "provisioningOutcome": "completed" if case_id is None else "fallout",
        "nextStep": next_step(plan),
    }
    if case_id is not None:
        variables["falloutCaseId"] = case_id
    uow.workflow_messages.publish(WorkflowMessage(PROVISIONING_COMPLETED, round_id, round_id, variables))
    return True


def _open_round(uow: UnitOfWork, order_id: str) -> tuple[str, list[_Prepared]] | str:
    """The round to run: the one whose requests are in flight (a redelivered job), or a new one with
    every ready provisioning task started and its ledger entry begun, in this transaction (so a
    callback arriving while the requests go out never sees the round finished early). The fallout
    case's id when a provisioning task waits for its repair and nothing else is due."""
    plan = load_plan(uow, fulfillment_plan_id(OrderId(order_id)), for_update=True)
    provisioning = [
        plan.task(task_id)
        for task_id in plan.topological_order()
        if plan.task(task_id).target_system is TargetSystem.PROVISIONING
    ]
    entries = uow.external_calls.of_plan(plan.id, TargetSystem.PROVISIONING.value)
    by_key = {entry.idempotency_key: entry for entry in entries}
    in_flight = [
        (task, by_key[task.external_request.idempotency_key])
        for task in provisioning
        if task.state is TaskState.IN_PROGRESS
        and task.external_request is not None
        and task.external_request.idempotency_key in by_key
    ]
    current = next((round_of(entry) for _, entry in in_flight if round_of(entry) is not None), None)
    if current is not None:
        resend = [
            _Prepared(task.id, uow.external_calls.begin(_call_of(entry)), True)
            for task, entry in in_flight
            if round_of(entry) == current
        ]
        return current, resend
    ready = {task.id for task in plan.ready_tasks()}
    due = [task for task in provisioning if task.id in ready or task.state is TaskState.IN_PROGRESS]
    if not due:
        case_id = _live_case(uow, plan, lambda task: task.target_system is TargetSystem.PROVISIONING)
        if case_id is not None:
            return case_id
    numbers = [int(str(entry.request.get("provisioningRound", 0))) for entry in entries]
    round_id = _round_id(order_id, max(numbers, default=0) + 1)
    extra: Json = {"provisioningRequestId": round_id, "provisioningRound": max(numbers, default=0) + 1}
    prepared: list[_Prepared] = []
    for task in due:
        outcome = prepare_task(uow, plan, plan.task(task.id), extra)
        if isinstance(outcome, str):
            return outcome
        prepared.append(outcome)
    if not prepared:
        # Nothing to provision (an amendment moved the plan on while the process waited here): the
        # round is complete at once. It sends no request, so the next round would get its number
        # again; an id of its own (per plan version, the same for a redelivered job) keeps the next
        # round's message from being taken for this one's.
        round_id = f"{round_id}:nothing-due-at-v{plan.version}"
        provisioning_completed(uow, plan, round_id)
    return round_id, prepared


def _call_of(entry: LedgerEntry) -> ExternalCall:
    return ExternalCall(
        entry.target_system,
        entry.operation,
        entry.idempotency_key,
        entry.request,
        entry.order_id,
        entry.plan_id,
        entry.task_id,
    )


def request_provisioning(
    uow_factory: UnitOfWorkFactory, ctx: RequestContext, systems: ExternalSystems, order_id: str
) -> ProvisioningRequested:
    """Send the round's provisioning requests (through the ledger) and return the round's id: the
    correlation key of ``order.provisioning.completed``. A request refused at once falls out."""
    opened = run_command(uow_factory, ctx, lambda uow: _open_round(uow, order_id))
    if isinstance(opened, str):
        return ProvisioningRequested("", fallout_case_id=opened)
    round_id, prepared = opened
    plan_id = fulfillment_plan_id(OrderId(order_id))
    for each in prepared:
        case_id = _ledgered(uow_factory, ctx, systems, plan_id, each)
        if case_id is not None:
            return ProvisioningRequested(round_id, fallout_case_id=case_id)
    return ProvisioningRequested(round_id)


def open_provisioning_timeout(uow: UnitOfWork, order_id: str, provisioning_request_id: str) -> str:
    """Provisioning did not answer in time: each task of the round still in flight fails (code
    ``provisioningTimeout``) with a fallout case; the first case's id. A task of the round that
    failed before keeps its case."""
    plan = load_plan(uow, fulfillment_plan_id(OrderId(order_id)), for_update=True)
    tasks = round_tasks(uow, plan, provisioning_request_id)
    cases = [
        case_id
        for task in tasks
        if task.state in (TaskState.IN_PROGRESS, TaskState.FAILED)
        and (
            case_id := fail_with_fallout(
                uow,
                plan,
                task.id,
                code=PROVISIONING_TIMEOUT,
                message=f"provisioning did not answer request round {provisioning_request_id!r} in time",
                category=FalloutCategory.OTHER,
            )
        )
        is not None
    ]
    if not cases:
        raise Conflict(
            f"provisioning round {provisioning_request_id!r} of order {order_id!r} has nothing in flight and no "
            "open case: its results were recorded as the timer fired; look at the plan and move the instance on",
            {"provisioningRequestId": provisioning_request_id, "orderId": order_id},
            code="nothingInFlight",
        )
    return cases[0]


# ------------------------------------------------------------------------------------ compensation


def run_compensation(
    uow_factory: UnitOfWorkFactory, ctx: RequestContext, systems: ExternalSystems, request_id: str
) -> str | None:
    """Run the cancellation's compensation plan until no task is left (its order is already the
    reverse of the dependencies); the ``compensationFailed`` case's id when a task fell out."""
    plan_id = run_query(uow_factory, ctx, lambda uow: load_cancellation(uow, request_id).compensation_plan_id)
    if plan_id is None:
        return None
    return run_tasks(uow_factory, ctx, systems, plan_id, lambda task: True)
