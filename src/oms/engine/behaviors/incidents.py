"""Raising and resolving incidents. Only the processing loop raises them (from a ``Failure``)."""

from __future__ import annotations

from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.state import ElementInstance
from oms.engine.records import Intent, ValueType


def raise_incident(
    ctx: ProcessingContext, instance: ElementInstance, failure: Failure, job_key: int | None = None
) -> int:
    key = ctx.next_key()
    definition = ctx.definition
    ctx.writes.insert(
        "incident",
        (
            key,
            ctx.instance.key,
            instance.key,
            instance.element.id,
            job_key,
            failure.error_type.value,
            failure.message,
            "ACTIVE",
            definition.bpmn_process_id,
            definition.key,
            ctx.instance.tenant_id,
            ctx.now,
        ),
    )
    ctx.record(
        ValueType.INCIDENT,
        Intent.CREATED,
        key,
        instance.element.id,
        {
            "errorType": failure.error_type.value,
            "errorMessage": failure.message,
            "elementInstanceKey": instance.key,
            "jobKey": job_key,
        },
    )
    return key


def resolve_incidents_of(ctx: ProcessingContext, instance: ElementInstance) -> None:
    """An element that ends (terminated) takes its open incidents with it (and says so in the log)."""
    resolved: list[tuple[int, str, str]] = []
    for index, row in enumerate(ctx.writes.inserts["incident"]):
        if row[2] == instance.key and row[7] == "ACTIVE":  # raised in this command, not written yet
            ctx.writes.inserts["incident"][index] = (*row[:7], "RESOLVED", *row[8:])
            ctx.writes.update("UPDATE engine.incident SET resolved_at = %s WHERE key = %s", (ctx.now, row[0]))
            resolved.append((row[0], row[3], row[5]))
    if not instance.is_new:
        rows = ctx.conn.execute(
            "UPDATE engine.incident SET state = 'RESOLVED', resolved_at = %s"
            " WHERE process_instance_key = %s AND element_instance_key = %s AND state = 'ACTIVE'"
            " RETURNING key, element_id, error_type",
            (ctx.now, ctx.instance.key, instance.key),
        ).fetchall()
        resolved.extend((int(key), element_id, error_type) for key, element_id, error_type in rows)
    for key, element_id, error_type in resolved:
        ctx.record(
            ValueType.INCIDENT,
            Intent.RESOLVED,
            key,
            element_id,
            {"errorType": error_type, "elementInstanceKey": instance.key},
        )
