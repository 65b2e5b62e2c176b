"""The FulfillmentPlan aggregate: the tasks of one order (or of one cancellation's compensation)
and the rules between them.

The plan, not the task, is the consistency boundary: "start only when the dependencies are done",
"close only when every task is done" and "the point of no return" are rules over several tasks.
Workers completing sibling tasks at the same time therefore serialise on the plan row (the
application locks it for the command), which is cheap: a plan has a handful of tasks.

Redelivered jobs are normal, so commands on a task that is already completed answer "already
completed" with the stored result (a value, not an error) and change nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from oms.domain.approval.authorization import require
from oms.domain.fulfillment import events
from oms.domain.fulfillment.authorization import can_plan_fulfillment, can_repair_tasks, can_run_tasks, can_skip_tasks
from oms.domain.fulfillment.decomposition import TaskSpec
from oms.domain.fulfillment.errors import (
    DependenciesNotDone,
    EvidenceRequired,
    InvalidPlan,
    PlanNotClosable,
    PointOfNoReturnPassed,
    ProtectedParameters,
    StaleRevision,
    UnknownTask,
)
from oms.domain.fulfillment.graph import dependency_problems, topological_order
from oms.domain.fulfillment.tasks import (
    PREVIOUS_PREFIX,
    REPAIR_PREFIX,
    TASK_ALLOWED_FROM,
    TASK_EDGES,
    Answer,
    ExternalRequest,
    FulfillmentTask,
    PlanId,
    TaskCommand,
    TaskError,
    TaskId,
    TaskOutcome,
    TaskResult,
    TaskState,
    idempotency_key,
    parameters_of,
)
from oms.domain.shared.actors import Actor
from oms.domain.shared.aggregate import AggregateRoot
from oms.domain.shared.errors import IllegalTransition
from oms.domain.shared.ids import OrderId, OrderItemId
from oms.domain.shared.time import require_utc

if TYPE_CHECKING:  # revisions are computed from plans, so that module imports this one
    from oms.domain.fulfillment.revision import PlanRevision


class PlanPurpose(StrEnum):
    FULFILLMENT = "fulfillment"
    COMPENSATION = "compensation"  # undoes another plan's tasks (an accepted cancellation)


def fulfillment_plan_id(order_id: OrderId) -> PlanId:
    return PlanId(f"{order_id}:fulfillment")


class FulfillmentPlan(AggregateRoot):
    def __init__(
        self,
        *,
        id: PlanId,
        order_id: OrderId,
        purpose: PlanPurpose,
        tasks: Sequence[FulfillmentTask],
        created_at: datetime,
        revision: int = 1,
        compensates_plan: PlanId | None = None,
        version: int = 0,
    ) -> None:
        """Rebuild a plan as stored; ``create`` makes a new one."""
        super().__init__(version)
        problems = dependency_problems([(task.id, task.depends_on) for task in tasks])
        if problems:
            raise InvalidPlan(id, problems)
        self.id = id
        self.order_id = order_id
        self.purpose = purpose
        self._tasks: dict[TaskId, FulfillmentTask] = {task.id: task for task in tasks}
        self.created_at = created_at
        self.revision = revision
        self.compensates_plan = compensates_plan

    @classmethod
    def create(
        cls,
        actor: Actor,
        *,
        plan_id: PlanId,
        order_id: OrderId,
        specs: Sequence[TaskSpec],
        now: datetime,
        purpose: PlanPurpose = PlanPurpose.FULFILLMENT,
        compensates_plan: PlanId | None = None,
    ) -> FulfillmentPlan:
        require(can_plan_fulfillment(actor), actor, "create a fulfillment plan")
        require_utc(now, "now")
        tasks = tuple(spec.new_task(order_id) for spec in specs)
        plan = cls(
            id=plan_id,
            order_id=order_id,
            purpose=purpose,
            tasks=tasks,
            created_at=now,
            compensates_plan=compensates_plan,
        )
        plan._raise_event(
            events.FulfillmentPlanCreated(plan_id, order_id, purpose, plan.task_ids, compensates_plan, now)
        )
        if plan.can_close():  # nothing to do (e.g. only noChange items): finished from the start
            plan._raise_event(events.FulfillmentPlanFinished(plan_id, order_id, now))
        return plan

    # -- reading --------------------------------------------------------------------------------

    @property
    def tasks(self) -> tuple[FulfillmentTask, ...]:
        return tuple(self._tasks.values())

    @property
    def task_ids(self) -> tuple[TaskId, ...]:
        return tuple(self._tasks)

    def task(self, task_id: TaskId) -> FulfillmentTask:
        try:
            return self._tasks[task_id]
        except KeyError:
            raise UnknownTask(self.id, task_id) from None

    def tasks_of_item(self, item_id: OrderItemId) -> tuple[FulfillmentTask, ...]:
        return tuple(task for task in self._tasks.values() if task.item_id == item_id)

    def dependency_graph(self) -> Mapping[TaskId, tuple[TaskId, ...]]:
        return MappingProxyType({task.id: task.depends_on for task in self._tasks.values()})

    def topological_order(self) -> tuple[TaskId, ...]:
        return topological_order(self.dependency_graph())

    def ready_tasks(self) -> tuple[FulfillmentTask, ...]:
        """Pending tasks whose dependencies are all completed or skipped: what may start now."""
        return tuple(
            task
            for task in self._tasks.values()
            if task.state is TaskState.PENDING and all(self._tasks[dep].state.is_done for dep in task.depends_on)
        )

    def passed_points_of_no_return(self) -> tuple[FulfillmentTask, ...]:
        return tuple(t for t in self._tasks.values() if t.point_of_no_return and t.state is TaskState.COMPLETED)

    def point_of_no_return_passed(self) -> bool:
        return bool(self.passed_points_of_no_return())

    def unfinished_tasks(self) -> tuple[FulfillmentTask, ...]:
        return tuple(task for task in self._tasks.values() if not task.state.is_done)

    def can_close(self) -> bool:
        """Every task completed or skipped."""
        return not self.unfinished_tasks()

    def require_closable(self) -> None:
        if not self.can_close():
            raise PlanNotClosable(self.id, [task.id for task in self.unfinished_tasks()])

    def compensating_tasks(self, task_id: TaskId) -> tuple[FulfillmentTask, ...]:
        return tuple(task for task in self._tasks.values() if task.compensates == task_id)

    # -- commands of the workers ----------------------------------------------------------------

    def start_task(self, actor: Actor, task_id: TaskId, *, now: datetime) -> TaskOutcome:
        require(can_run_tasks(actor), actor, "start a fulfillment task")
        task = self._task_at(task_id, now)
        if already := _already(task):
            return already
        self._guard(task, TaskCommand.START)
        waiting = [dep for dep in task.depends_on if not self._tasks[dep].state.is_done]
        if waiting:
            raise DependenciesNotDone(task.id, waiting)
        started = self._put(task, TaskState.IN_PROGRESS, started_at=now)
        self._raise_event(events.FulfillmentTaskStarted(self.id, task.id, task.task_type, task.run, actor.id, now))
        self._changed()
        return TaskOutcome(Answer.APPLIED, started)

    def record_external_request(self, actor: Actor, task_id: TaskId, *, now: datetime) -> TaskOutcome:
        """The request a worker is about to send; every attempt of one run shares its idempotency key."""
        require(can_run_tasks(actor), actor, "record an external request")
        task = self._task_at(task_id, now)
        if task.state is TaskState.COMPLETED:
            return TaskOutcome(Answer.ALREADY_COMPLETED, task, task.external_request)
        self._guard(task, TaskCommand.RECORD_REQUEST, TaskState.IN_PROGRESS)
        previous = task.external_request
        attempt = 1 if previous is None or previous.run != task.run else previous.attempt + 1
        request = ExternalRequest(
            task.id, task.target_system, str(task.task_type), idempotency_key(task.id, task.run), task.run, attempt, now
        )
        updated = self._replace(task, external_request=request)
        self._raise_event(
            events.ExternalRequestRecorded(
                self.id, task.id, task.target_system, request.operation, request.idempotency_key, attempt, now
            )
        )
        self._changed()
        return TaskOutcome(Answer.APPLIED, updated, request)

    def record_previous_values(
        self, actor: Actor, task_id: TaskId, *, values: Mapping[str, str], now: datetime
    ) -> FulfillmentTask:
        """What a change task (modify-service, update-billing) changes from, recorded before its first
        request (``@previous.<name>``, for the characteristics it sends): its compensation sends
        them back. Recorded once: the values before the first request are the ones to restore, so a
        later call (a redelivered job, a retry) changes nothing."""
        require(can_run_tasks(actor), actor, "record the values a task changes from")
        task = self._task_at(task_id, now)
        if not task.changes_back:
            raise IllegalTransition("FulfillmentTask", task.id, task.state, "record previous values")
        self._guard(task, TaskCommand.RECORD_REQUEST, TaskState.PENDING, TaskState.IN_PROGRESS)
        if task.previous_values:
            return task
        previous = {f"{PREVIOUS_PREFIX}{name}": values[name] for name in task.characteristics if name in values}
        if not previous:
            return task
        updated = self._replace(task, parameters=parameters_of({**task.parameter_map, **previous}))
        self._raise_event(events.PreviousValuesRecorded(self.id, task.id, tuple(sorted(updated.previous_values)), now))
        self._changed()
        return updated

    def complete_task(
        self,
        actor: Actor,
        task_id: TaskId,
        *,
        external_reference: str | None,
        now: datetime,
        data: Mapping[str, str] | None = None,
    ) -> TaskOutcome:
        require(can_run_tasks(actor), actor, "complete a fulfillment task")
        task = self._task_at(task_id, now)
        if task.state is TaskState.COMPLETED:
            return TaskOutcome(Answer.ALREADY_COMPLETED, task)  # the first result stays
        self._guard(task, TaskCommand.COMPLETE)
        result = TaskResult(external_reference, now, actor.id, data or {})
        completed = self._put(task, TaskState.COMPLETED, result=result, finished_at=now)
        self._raise_event(
            events.FulfillmentTaskCompleted(self.id, task.id, task.item_id, external_reference, False, actor.id, now)
        )
        self._after_done(now)
        return TaskOutcome(Answer.APPLIED, completed)

    def fail_task(
        self,
        actor: Actor,
        task_id: TaskId,
        *,
        code: str,
        message: str,
        now: datetime,
        details: Mapping[str, str] | None = None,
    ) -> TaskOutcome:
        """A business error (address unknown, no port free): the task fails and needs a fallout case."""
        require(can_run_tasks(actor), actor, "fail a fulfillment task")
        task = self._task_at(task_id, now)
        if task.state is TaskState.COMPLETED:
            return TaskOutcome(Answer.ALREADY_COMPLETED, task)
        self._guard(task, TaskCommand.FAIL_BUSINESS)
        failed = self._put(task, TaskState.FAILED, last_error=TaskError(code, message, now, details or {}))
        self._raise_event(events.FulfillmentTaskFailed(self.id, task.id, task.item_id, code, message, now))
        self._changed()
        return TaskOutcome(Answer.APPLIED, failed)

    def record_technical_failure(
        self, actor: Actor, task_id: TaskId, *, code: str, message: str, now: datetime
    ) -> TaskOutcome:
        """A technical error (timeout, 5xx): retryable, so the task stays in progress and the
        engine retries the job (with the same idempotency key); no fallout."""
        require(can_run_tasks(actor), actor, "record a technical failure")
        task = self._task_at(task_id, now)
        if task.state is TaskState.COMPLETED:
            return TaskOutcome(Answer.ALREADY_COMPLETED, task)
        self._guard(task, TaskCommand.FAIL_TECHNICAL, TaskState.IN_PROGRESS)
        updated = self._replace(
            task, technical_failures=task.technical_failures + 1, last_error=TaskError(code, message, now)
        )
        self._raise_event(events.TechnicalFailureRecorded(self.id, task.id, code, updated.technical_failures, now))
        self._changed()
        return TaskOutcome(Answer.APPLIED, updated)

    # -- commands of repairs, cancellation and amendment ------------------------------------------

    def skip_task(
        self, actor: Actor, task_id: TaskId, *, reason: str, now: datetime, superseded_by: str | None = None
    ) -> TaskOutcome:
        require(can_skip_tasks(actor), actor, "skip a fulfillment task")
        task = self._task_at(task_id, now)
        self._guard(task, TaskCommand.SKIP)
        skipped = self._skip(task, reason, superseded_by, actor, now)
        self._after_done(now)
        return TaskOutcome(Answer.APPLIED, skipped)

    def skip_open_tasks(self, actor: Actor, *, reason: str, now: datetime) -> tuple[TaskId, ...]:
        """Skip every task not started yet (or failed): the order is being cancelled."""
        require(can_skip_tasks(actor), actor, "skip fulfillment tasks")
        require_utc(now, "now")
        open_tasks = [t for t in self._tasks.values() if t.state in (TaskState.PENDING, TaskState.FAILED)]
        for task in open_tasks:
            self._skip(task, reason, None, actor, now)
        if open_tasks:
            self._after_done(now)
        return tuple(task.id for task in open_tasks)

    def retry_task(
        self, actor: Actor, task_id: TaskId, *, now: datetime, corrections: Mapping[str, str] | None = None
    ) -> TaskOutcome:
        """A repair: the failed task runs again, as a new run with a new idempotency key (the old
        key would return the stored business error, and the system would answer the old request).

        ``corrections`` (the operator's repair data) are recorded on the task (``@repair.<name>``)
        and win over its planned characteristics of the same name (or are added to them), so this
        run and every later one send them (``FulfillmentTask.characteristics``); the planned
        parameters stay as they are, so an amendment still compares like with like. Names starting
        with ``@`` are the plan's own (product id, prices, previous values) and cannot be corrected."""
        require(can_repair_tasks(actor), actor, "retry a fulfillment task")
        task = self._task_at(task_id, now)
        self._guard(task, TaskCommand.RETRY)
        corrected = dict(corrections or {})
        protected = sorted(name for name in corrected if name.startswith("@"))
        if protected:
            raise ProtectedParameters(task.id, protected)
        retried = self._put(
            task,
            TaskState.PENDING,
            run=task.run + 1,
            parameters=parameters_of(
                {**task.parameter_map, **{f"{REPAIR_PREFIX}{name}": value for name, value in corrected.items()}}
            ),
            external_request=None,
            technical_failures=0,
            started_at=None,
            last_error=None,
        )
        self._raise_event(
            events.FulfillmentTaskRetried(self.id, task.id, retried.run, actor.id, now, tuple(sorted(corrected)))
        )
        self._changed()
        return TaskOutcome(Answer.APPLIED, retried)

    def complete_task_manually(
        self,
        actor: Actor,
        task_id: TaskId,
        *,
        evidence: str,
        now: datetime,
        external_reference: str | None = None,
        data: Mapping[str, str] | None = None,
    ) -> TaskOutcome:
        require(can_repair_tasks(actor), actor, "complete a fulfillment task by hand")
        task = self._task_at(task_id, now)
        self._guard(task, TaskCommand.COMPLETE_MANUALLY)
        if not evidence.strip():
            raise EvidenceRequired(task.id)
        result = TaskResult(external_reference, now, actor.id, data or {}, manual_evidence=evidence)
        completed = self._put(task, TaskState.COMPLETED, result=result, finished_at=now)
        self._raise_event(
            events.FulfillmentTaskCompleted(self.id, task.id, task.item_id, external_reference, True, actor.id, now)
        )
        self._after_done(now)
        return TaskOutcome(Answer.APPLIED, completed)

    def apply_revision(self, actor: Actor, revision: PlanRevision, *, now: datetime) -> None:
        """Apply an amendment's revision (``oms.domain.fulfillment.revision.revise_plan``)."""
        require(can_plan_fulfillment(actor), actor, "revise a fulfillment plan")
        require_utc(now, "now")
        if revision.plan_id != self.id or revision.based_on_version != self.version:
            raise StaleRevision(self.id, revision.based_on_version, self.version)
        if revision.irreversible:
            raise PointOfNoReturnPassed(self.id, list(revision.irreversible))
        tasks = {task.id: task for task in revision.revised_tasks(self.tasks, self.order_id, now)}
        problems = dependency_problems([(task.id, task.depends_on) for task in tasks.values()])
        if problems:
            raise InvalidPlan(self.id, problems)
        self._tasks = tasks
        self.revision += 1
        self._raise_event(
            events.FulfillmentPlanRevised(
                self.id, self.revision, revision.scope, revision.superseded, tuple(s.id for s in revision.added), now
            )
        )
        self._after_done(now)

    # -- internals ------------------------------------------------------------------------------

    def _task_at(self, task_id: TaskId, now: datetime) -> FulfillmentTask:
        require_utc(now, "now")
        return self.task(task_id)

    def _guard(self, task: FulfillmentTask, command: TaskCommand, *states: TaskState) -> None:
        allowed = states or TASK_ALLOWED_FROM[command]
        if task.state not in allowed:
            raise IllegalTransition("FulfillmentTask", task.id, task.state, command)

    def _put(self, task: FulfillmentTask, target: TaskState, **changes: object) -> FulfillmentTask:
        # Every state change goes through here, so a task cannot leave the edges of its machine.
        if (task.state, target) not in TASK_EDGES:
            raise IllegalTransition("FulfillmentTask", task.id, task.state, f"move to {target}")
        return self._replace(task, state=target, **changes)

    def _replace(self, task: FulfillmentTask, **changes: object) -> FulfillmentTask:
        updated = replace(task, **changes)  # type: ignore[arg-type]
        self._tasks[task.id] = updated
        return updated

    def _skip(
        self, task: FulfillmentTask, reason: str, superseded_by: str | None, actor: Actor, now: datetime
    ) -> FulfillmentTask:
        skipped = self._put(task, TaskState.SKIPPED, skip_reason=reason, superseded_by=superseded_by, finished_at=now)
        self._raise_event(events.FulfillmentTaskSkipped(self.id, task.id, reason, superseded_by, actor.id, now))
        return skipped

    def _after_done(self, now: datetime) -> None:
        if self.can_close():
            self._raise_event(events.FulfillmentPlanFinished(self.id, self.order_id, now))
        self._changed()


def _already(task: FulfillmentTask) -> TaskOutcome | None:
    if task.state is TaskState.COMPLETED:
        return TaskOutcome(Answer.ALREADY_COMPLETED, task)
    if task.state is TaskState.SKIPPED:
        return TaskOutcome(Answer.ALREADY_SKIPPED, task)
    if task.state is TaskState.IN_PROGRESS:
        return TaskOutcome(Answer.ALREADY_IN_PROGRESS, task)
    return None
