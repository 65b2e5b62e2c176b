"""Creating and cancelling the job of a job-worker task."""

from __future__ import annotations

from oms.engine.behaviors.expressions import evaluate_int, evaluate_string
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.state import ElementInstance
from oms.engine.records import Intent, ValueType


def evaluate_job(ctx: ProcessingContext, instance: ElementInstance) -> tuple[str, int] | Failure:
    definition = instance.element.task_definition
    assert definition is not None, "validated at deploy"
    job_type = evaluate_string(ctx, definition.type, instance.key, "job type", ErrorType.EXTRACT_VALUE_ERROR)
    if isinstance(job_type, Failure):
        return job_type
    retries = evaluate_int(ctx, definition.retries, instance.key, "job retries", ErrorType.EXTRACT_VALUE_ERROR)
    if isinstance(retries, Failure):
        return retries
    return job_type, retries


def create_job(ctx: ProcessingContext, instance: ElementInstance, job_type: str, retries: int) -> int:
    key = ctx.next_key()
    definition = ctx.definition
    headers = dict(instance.element.task_headers)
    ctx.writes.insert(
        "job",
        (
            key,
            job_type,
            "ACTIVATABLE",
            retries,
            headers,
            ctx.instance.key,
            instance.key,
            instance.element.id,
            definition.bpmn_process_id,
            definition.key,
            definition.version,
            ctx.scope_chain(instance.key),
            ctx.instance.tenant_id,
            ctx.now,
        ),
    )
    ctx.writes.notify_job_types.add(job_type)
    ctx.record(
        ValueType.JOB,
        Intent.CREATED,
        key,
        instance.element.id,
        {"type": job_type, "retries": retries, "elementInstanceKey": instance.key, "customHeaders": headers},
    )
    return key


def cancel_jobs_of(ctx: ProcessingContext, instance: ElementInstance) -> None:
    pending = ctx.writes.inserts["job"]
    for index, row in enumerate(pending):
        if row[6] == instance.key and row[2] != "CANCELED":  # created in this command: cancel it before it is written
            pending[index] = (*row[:2], "CANCELED", *row[3:])
            ctx.record(
                ValueType.JOB,
                Intent.CANCELED,
                row[0],
                instance.element.id,
                {"type": row[1], "elementInstanceKey": instance.key},
            )
    if instance.is_new:
        return
    rows = ctx.conn.execute(
        # process_instance_key first: it is indexed, so the cost does not grow with history
        "UPDATE engine.job SET state = 'CANCELED', ended_at = %s WHERE process_instance_key = %s"
        " AND element_instance_key = %s AND state IN ('ACTIVATABLE', 'ACTIVATED', 'FAILED', 'ERROR_THROWN')"
        " RETURNING key, type",
        (ctx.now, ctx.instance.key, instance.key),
    ).fetchall()
    for key, job_type in rows:
        ctx.record(
            ValueType.JOB,
            Intent.CANCELED,
            int(key),
            instance.element.id,
            {"type": job_type, "elementInstanceKey": instance.key},
        )
