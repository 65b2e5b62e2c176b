"""Provisioning rounds: the asynchronous stage. A round starts every ready provisioning task and
sends its requests through the ledger; the callbacks are recorded by :mod:`provisioning_results`, and
when none of the round's tasks is in flight any more ``order.provisioning.completed`` is written."""

from __future__ import annotations

from typing import Final

from oms.application.commands._order_loading import load_plan
from oms.application.commands.fulfillment_stages import (
    PROVISION_SERVICE,
    next_step,
)
from oms.application.commands.fulfillment_steps import (
    PreparedTask,
    ProvisioningRequested,
    fail_with_fallout,
    live_case_of,
    prepare_task,
    send_prepared,
)
from oms.application.context import RequestContext
from oms.application.errors import Conflict
from oms.application.external_systems import (
    ExternalCall,
    ExternalSystems,
    Json,
    LedgerEntry,
)
from oms.application.runner import run_command
from oms.application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from oms.application.workflow import WorkflowMessage
from oms.domain.fallout.lifecycle import FalloutCategory
from oms.domain.fulfillment.plan import FulfillmentPlan, fulfillment_plan_id
from oms.domain.fulfillment.tasks import FulfillmentTask, TargetSystem, TaskId, TaskState
from oms.domain.shared.ids import OrderId

#: the message the provisioning round's results are announced with (docs/processes.md)
PROVISIONING_COMPLETED: Final = "order.provisioning.completed"
PROVISIONING_TIMEOUT: Final = "provisioningTimeout"


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


def _open_round(uow: UnitOfWork, order_id: str) -> tuple[str, list[PreparedTask]] | str:
    """The round to run: the one whose requests are in flight (a redelivered job), or a new one with
    every ready provisioning task started and its ledger entry begun, in this transaction (so a
    callback arriving while the requests go out never sees the round finished early). The fallout
    case's id when a provisioning task waits for its repair and nothing else is due."""
    plan = load_plan(uow, fulfillment_plan_id(OrderId(order_id)), for_update=True)
    ordered = (plan.task(task_id) for task_id in plan.topological_order())
    provisioning = [task for task in ordered if task.target_system is TargetSystem.PROVISIONING]
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
            PreparedTask(task.id, uow.external_calls.begin(_call_of(entry)), True)
            for task, entry in in_flight
            if round_of(entry) == current
        ]
        return current, resend
    ready = {task.id for task in plan.ready_tasks()}
    due = [task for task in provisioning if task.id in ready or task.state is TaskState.IN_PROGRESS]
    if not due:
        case_id = live_case_of(uow, plan, lambda task: task.target_system is TargetSystem.PROVISIONING)
        if case_id is not None:
            return case_id
    number = max((int(str(entry.request.get("provisioningRound", 0))) for entry in entries), default=0) + 1
    round_id = _round_id(order_id, number)
    extra: Json = {"provisioningRequestId": round_id, "provisioningRound": number}
    prepared: list[PreparedTask] = []
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
        case_id = send_prepared(uow_factory, ctx, systems, plan_id, each)
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
