"""Compensation: which tasks must be undone, whether they can be, and the tasks that undo them.

Works on the tasks of a plan (not on the aggregate), so cancellation and amendment share it.

A task needs undoing when it *may* have changed something outside: completed, or in flight (its
request was sent; the external system may act on it even if we never hear back). Compensating
calls are idempotent on the external side, so undoing an in-flight task that in the end never took
effect is harmless, while forgetting one that did would leave a port reserved for nobody."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from oms.domain.fulfillment.decomposition import TaskSpec
from oms.domain.fulfillment.errors import PointOfNoReturnPassed
from oms.domain.fulfillment.graph import ancestors, topological_order
from oms.domain.fulfillment.plan import FulfillmentPlan, PlanPurpose
from oms.domain.fulfillment.tasks import (
    PREVIOUS_PREFIX,
    REPAIR_PREFIX,
    FulfillmentTask,
    PlanId,
    TaskId,
    TaskParameters,
    TaskState,
    derive_task_id,
    parameters_of,
)
from oms.domain.shared.actors import Actor


def tasks_to_compensate(tasks: Sequence[FulfillmentTask]) -> tuple[FulfillmentTask, ...]:
    """Forward tasks with an effect that no completed compensation has undone yet (an amendment
    may already have undone some)."""
    undone = {t.compensates for t in tasks if t.compensates is not None and t.state is TaskState.COMPLETED}
    return tuple(t for t in tasks if not t.is_compensation and t.has_effect and t.id not in undone)


def irreversible(tasks: Sequence[FulfillmentTask]) -> tuple[FulfillmentTask, ...]:
    """Those past their point of no return (or in flight on one, or with no compensation at all)."""
    return tuple(task for task in tasks if task.is_irreversible)


def compensation_specs(
    all_tasks: Sequence[FulfillmentTask], to_undo: Sequence[FulfillmentTask], *, scope: str
) -> tuple[TaskSpec, ...]:
    """One compensating task per task of ``to_undo`` (irreversible ones are left out: the caller
    refuses before), in reverse dependency order: if B waited for A (directly or through other
    tasks), B's compensation runs before A's (deprovision before release, deactivate billing before
    deprovision). The result is listed in that order too."""
    graph: Mapping[TaskId, tuple[TaskId, ...]] = {task.id: task.depends_on for task in all_tasks}
    chosen = {task.id: task for task in to_undo if not task.is_irreversible}
    order = [task_id for task_id in reversed(topological_order(graph)) if task_id in chosen]
    upstream = {task_id: ancestors(graph, task_id) for task_id in order}
    comp_ids = {task_id: _compensation_id(chosen[task_id], scope) for task_id in order}
    specs: list[TaskSpec] = []
    for task_id in order:
        task = chosen[task_id]
        compensation = task.spec.compensation
        assert compensation is not None  # is_irreversible covers tasks without one
        waits_for = tuple(comp_ids[other] for other in order if task_id in upstream[other])
        specs.append(
            TaskSpec(comp_ids[task_id], task.item_id, compensation, waits_for, _undoing_parameters(task), task.id)
        )
    return tuple(specs)


def _undoing_parameters(task: FulfillmentTask) -> TaskParameters:
    """The parameters of the task that undoes ``task``: its own (the compensation acts on what it did),
    except for a change task (modify-service, update-billing), which is undone by changing back: its
    compensation carries the values it changed from as its characteristics, and the plan's own
    parameters (product id, prices). A characteristic whose previous value was not recorded is not
    sent (the system keeps it as it is), rather than sending the changed value again."""
    if not task.changes_back:
        return task.parameters
    own = {
        name: value
        for name, value in task.parameters
        if name.startswith("@") and not name.startswith((REPAIR_PREFIX, PREVIOUS_PREFIX))
    }
    return parameters_of({**own, **task.previous_values})


def _compensation_id(task: FulfillmentTask, scope: str) -> TaskId:
    compensation = task.spec.compensation
    assert compensation is not None
    # A task redone by an amendment has a scoped id; its compensation keeps that scope too, so it
    # cannot collide with the compensation of the task it replaced.
    own_scope = task.id.removeprefix(derive_task_id(task.order_id, task.item_id, task.task_type))
    return derive_task_id(task.order_id, task.item_id, compensation, scope + own_scope)


def compensation_plan(
    actor: Actor, plan: FulfillmentPlan, *, plan_id: PlanId, scope: str, now: datetime
) -> FulfillmentPlan:
    """The plan that undoes what ``plan`` did (an accepted cancellation), in reverse dependency
    order. Refused when something to undo is past its point of no return."""
    to_undo = tasks_to_compensate(plan.tasks)
    blocked = irreversible(to_undo)
    if blocked:
        raise PointOfNoReturnPassed(plan.id, [task.id for task in blocked])
    return FulfillmentPlan.create(
        actor,
        plan_id=plan_id,
        order_id=plan.order_id,
        specs=compensation_specs(plan.tasks, to_undo, scope=scope),
        now=now,
        purpose=PlanPurpose.COMPENSATION,
        compensates_plan=plan.id,
    )
