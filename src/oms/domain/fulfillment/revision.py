"""Revising a plan for an amended order: a diff between the tasks the plan has and the tasks the
amended order needs (its fresh decomposition, the "target").

Tasks are matched by (item, task type):
- same parameters (as planned: what runs recorded since, repair corrections and previous values, do
  not count): **kept** as they are (whatever their state);
- missing from the target, or with other parameters: the old task is **superseded** when it has no
  effect yet (skipped), or **compensated** when it may have (a compensating task is added);
- with other parameters: **redone**, as a new task under the amendment's scope, after the
  compensation of the old one;
- only in the target: **added**.

A kept task that has not started yet is rewired to the target's dependencies (it may now wait for
a redone task). The revision is refused when a task to be undone is past its point of no return."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from oms.domain.fulfillment.compensation import compensation_specs, irreversible
from oms.domain.fulfillment.decomposition import TaskSpec
from oms.domain.fulfillment.tasks import FulfillmentTask, PlanId, TaskId, TaskState, derive_task_id
from oms.domain.shared.ids import OrderId

if TYPE_CHECKING:  # the plan applies revisions, so it imports this module
    from oms.domain.fulfillment.plan import FulfillmentPlan


@dataclass(frozen=True)
class PlanRevision:
    plan_id: PlanId
    based_on_version: int
    scope: str
    kept: tuple[TaskId, ...]
    superseded: tuple[TaskId, ...]  # had no effect: skipped
    compensated: tuple[TaskId, ...]  # may have had an effect: undone by a task in ``added``
    added: tuple[TaskSpec, ...]  # compensations first (in their order), then redone and new tasks
    rewired: tuple[tuple[TaskId, tuple[TaskId, ...]], ...]  # kept pending tasks, new dependencies
    irreversible: tuple[TaskId, ...]  # tasks to undo that are past their point of no return

    @property
    def allowed(self) -> bool:
        return not self.irreversible

    @property
    def is_empty(self) -> bool:
        return not (self.superseded or self.compensated or self.added or self.rewired)

    def revised_tasks(
        self, tasks: Sequence[FulfillmentTask], order_id: OrderId, now: datetime
    ) -> tuple[FulfillmentTask, ...]:
        """The plan's tasks after this revision (the plan checks and stores them)."""
        revised = {task.id: task for task in tasks}
        for task_id in self.superseded:
            revised[task_id] = replace(
                revised[task_id],
                state=TaskState.SKIPPED,  # from pending, failed or skipped: edges of the task machine
                skip_reason=f"superseded by {self.scope}",
                superseded_by=self.scope,
                finished_at=now,
            )
        for task_id, depends_on in self.rewired:
            revised[task_id] = replace(revised[task_id], depends_on=depends_on)
        for spec in self.added:
            revised[spec.id] = spec.new_task(order_id)
        return tuple(revised.values())


def live_tasks(tasks: Sequence[FulfillmentTask]) -> tuple[FulfillmentTask, ...]:
    """The tasks that currently stand for their (item, type): not compensations, not replaced by
    an earlier amendment, not undone."""
    undone = {task.compensates for task in tasks if task.compensates is not None}
    return tuple(
        task for task in tasks if not task.is_compensation and task.superseded_by is None and task.id not in undone
    )


def revise_plan(plan: FulfillmentPlan, target: Sequence[TaskSpec], *, scope: str) -> PlanRevision:
    """``target``: the decomposition of the amended order (canonical ids); ``scope``: the
    amendment's, so redone tasks get ids of their own."""
    live = {(task.item_id, task.task_type): task for task in live_tasks(plan.tasks)}
    existing = set(plan.task_ids)
    placed: dict[TaskId, TaskId] = {}  # target id -> id in the revised plan
    kept: list[FulfillmentTask] = []
    replaced: dict[TaskId, FulfillmentTask] = {}  # target id -> the old task it replaces
    for spec in target:
        old = live.get(spec.key)
        if old is not None and old.planned_parameters == spec.parameters:
            kept.append(old)
            placed[spec.id] = old.id
            continue
        if old is not None:
            replaced[spec.id] = old
        placed[spec.id] = (
            spec.id if spec.id not in existing else derive_task_id(plan.order_id, spec.item_id, spec.task_type, scope)
        )
    target_keys = {spec.key for spec in target}
    outgoing = [*replaced.values(), *(task for key, task in live.items() if key not in target_keys)]
    to_undo = [task for task in outgoing if task.has_effect]
    superseded = tuple(task.id for task in outgoing if not task.has_effect)
    compensations = compensation_specs(plan.tasks, to_undo, scope=f"{scope}-undo")
    compensation_of = {spec.compensates: spec.id for spec in compensations}
    kept_ids = {task.id for task in kept}
    added = list(compensations)
    rewired: list[tuple[TaskId, tuple[TaskId, ...]]] = []
    for spec in target:
        depends_on = tuple(placed[dep] for dep in spec.depends_on)
        if placed[spec.id] in kept_ids:
            task = plan.task(placed[spec.id])
            if task.state is TaskState.PENDING and task.depends_on != depends_on:
                rewired.append((task.id, depends_on))
            continue
        old = replaced.get(spec.id)
        if old is not None and old.id in compensation_of:
            depends_on = (*depends_on, compensation_of[old.id])
        added.append(TaskSpec(placed[spec.id], spec.item_id, spec.task_type, depends_on, spec.parameters))
    return PlanRevision(
        plan_id=plan.id,
        based_on_version=plan.version,
        scope=scope,
        kept=tuple(task.id for task in kept),
        superseded=superseded,
        compensated=tuple(task.id for task in to_undo),
        added=tuple(added),
        rewired=tuple(rewired),
        irreversible=tuple(task.id for task in irreversible(to_undo)),
    )
