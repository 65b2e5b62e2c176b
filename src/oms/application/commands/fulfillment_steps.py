"""Running a fulfillment plan step by step against the external systems: what the fulfillment and
compensation workers call.

``fulfillment_stages.next_step(plan)`` says what the order-fulfillment process runs next. A stage
runs its ready tasks in dependency order, each through the ledger (the request of each task:
:mod:`task_calls`):

    prepare (one transaction: start the task, record its request, begin the ledger entry; committed)
    call    (the adapter, outside any transaction; its answer committed to the ledger at once)
    apply   (one transaction: complete the task, or fail it and open the fallout case)

A business rejection (or a task that cannot be sent as planned: an unknown reference) ends the step
with the fallout case's id; a transient failure is recorded on the task and raised, so the job is
retried with the same idempotency key. Provisioning is asynchronous: its stage
(:mod:`provisioning_rounds`) sends the round's requests and returns the round's id;
:mod:`provisioning_results` records the callbacks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from oms.application.commands._order_loading import load_cancellation, load_order, load_plan
from oms.application.commands.external_calls import CallAnswer, call_through_ledger
from oms.application.commands.fulfillment import DecomposeOrder, decompose_order, fail_and_open_case
from oms.application.commands.fulfillment_stages import (
    ACTIVATE_BILLING,
    RESERVE_RESOURCE,
    next_step_of_order,
    stage_of,
)
from oms.application.commands.order import CloseOrder, StartOrderTreatment, close_order, start_order_treatment
from oms.application.commands.task_calls import (
    REFERENCE_FIELD,
    TaskNotSendable,
    build_call,
    is_asynchronous,
    values_before,
)
from oms.application.context import RequestContext
from oms.application.errors import Conflict
from oms.application.external_systems import (
    ExternalSystems,
    ExternalTransient,
    Json,
    LedgerEntry,
)
from oms.application.order_audit import plan_state, record_plan_change
from oms.application.runner import run_command, run_query
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from oms.domain.fallout.lifecycle import FalloutCategory
from oms.domain.fulfillment.plan import FulfillmentPlan, PlanPurpose, fulfillment_plan_id
from oms.domain.fulfillment.rules import RuleSet
from oms.domain.fulfillment.tasks import FulfillmentTask, TaskId, TaskState
from oms.domain.order.lifecycle import OrderState
from oms.domain.shared.ids import OrderId

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
    category = FalloutCategory.COMPENSATION_FAILED if plan.purpose is PlanPurpose.COMPENSATION else category
    _, case = fail_and_open_case(
        uow, plan, task.id, code=code, message=message, details=details or {}, category=category
    )
    return None if case is None else case.id


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
class PreparedTask:
    task_id: TaskId
    entry: LedgerEntry
    asynchronous: bool


def prepare_task(
    uow: UnitOfWork, plan: FulfillmentPlan, task: FulfillmentTask, extra: Json | None = None
) -> PreparedTask | str:
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
    return PreparedTask(task.id, uow.external_calls.begin(call), is_asynchronous(plan, task))


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


def _apply(uow: UnitOfWork, plan_id: str, prepared: PreparedTask, answer: CallAnswer) -> str | None:
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


def send_prepared(
    uow_factory: UnitOfWorkFactory, ctx: RequestContext, systems: ExternalSystems, plan_id: str, prepared: PreparedTask
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

    def prepare_next(uow: UnitOfWork) -> PreparedTask | str | None:
        plan = load_plan(uow, plan_id, for_update=True)
        task = next_task_of(plan, lambda task: selected(task) and task.id not in handled)
        if task is None:
            return live_case_of(uow, plan, selected)
        return prepare_task(uow, plan, task)

    while True:
        prepared = run_command(uow_factory, ctx, prepare_next)
        if prepared is None or isinstance(prepared, str):
            return prepared
        handled.add(prepared.task_id)
        case_id = send_prepared(uow_factory, ctx, systems, plan_id, prepared)
        if case_id is not None:
            return case_id


def next_task_of(plan: FulfillmentPlan, selected: Callable[[FulfillmentTask], bool]) -> FulfillmentTask | None:
    ordered = [plan.task(task_id) for task_id in plan.topological_order()]
    ready = {task.id for task in plan.ready_tasks()}
    in_progress = [task for task in ordered if selected(task) and task.state is TaskState.IN_PROGRESS]
    if in_progress:
        return in_progress[0]
    return next((task for task in ordered if selected(task) and task.id in ready), None)


def live_case_of(uow: UnitOfWork, plan: FulfillmentPlan, selected: Callable[[FulfillmentTask], bool]) -> str | None:
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
    plan_id = fulfillment_plan_id(OrderId(request.order_id))  # run_tasks loads it (NotFound when missing)
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
