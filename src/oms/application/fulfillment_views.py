"""What fulfillment and fallout commands and queries return: plans with their tasks, the answer to
a task command, and fallout cases; detached values with ``to_dict()`` (camelCase JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oms.application.codecs import iso_or_none
from oms.application.order_codecs import (
    external_request_to_dict,
    repair_to_dict,
    task_error_to_dict,
    task_result_to_dict,
)
from oms.application.views import Page
from oms.domain.fallout.model import FalloutCase
from oms.domain.fulfillment.plan import FulfillmentPlan
from oms.domain.fulfillment.tasks import FulfillmentTask, TaskOutcome

Json = dict[str, Any]


@dataclass(frozen=True)
class TaskView:
    id: str
    plan_id: str
    order_id: str
    item_id: str
    task_type: str
    target_system: str
    state: str  # pending, inProgress, completed, failed, skipped
    depends_on: tuple[str, ...]
    parameters: Json  # name -> value
    compensates: str | None
    point_of_no_return: bool
    run: int
    external_request: Json | None  # the request of this run (idempotency key, attempt)
    technical_failures: int
    last_error: Json | None
    result: Json | None
    skip_reason: str | None
    superseded_by: str | None
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, plan_id: str, task: FulfillmentTask) -> TaskView:
        return cls(
            id=task.id,
            plan_id=plan_id,
            order_id=task.order_id,
            item_id=task.item_id,
            task_type=str(task.task_type),
            target_system=str(task.target_system),
            state=str(task.state),
            depends_on=task.depends_on,
            parameters=dict(task.parameters),
            compensates=task.compensates,
            point_of_no_return=task.point_of_no_return,
            run=task.run,
            external_request=None if task.external_request is None else external_request_to_dict(task.external_request),
            technical_failures=task.technical_failures,
            last_error=None if task.last_error is None else task_error_to_dict(task.last_error),
            result=None if task.result is None else task_result_to_dict(task.result),
            skip_reason=task.skip_reason,
            superseded_by=task.superseded_by,
            started_at=task.started_at,
            finished_at=task.finished_at,
        )

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "planId": self.plan_id,
            "orderId": self.order_id,
            "itemId": self.item_id,
            "taskType": self.task_type,
            "targetSystem": self.target_system,
            "state": self.state,
            "dependsOn": list(self.depends_on),
            "parameters": self.parameters,
            "compensates": self.compensates,
            "pointOfNoReturn": self.point_of_no_return,
            "run": self.run,
            "externalRequest": self.external_request,
            "technicalFailures": self.technical_failures,
            "lastError": self.last_error,
            "result": self.result,
            "skipReason": self.skip_reason,
            "supersededBy": self.superseded_by,
            "startedAt": iso_or_none(self.started_at),
            "finishedAt": iso_or_none(self.finished_at),
        }


@dataclass(frozen=True)
class PlanView:
    id: str
    version: int
    order_id: str
    purpose: str  # fulfillment, compensation
    revision: int
    compensates_plan: str | None
    created_at: datetime
    tasks: tuple[TaskView, ...]
    ready_task_ids: tuple[str, ...]  # pending tasks whose dependencies are done
    can_close: bool  # every task completed or skipped
    point_of_no_return_passed: bool

    @classmethod
    def of(cls, plan: FulfillmentPlan) -> PlanView:
        return cls(
            id=plan.id,
            version=plan.version,
            order_id=plan.order_id,
            purpose=str(plan.purpose),
            revision=plan.revision,
            compensates_plan=plan.compensates_plan,
            created_at=plan.created_at,
            tasks=tuple(TaskView.of(plan.id, task) for task in plan.tasks),
            ready_task_ids=tuple(task.id for task in plan.ready_tasks()),
            can_close=plan.can_close(),
            point_of_no_return_passed=plan.point_of_no_return_passed(),
        )

    def task(self, task_id: str) -> TaskView:
        return next(task for task in self.tasks if task.id == task_id)

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "version": self.version,
            "orderId": self.order_id,
            "purpose": self.purpose,
            "revision": self.revision,
            "compensatesPlan": self.compensates_plan,
            "createdAt": iso_or_none(self.created_at),
            "tasks": [task.to_dict() for task in self.tasks],
            "readyTaskIds": list(self.ready_task_ids),
            "canClose": self.can_close,
            "pointOfNoReturnPassed": self.point_of_no_return_passed,
        }


# The answer to a task command besides the domain's (applied, alreadyInProgress, alreadyCompleted,
# alreadySkipped): a business failure redelivered after its case was opened.
ALREADY_FAILED = "alreadyFailed"


@dataclass(frozen=True)
class TaskOutcomeView:
    """What a worker needs to answer its job: whether the command applied or what the task already
    is (a redelivered job), the task with its stored result, and the plan's state after it."""

    answer: str  # applied, alreadyInProgress, alreadyCompleted, alreadySkipped, alreadyFailed
    task: TaskView
    plan_version: int
    plan_can_close: bool
    ready_task_ids: tuple[str, ...]
    external_request: Json | None  # record external request: the request to send (idempotency key)
    fallout_case_id: str | None  # fail (business): the case opened for it

    @classmethod
    def of(
        cls,
        plan: FulfillmentPlan,
        outcome: TaskOutcome,
        *,
        answer: str | None = None,
        fallout_case_id: str | None = None,
    ) -> TaskOutcomeView:
        request = outcome.request or (outcome.task.external_request if outcome.already_completed else None)
        return cls(
            answer=answer or str(outcome.answer),
            task=TaskView.of(plan.id, outcome.task),
            plan_version=plan.version,
            plan_can_close=plan.can_close(),
            ready_task_ids=tuple(task.id for task in plan.ready_tasks()),
            external_request=None if request is None else external_request_to_dict(request),
            fallout_case_id=fallout_case_id,
        )

    def to_dict(self) -> Json:
        return {
            "answer": self.answer,
            "task": self.task.to_dict(),
            "planVersion": self.plan_version,
            "planCanClose": self.plan_can_close,
            "readyTaskIds": list(self.ready_task_ids),
            "externalRequest": self.external_request,
            "falloutCaseId": self.fallout_case_id,
        }


