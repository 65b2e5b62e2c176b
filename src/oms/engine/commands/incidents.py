"""Resolve an incident: the instance continues from the step that failed."""

from __future__ import annotations

from oms.engine.behaviors.incidents import raise_incident
from oms.engine.errors import InvalidStateError, NotFoundError
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.state import ACTIVATING, COMPLETING
from oms.engine.records import Intent, ValueType
from oms.engine.runtime import Runtime


def resolve_incident(runtime: Runtime, incident_key: int) -> None:
    with runtime.transaction() as conn:
        row = conn.execute(
            "SELECT process_instance_key FROM engine.incident WHERE key = %s", (incident_key,)
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"Expected to resolve incident with key '{incident_key}', but no such incident was found"
            )
        runtime.on_instance(conn, int(row[0]), lambda ctx: _resolve(runtime, ctx, incident_key))


def _resolve(runtime: Runtime, ctx: ProcessingContext, incident_key: int) -> None:
    row = ctx.conn.execute(
        "SELECT state, element_instance_key, job_key, error_type, element_id FROM engine.incident"
        " WHERE key = %s FOR UPDATE",
        (incident_key,),
    ).fetchone()
    assert row is not None
    state, element_instance_key, job_key, error_type, element_id = row
    if state != "ACTIVE":
        raise InvalidStateError(f"Expected to resolve incident with key '{incident_key}', but it is already resolved")
    ctx.conn.execute(
        "UPDATE engine.incident SET state = 'RESOLVED', resolved_at = %s WHERE key = %s",
        (ctx.now, incident_key),
    )
    ctx.record(ValueType.INCIDENT, Intent.RESOLVED, incident_key, element_id, {"errorType": error_type})
    instance = ctx.elements.get(int(element_instance_key))
    if instance is None:
        return
    if job_key is not None:
        job = ctx.conn.execute(
            "SELECT retries, type, error_message FROM engine.job WHERE key = %s FOR UPDATE", (job_key,)
        ).fetchone()
        assert job is not None
        retries, job_type, message = job
        if error_type == ErrorType.JOB_NO_RETRIES.value and retries <= 0:
            # Like Zeebe: resolving without giving the job retries fails it again at once.
            raise_incident(
                ctx,
                instance,
                Failure(ErrorType.JOB_NO_RETRIES, message or "No more retries left."),
                job_key=int(job_key),
            )
            return
        ctx.conn.execute("UPDATE engine.job SET state = 'ACTIVATABLE', retry_at = NULL WHERE key = %s", (job_key,))
        ctx.record(
            ValueType.JOB, Intent.RETRIES_UPDATED, int(job_key), element_id, {"type": job_type, "retries": retries}
        )
        ctx.writes.notify_job_types.add(job_type)
        return
    if instance.state == ACTIVATING:
        runtime.lifecycle.retry_activate(ctx, instance)
    elif instance.state == COMPLETING:
        runtime.lifecycle.retry_complete(ctx, instance)
