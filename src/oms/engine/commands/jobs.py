"""Job commands: activate, complete, fail, throw a BPMN error, update retries and timeout, and the
sweepers that make timed-out and backed-off jobs activatable again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from oms.engine.behaviors.bpmn_errors import throw_error as throw_bpmn_error
from oms.engine.behaviors.incidents import raise_incident
from oms.engine.commands.instances import check_variables
from oms.engine.errors import InvalidArgumentError, InvalidStateError, NotFoundError
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.writes import WriteBatch, append_record
from oms.engine.records import Intent, ValueType
from oms.engine.runtime import Runtime


@dataclass(frozen=True)
class ActivatedJob:
    key: int
    type: str
    process_instance_key: int
    element_instance_key: int
    element_id: str
    bpmn_process_id: str
    process_definition_key: int
    process_definition_version: int
    retries: int
    deadline: datetime
    worker: str
    custom_headers: dict[str, str]
    variables: dict[str, Any]
    tenant_id: str
    created_at: datetime


_ACTIVATE = """
WITH picked AS (
    SELECT key FROM engine.job
    WHERE type = %(type)s AND state = 'ACTIVATABLE' AND tenant_id = ANY(%(tenants)s)
    ORDER BY key LIMIT %(max)s FOR UPDATE SKIP LOCKED
), activated AS (
    UPDATE engine.job j SET state = 'ACTIVATED', worker = %(worker)s, deadline = %(deadline)s
    FROM picked WHERE j.key = picked.key
    RETURNING j.key, j.retries, j.custom_headers, j.process_instance_key, j.element_instance_key, j.element_id,
              j.bpmn_process_id, j.process_definition_key, j.version, j.scope_keys, j.tenant_id, j.created_at
)
SELECT a.*, (
    -- every variable the job's scope sees; inner scopes come last so they win on equal names
    SELECT jsonb_object_agg(v.name, v.value ORDER BY array_position(a.scope_keys, v.scope_key) DESC)
    FROM engine.variable v
    WHERE v.scope_key = ANY(a.scope_keys) AND (%(all_names)s OR v.name = ANY(%(names)s))
) AS variables
FROM activated a ORDER BY a.key
"""


def activate_jobs(
    runtime: Runtime,
    job_type: str,
    *,
    worker: str,
    timeout_ms: int,
    max_jobs: int,
    fetch_variables: list[str] | None = None,
    tenant_ids: list[str] | None = None,
) -> list[ActivatedJob]:
    if not job_type:
        raise InvalidArgumentError("Expected a job type, but it was empty")
    if max_jobs < 1:
        raise InvalidArgumentError(f"Expected max jobs to activate to be at least 1, but it was {max_jobs}")
    if timeout_ms < 1:
        raise InvalidArgumentError(f"Expected a job timeout of at least 1 ms, but it was {timeout_ms}")
    now = runtime.clock.now()
    deadline = now + timedelta(milliseconds=timeout_ms)
    with runtime.transaction() as conn:
        rows = conn.execute(
            _ACTIVATE,
            {
                "type": job_type,
                "tenants": tenant_ids or ["<default>"],
                "max": max_jobs,
                "worker": worker,
                "deadline": deadline,
                "all_names": fetch_variables is None,
                "names": fetch_variables or [],
            },
        ).fetchall()
        jobs = [
            ActivatedJob(
                key=int(row[0]),
                type=job_type,
                retries=int(row[1]),
                custom_headers=dict(row[2]),
                process_instance_key=int(row[3]),
                element_instance_key=int(row[4]),
                element_id=row[5],
                bpmn_process_id=row[6],
                process_definition_key=int(row[7]),
                process_definition_version=int(row[8]),
                tenant_id=row[10],
                created_at=row[11],
                deadline=deadline,
                worker=worker,
                variables=dict(row[12] or {}),
            )
            for row in rows
        ]
        if jobs:
            records = WriteBatch()
            value = {"type": job_type, "worker": worker, "deadline": deadline.isoformat()}
            for job in jobs:
                records.record(
                    now, ValueType.JOB, Intent.ACTIVATED, job.key, job.process_instance_key, job.element_id, value
                )
            records.flush(conn)
    return jobs


_LOCK_JOB = "SELECT state, element_instance_key, type, retries, element_id FROM engine.job WHERE key = %s FOR UPDATE"


def _locked_job(ctx: ProcessingContext, job_key: int, action: str, allowed: tuple[str, ...]) -> tuple[Any, ...]:
    """The job row that ``load`` locked with the instance, checked to be in an allowed state."""
    row = ctx.locked_row
    assert row is not None
    if row[0] not in allowed:
        raise InvalidStateError(
            f"Expected to {action} job with key '{job_key}', but it is in state '{row[0]}'"
            + (
                " (it is no longer activated: it timed out, or was completed, failed or canceled)"
                if row[0] != "ACTIVATED"
                else ""
            )
        )
    return tuple(row)


def complete_job(runtime: Runtime, job_key: int, variables: dict[str, Any] | None = None) -> None:
    values = check_variables(variables)
    with runtime.transaction() as conn:

        def complete(ctx: ProcessingContext) -> None:
            _state, element_instance_key, job_type, _retries, element_id = _locked_job(
                ctx, job_key, "complete", ("ACTIVATED",)
            )
            ctx.writes.update(
                "UPDATE engine.job SET state = 'COMPLETED', ended_at = %s WHERE key = %s", (ctx.now, job_key)
            )
            ctx.record(ValueType.JOB, Intent.COMPLETED, job_key, element_id, {"type": job_type, "variables": values})
            runtime.lifecycle.job_completed(ctx, ctx.element_instance(int(element_instance_key)), values)

        runtime.on_instance(conn, job_key, complete, (_LOCK_JOB, (job_key,)), key_of="job", focus_of="job")


def fail_job(
    runtime: Runtime,
    job_key: int,
    *,
    retries: int,
    error_message: str = "",
    retry_backoff_ms: int = 0,
    variables: dict[str, Any] | None = None,
) -> None:
    values = check_variables(variables)
    if retry_backoff_ms < 0:
        raise InvalidArgumentError(f"Expected a retry back-off of at least 0 ms, but it was {retry_backoff_ms}")
    with runtime.transaction() as conn:

        def fail(ctx: ProcessingContext) -> None:
            _state, element_instance_key, job_type, _r, element_id = _locked_job(ctx, job_key, "fail", ("ACTIVATED",))
            instance = ctx.element_instance(int(element_instance_key))
            for name, value in values.items():
                ctx.set_variable(instance.key, name, value)
            retry_at = ctx.now + timedelta(milliseconds=retry_backoff_ms) if retries > 0 and retry_backoff_ms else None
            state = "ACTIVATABLE" if retries > 0 and retry_at is None else "FAILED"
            ctx.writes.update(
                "UPDATE engine.job SET state = %s, retries = %s, error_message = %s, retry_at = %s, worker = NULL,"
                " deadline = NULL WHERE key = %s",
                (state, retries, error_message, retry_at, job_key),
            )
            ctx.record(
                ValueType.JOB,
                Intent.FAILED,
                job_key,
                element_id,
                {
                    "type": job_type,
                    "retries": retries,
                    "errorMessage": error_message,
                    "retryBackoff": retry_backoff_ms,
                },
            )
            if state == "ACTIVATABLE":
                ctx.writes.notify_job_types.add(job_type)
            if retries <= 0:
                message = error_message or "No more retries left."
                raise_incident(ctx, instance, Failure(ErrorType.JOB_NO_RETRIES, message), job_key=job_key)

        runtime.on_instance(conn, job_key, fail, (_LOCK_JOB, (job_key,)), key_of="job", focus_of="job")


def throw_error(
    runtime: Runtime,
    job_key: int,
    *,
    error_code: str,
    error_message: str = "",
    variables: dict[str, Any] | None = None,
) -> None:
    values = check_variables(variables)
    if not error_code:
        raise InvalidArgumentError("Expected an error code, but it was empty")
    with runtime.transaction() as conn:

        def throw(ctx: ProcessingContext) -> None:
            _s, element_instance_key, job_type, _r, element_id = _locked_job(
                ctx, job_key, "throw an error for", ("ACTIVATED",)
            )
            instance = ctx.element_instance(int(element_instance_key))
            # At once, not batched: a boundary event that catches the error terminates the task, and
            # cancelling its job must see (and end) the thrown state, or the log and the row disagree.
            ctx.conn.execute(
                "UPDATE engine.job SET state = 'ERROR_THROWN', error_code = %s, error_message = %s, worker = NULL,"
                " deadline = NULL WHERE key = %s",
                (error_code, error_message, job_key),
            )
            ctx.record(
                ValueType.JOB,
                Intent.ERROR_THROWN,
                job_key,
                element_id,
                {
                    "type": job_type,
                    "errorCode": error_code,
                    "errorMessage": error_message,
                },
            )
            failure = throw_bpmn_error(runtime.lifecycle, ctx, instance, error_code, error_message, values)
            if failure is not None:
                raise_incident(ctx, instance, failure, job_key=job_key)

        runtime.on_instance(conn, job_key, throw, (_LOCK_JOB, (job_key,)), key_of="job", focus_of="job")


def update_job_retries(runtime: Runtime, job_key: int, retries: int) -> None:
    if retries < 1:
        raise InvalidArgumentError(f"Expected retries to be at least 1, but it was {retries}")
    _update_job(runtime, job_key, "update the retries of", "retries = %s", retries, Intent.RETRIES_UPDATED)


def update_job_timeout(runtime: Runtime, job_key: int, timeout_ms: int) -> None:
    if timeout_ms < 1:
        raise InvalidArgumentError(f"Expected a job timeout of at least 1 ms, but it was {timeout_ms}")
    deadline = runtime.clock.now() + timedelta(milliseconds=timeout_ms)
    _update_job(
        runtime,
        job_key,
        "update the timeout of",
        "deadline = %s",
        deadline,
        Intent.TIMEOUT_UPDATED,
        states=("ACTIVATED",),
    )


def _update_job(
    runtime: Runtime,
    job_key: int,
    action: str,
    assignment: str,
    value: Any,
    intent: Intent,
    states: tuple[str, ...] = ("ACTIVATABLE", "ACTIVATED", "FAILED", "ERROR_THROWN"),
) -> None:
    with runtime.transaction() as conn:
        row = conn.execute(
            "SELECT state, element_id, process_instance_key FROM engine.job WHERE key = %s FOR UPDATE", (job_key,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"Expected to {action} job with key '{job_key}', but no such job was found")
        if row[0] not in states:
            raise InvalidStateError(f"Expected to {action} job with key '{job_key}', but it is in state '{row[0]}'")
        conn.execute(f"UPDATE engine.job SET {assignment} WHERE key = %s", (value, job_key))  # assignment is a constant
        append_record(
            conn,
            runtime.clock.now(),
            ValueType.JOB,
            intent,
            job_key,
            process_instance_key=row[2],
            element_id=row[1],
            value={assignment.split()[0]: str(value)},
        )


def time_out_jobs(runtime: Runtime, limit: int = 500) -> int:
    """Activated jobs past their deadline become activatable again (and wake waiting workers)."""
    return _sweep(runtime, "state = 'ACTIVATED' AND deadline <= %(now)s", "deadline", Intent.TIMED_OUT, limit)


def recur_jobs_after_backoff(runtime: Runtime, limit: int = 500) -> int:
    """Failed jobs with retries left become activatable when their back-off has passed."""
    return _sweep(
        runtime,
        "state = 'FAILED' AND retries > 0 AND retry_at <= %(now)s",
        "retry_at",
        Intent.RECURRED_AFTER_BACKOFF,
        limit,
    )


def _sweep(runtime: Runtime, condition: str, order: str, intent: Intent, limit: int) -> int:
    """Make due jobs activatable again; ``condition`` and ``order`` match a partial index, so a sweep
    costs the same however many finished jobs the table holds."""
    now = runtime.clock.now()
    with runtime.transaction() as conn:
        rows = conn.execute(
            f"WITH due AS (SELECT key FROM engine.job WHERE {condition} ORDER BY {order} LIMIT %(limit)s"  # constants
            " FOR UPDATE SKIP LOCKED)"
            " UPDATE engine.job j SET state = 'ACTIVATABLE', worker = NULL, deadline = NULL, retry_at = NULL"
            " FROM due WHERE j.key = due.key RETURNING j.key, j.type, j.process_instance_key, j.element_id",
            {"now": now, "limit": limit},
        ).fetchall()
        records = WriteBatch()
        for key, job_type, instance_key, element_id in rows:
            records.record(now, ValueType.JOB, intent, key, instance_key, element_id, {"type": job_type})
            records.notify_job_types.add(job_type)
        records.flush(conn)
    return len(rows)