@dataclass(frozen=True)
class FalloutCaseView:
    id: str
    version: int
    order_id: str
    plan_id: str
    task_id: str
    item_id: str
    category: str
    reason: str
    status: str  # open, inRepair, resolved, cancelled
    opened_at: datetime
    opened_by: str
    repair_data: Json
    assignee: str | None
    repair: Json | None  # what the operator did, by whom, when, with which evidence
    closed_at: datetime | None
    close_reason: str

    @classmethod
    def of(cls, case: FalloutCase) -> FalloutCaseView:
        return cls(
            id=case.id,
            version=case.version,
            order_id=case.order_id,
            plan_id=case.plan_id,
            task_id=case.task_id,
            item_id=case.item_id,
            category=str(case.category),
            reason=case.reason,
            status=str(case.status),
            opened_at=case.opened_at,
            opened_by=case.opened_by,
            repair_data=dict(case.repair_data),
            assignee=case.assignee,
            repair=None if case.repair is None else repair_to_dict(case.repair),
            closed_at=case.closed_at,
            close_reason=case.close_reason,
        )

    def to_dict(self) -> Json:
        return {
            "id": self.id,
            "version": self.version,
            "orderId": self.order_id,
            "planId": self.plan_id,
            "taskId": self.task_id,
            "itemId": self.item_id,
            "category": self.category,
            "reason": self.reason,
            "status": self.status,
            "openedAt": iso_or_none(self.opened_at),
            "openedBy": self.opened_by,
            "repairData": self.repair_data,
            "assignee": self.assignee,
            "repair": self.repair,
            "closedAt": iso_or_none(self.closed_at),
            "closeReason": self.close_reason,
        }


FalloutPage = Page[FalloutCaseView]
