"""The fulfillment plan repository: a ``fulfillment_plan`` row and one ``fulfillment_task`` row
per task, in plan order (``position``). Tasks are frozen values the plan replaces as commands
change them, so saving compares each task with the one stored and writes only the new and the
changed ones: a worker completing one task writes one task row and the plan row.

A command that changes a plan loads it ``FOR UPDATE``: workers finishing sibling tasks of one plan
at the same moment then wait for each other on the plan row (and each sees the other's change)
instead of the second failing on the version."""

from __future__ import annotations

from typing import Any

from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from oms.application.errors import StaleVersion
from oms.application.order_codecs import (
    external_request_from_dict,
    external_request_to_dict,
    task_error_from_dict,
    task_error_to_dict,
    task_result_from_dict,
    task_result_to_dict,
)
from oms.domain.fulfillment.plan import FulfillmentPlan, PlanPurpose
from oms.domain.fulfillment.tasks import FulfillmentTask, PlanId, TaskId, TaskState, TaskType
from oms.domain.shared.ids import OrderId, OrderItemId
from oms.persistence.errors import unique_as_conflict
from oms.persistence.session import Session, utc, utc_or_none

AGGREGATE = "fulfillmentPlan"

_TASK_COLUMNS = """
    id, order_id, item_id, task_type, state, depends_on, parameters, compensates, run, external_request,
    technical_failures, last_error, result, skip_reason, superseded_by, started_at, finished_at
"""
_TASK_VALUES = """
    %(id)s, %(order_id)s, %(item_id)s, %(task_type)s, %(state)s, %(depends_on)s, %(parameters)s, %(compensates)s,
    %(run)s, %(external_request)s, %(technical_failures)s, %(last_error)s, %(result)s, %(skip_reason)s,
    %(superseded_by)s, %(started_at)s, %(finished_at)s
"""


class PostgresFulfillmentPlanRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._stored_tasks: dict[str, dict[TaskId, FulfillmentTask]] = {}

    def get(self, plan_id: str, *, for_update: bool = False) -> FulfillmentPlan | None:
        seen = self._session.seen.get((AGGREGATE, plan_id))
        if seen is not None:
            assert isinstance(seen.aggregate, FulfillmentPlan)
            return seen.aggregate
        lock = " FOR UPDATE" if for_update else ""
        with self._session.conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute(
                "SELECT id, order_id, purpose, revision, compensates_plan, created_at, version FROM fulfillment_plan"
                f" WHERE tenant_id = %s AND id = %s{lock}",
                (self._session.tenant_id, plan_id),
            ).fetchone()
            if row is None:
                return None
            tasks = cur.execute(
                f"SELECT {_TASK_COLUMNS} FROM fulfillment_task WHERE tenant_id = %s AND plan_id = %s ORDER BY position",
                (self._session.tenant_id, plan_id),
            ).fetchall()
        plan = FulfillmentPlan(
            id=PlanId(row["id"]),
            order_id=OrderId(row["order_id"]),
            purpose=PlanPurpose(row["purpose"]),
            tasks=[_task(task) for task in tasks],
            created_at=utc(row["created_at"]),
            revision=row["revision"],
            compensates_plan=None if row["compensates_plan"] is None else PlanId(row["compensates_plan"]),
            version=row["version"],
        )
        self._stored_tasks[plan.id] = {task.id: task for task in plan.tasks}
        self._session.track(AGGREGATE, plan.id, plan)
        return plan

    def add(self, plan: FulfillmentPlan) -> None:
        s = self._session
        with unique_as_conflict(AGGREGATE, plan.id):
            s.conn.execute(
                """
                INSERT INTO fulfillment_plan (tenant_id, id, order_id, purpose, revision, compensates_plan, created_at,
                    updated_at, version)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
                """,
                (
                    s.tenant_id,
                    plan.id,
                    plan.order_id,
                    str(plan.purpose),
                    plan.revision,
                    plan.compensates_plan,
                    plan.created_at,
                    s.now,
                    plan.version,
                ),
            )
        self._stored_tasks[plan.id] = {}
        self._write_tasks(plan)
        s.track(AGGREGATE, plan.id, plan)

    def save(self, plan: FulfillmentPlan) -> None:
        s = self._session
        loaded = s.stored_version(AGGREGATE, plan.id)
        if loaded is None:
            raise RuntimeError(f"plan {plan.id!r} was not loaded in this unit of work; load it before saving")
        if loaded == plan.version:
            return
        result = s.conn.execute(
            "UPDATE fulfillment_plan SET revision = %s, updated_at = %s, version = %s"
            " WHERE tenant_id = %s AND id = %s AND version = %s",
            (plan.revision, s.now, plan.version, s.tenant_id, plan.id, loaded),
        )
        if result.rowcount != 1:
            raise StaleVersion(AGGREGATE, plan.id, loaded)
        self._write_tasks(plan)
        s.track(AGGREGATE, plan.id, plan)

    def _write_tasks(self, plan: FulfillmentPlan) -> None:
        s = self._session
        stored = self._stored_tasks[plan.id]
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        for position, task in enumerate(plan.tasks):
            if stored.get(task.id) == task:
                continue
            values = {**_task_values(task), "tenant_id": s.tenant_id, "plan_id": plan.id, "position": position}
            (updates if task.id in stored else inserts).append(values)
        with s.conn.cursor() as cur:
            if inserts:
                cur.executemany(
                    f"INSERT INTO fulfillment_task (tenant_id, plan_id, position, {_TASK_COLUMNS})"
                    f" VALUES (%(tenant_id)s, %(plan_id)s, %(position)s, {_TASK_VALUES})",
                    inserts,
                )
            if updates:
                cur.executemany(
                    """
                    UPDATE fulfillment_task SET position = %(position)s, state = %(state)s,
                        depends_on = %(depends_on)s, parameters = %(parameters)s, run = %(run)s,
                        external_request = %(external_request)s, technical_failures = %(technical_failures)s,
                        last_error = %(last_error)s, result = %(result)s, skip_reason = %(skip_reason)s,
                        superseded_by = %(superseded_by)s, started_at = %(started_at)s, finished_at = %(finished_at)s
                    WHERE tenant_id = %(tenant_id)s AND plan_id = %(plan_id)s AND id = %(id)s
                    """,
                    updates,
                )
        self._stored_tasks[plan.id] = {task.id: task for task in plan.tasks}


