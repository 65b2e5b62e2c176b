"""Fulfillment commands: decompose an order into its plan, and the task commands the workers call
(start, record the external request, complete with the result, fail with a business or a
technical error). Compensation tasks of a cancellation use the same commands with the
compensation plan's id.

Redelivered jobs are normal: a command on a task that is already done answers with what the task
is (``answer`` = alreadyCompleted with the stored result, alreadyInProgress, alreadySkipped,
alreadyFailed) and changes nothing. Every command on a plan locks the plan row first, so sibling
tasks finishing at the same moment take turns instead of failing on the version."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from oms.application.commands._order_fallout import open_fallout
from oms.application.commands._order_loading import load_order, load_plan, plan_task
from oms.application.fulfillment_views import ALREADY_FAILED, PlanView, TaskOutcomeView
from oms.application.order_audit import order_state, plan_state, record_order_change, record_plan_change
from oms.application.unit_of_work import UnitOfWork
from oms.domain.approval.authorization import require
from oms.domain.fallout.lifecycle import FalloutCategory
from oms.domain.fallout.model import FalloutCase
from oms.domain.fulfillment.authorization import can_plan_fulfillment
from oms.domain.fulfillment.decomposition import plan_tasks
from oms.domain.fulfillment.demo_rules import demo_rules
from oms.domain.fulfillment.plan import FulfillmentPlan, fulfillment_plan_id
from oms.domain.fulfillment.rules import RuleSet
from oms.domain.fulfillment.tasks import Answer, TaskId, TaskOutcome, TaskState
from oms.domain.order.lifecycle import OrderState
from oms.domain.shared.errors import IllegalTransition


@dataclass(frozen=True)
class DecomposeOrder:
    order_id: str


@dataclass(frozen=True)
class StartTask:
    plan_id: str
    task_id: str


@dataclass(frozen=True)
class RecordExternalRequest:
    plan_id: str
    task_id: str


@dataclass(frozen=True)
class CompleteTask:
    plan_id: str
    task_id: str
    external_reference: str | None = None
    data: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FailTask:
    """A business error of the target system (address unknown, no port free): opens a fallout case."""

    plan_id: str
    task_id: str
    code: str
    message: str
    details: Mapping[str, str] = field(default_factory=dict)
    category: FalloutCategory = FalloutCategory.EXTERNAL_REJECTION


@dataclass(frozen=True)
class RecordTechnicalFailure:
    """A technical error (timeout, 5xx): the engine retries the job; no fallout."""

    plan_id: str
    task_id: str
    code: str
    message: str


# Orders whose items are worth planning: placed and not over.
_PLANNABLE = frozenset(state for state in OrderState if not state.is_final)


def decompose_order(uow: UnitOfWork, request: DecomposeOrder, *, rules: RuleSet | None = None) -> PlanView:
    """The order's fulfillment plan. Idempotent: when the order has its plan already (a redelivered
    job), that plan is returned unchanged."""
    actor = uow.context.actor
    require(can_plan_fulfillment(actor), actor, "create a fulfillment plan")
    order = load_order(uow, request.order_id)
    existing = uow.plans.get(fulfillment_plan_id(order.id), for_update=True)
    if existing is not None:
        return PlanView.of(existing)
    if order.state not in _PLANNABLE:
        raise IllegalTransition("ProductOrder", order.id, order.state, "decompose")
    specs = plan_tasks(order.id, order.decomposition_items(), rules or demo_rules())
    plan = FulfillmentPlan.create(
        actor, plan_id=fulfillment_plan_id(order.id), order_id=order.id, specs=specs, now=uow.now
    )
    uow.plans.add(plan)
    record_plan_change(uow, "decomposeOrder", plan, None)
    return PlanView.of(plan)


def start_task(uow: UnitOfWork, request: StartTask) -> TaskOutcomeView:
    return _run(
        uow,
        request.plan_id,
        request.task_id,
        "startTask",
        lambda plan, task_id: plan.start_task(uow.context.actor, task_id, now=uow.now),
    )


def record_external_request(uow: UnitOfWork, request: RecordExternalRequest) -> TaskOutcomeView:
    """The request a worker is about to send, with its idempotency key (``{taskId}:run-{n}``): the
    same for every technical attempt of a run, so the target system can deduplicate."""
    return _run(
        uow,
        request.plan_id,
        request.task_id,
        "recordExternalRequest",
        lambda plan, task_id: plan.record_external_request(uow.context.actor, task_id, now=uow.now),
    )


def complete_task(uow: UnitOfWork, request: CompleteTask) -> TaskOutcomeView:
    """Completed with the external result; a task completed before answers alreadyCompleted with
    the result stored first."""
    return _run(
        uow,
        request.plan_id,
        request.task_id,
        "completeTask",
        lambda plan, task_id: plan.complete_task(
            uow.context.actor,
            task_id,
            external_reference=request.external_reference,
            data=request.data,
            now=uow.now,
        ),
    )


def record_technical_failure(uow: UnitOfWork, request: RecordTechnicalFailure) -> TaskOutcomeView:
    return _run(
        uow,
        request.plan_id,
        request.task_id,
        "recordTechnicalFailure",
        lambda plan, task_id: plan.record_technical_failure(
            uow.context.actor, task_id, code=request.code, message=request.message, now=uow.now
        ),
    )


def fail_task(uow: UnitOfWork, request: FailTask) -> TaskOutcomeView:
    """The task fails, a fallout case is opened and recorded on the order (a running order is then
    held), and the ``fallout-repair`` workflow is requested, all in this transaction. Redelivered
    after that: answers alreadyFailed with the case, and changes nothing."""
    plan = load_plan(uow, request.plan_id, for_update=True)
    task = plan_task(plan, request.task_id)
    if task.state is TaskState.FAILED:
        live = uow.fallout_cases.live_case_of_task(plan.id, task.id)
        if live is not None:
            return TaskOutcomeView.of(
                plan, TaskOutcome(Answer.APPLIED, task), answer=ALREADY_FAILED, fallout_case_id=live.id
            )
    outcome, case = fail_and_open_case(
        uow,
        plan,
        task.id,
        code=request.code,
        message=request.message,
        details=request.details,
        category=request.category,
    )
    if case is None:
        return TaskOutcomeView.of(plan, outcome)
    return TaskOutcomeView.of(plan, outcome, fallout_case_id=case.id)


def fail_and_open_case(
    uow: UnitOfWork,
    plan: FulfillmentPlan,
    task_id: TaskId,
    *,
    code: str,
    message: str,
    details: Mapping[str, str],
    category: FalloutCategory,
) -> tuple[TaskOutcome, FalloutCase | None]:
    """Fail the task (on the plan loaded for update) and, when that applied, open its fallout case
    and record it on the order, in the caller's transaction; no case for an "already …" answer."""
    before = plan_state(plan)
    outcome = plan.fail_task(uow.context.actor, task_id, code=code, message=message, details=details, now=uow.now)
    if outcome.answer is not Answer.APPLIED:
        return outcome, None
    uow.plans.save(plan)
    record_plan_change(uow, "failTask", plan, before)
    order = load_order(uow, plan.order_id)
    order_before = order_state(order)
    case = open_fallout(uow, order, plan, task_id, category)
    uow.orders.save(order)
    record_order_change(uow, "recordFallout", order, order_before)
    return outcome, case


def _run(
    uow: UnitOfWork,
    plan_id: str,
    task_id: str,
    action: str,
    command: Callable[[FulfillmentPlan, TaskId], TaskOutcome],
) -> TaskOutcomeView:
    """Lock the plan, run the task command, and save and audit it only when it applied: the
    "already …" answers of redelivered jobs change nothing."""
    plan = load_plan(uow, plan_id, for_update=True)
    task = plan_task(plan, task_id)
    before = plan_state(plan)
    outcome = command(plan, task.id)
    if outcome.answer is Answer.APPLIED:
        uow.plans.save(plan)
        record_plan_change(uow, action, plan, before)
    return TaskOutcomeView.of(plan, outcome)