def _task_values(task: FulfillmentTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "order_id": task.order_id,
        "item_id": task.item_id,
        "task_type": str(task.task_type),
        "state": str(task.state),
        "depends_on": list(task.depends_on),
        "parameters": Jsonb([[name, value] for name, value in task.parameters]),
        "compensates": task.compensates,
        "run": task.run,
        "external_request": None
        if task.external_request is None
        else Jsonb(external_request_to_dict(task.external_request)),
        "technical_failures": task.technical_failures,
        "last_error": None if task.last_error is None else Jsonb(task_error_to_dict(task.last_error)),
        "result": None if task.result is None else Jsonb(task_result_to_dict(task.result)),
        "skip_reason": task.skip_reason,
        "superseded_by": task.superseded_by,
        "started_at": task.started_at,
        "finished_at": task.finished_at,
    }


def _task(row: dict[str, Any]) -> FulfillmentTask:
    return FulfillmentTask(
        id=TaskId(row["id"]),
        order_id=OrderId(row["order_id"]),
        item_id=OrderItemId(row["item_id"]),
        task_type=TaskType(row["task_type"]),
        depends_on=tuple(TaskId(dep) for dep in row["depends_on"]),
        parameters=tuple((name, value) for name, value in row["parameters"]),
        compensates=None if row["compensates"] is None else TaskId(row["compensates"]),
        state=TaskState(row["state"]),
        run=row["run"],
        external_request=None
        if row["external_request"] is None
        else external_request_from_dict(row["external_request"]),
        technical_failures=row["technical_failures"],
        last_error=None if row["last_error"] is None else task_error_from_dict(row["last_error"]),
        result=None if row["result"] is None else task_result_from_dict(row["result"]),
        skip_reason=row["skip_reason"],
        superseded_by=row["superseded_by"],
        started_at=utc_or_none(row["started_at"]),
        finished_at=utc_or_none(row["finished_at"]),
    )
