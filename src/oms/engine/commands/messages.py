"""Publish messages, hand them to waiting instances, and expire the buffer.

Publishing is two steps, like Zeebe's message and process-instance partitions talking:
1. one transaction stores the message and, for each BPMN process id with an open subscription for
   its name and correlation key, a pending ``message_correlation`` row (at most one per process id);
2. then, per target instance, an instance command applies its pending correlations.
If the process dies between the two, :func:`apply_pending_correlations` finishes the job later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from psycopg.errors import UniqueViolation
from psycopg.types.json import Jsonb

from oms.engine.commands.instances import check_variables
from oms.engine.commands.start_events import correlate_to_start_events
from oms.engine.errors import AlreadyExistsError, InvalidArgumentError, NotFoundError
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.writes import WriteBatch
from oms.engine.records import Intent, ValueType
from oms.engine.runtime import Runtime


@dataclass(frozen=True)
class PublishedMessage:
    key: int
    tenant_id: str
    correlated_process_instance_keys: tuple[int, ...]


def publish_message(
    runtime: Runtime,
    name: str,
    correlation_key: str,
    *,
    time_to_live_ms: int = 0,
    message_id: str | None = None,
    variables: dict[str, Any] | None = None,
    tenant_id: str = "<default>",
    require_subscription: bool = False,
) -> PublishedMessage:
    """Store a message and correlate it to every open subscription (one per BPMN process id);
    with ``require_subscription``, refuse it (NotFoundError, nothing written) when none is open."""
    values = check_variables(variables)
    if not name:
        raise InvalidArgumentError("Expected a message name, but it was empty")
    if time_to_live_ms < 0:
        raise InvalidArgumentError(f"Expected a time to live of at least 0 ms, but it was {time_to_live_ms}")
    now = runtime.clock.now()
    key = runtime.keys.next_key()
    try:
        with runtime.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"{name}\x1f{correlation_key}",))
            conn.execute(
                "INSERT INTO engine.message (key, name, correlation_key, message_id, variables, published_at,"
                " deadline, state, tenant_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    key,
                    name,
                    correlation_key,
                    message_id,
                    Jsonb(values),
                    now,
                    now + timedelta(milliseconds=time_to_live_ms),
                    # Like Zeebe: a message without a time to live expires at once (never buffered, and
                    # its id may be published again right away).
                    "PUBLISHED" if time_to_live_ms > 0 else "EXPIRED",
                    tenant_id,
                ),
            )
            records = WriteBatch()
            records.record(
                now,
                ValueType.MESSAGE,
                Intent.PUBLISHED,
                key,
                value={
                    "name": name,
                    "correlationKey": correlation_key,
                    "messageId": message_id,
                    "timeToLive": time_to_live_ms,
                },
            )
            if time_to_live_ms == 0:
                records.record(now, ValueType.MESSAGE, Intent.EXPIRED, key, value={"name": name})
            records.flush(conn)
            targets = conn.execute(
                "SELECT DISTINCT ON (bpmn_process_id) bpmn_process_id, process_instance_key, key"
                " FROM engine.message_subscription WHERE message_name = %s AND correlation_key = %s"
                " AND state = 'OPEN' AND tenant_id = %s ORDER BY bpmn_process_id, key",
                (name, correlation_key, tenant_id),
            ).fetchall()
            started = correlate_to_start_events(
                runtime,
                conn,
                message_key=key,
                name=name,
                correlation_key=correlation_key,
                variables=values,
                tenant_id=tenant_id,
                taken_process_ids={row[0] for row in targets},
            )
            if require_subscription and not targets and not started:
                # Raised inside the transaction: the message row and its records roll back.
                raise NotFoundError(
                    f"Expected to find subscription for message with name '{name}' and correlation key"
                    f" '{correlation_key}', but none was found."
                )
            for process_id, instance_key, subscription_key in targets:
                conn.execute(
                    "INSERT INTO engine.message_correlation"
                    " (message_key, bpmn_process_id, process_instance_key, subscription_key, applied)"
                    " VALUES (%s, %s, %s, %s, false)",
                    (key, process_id, instance_key, subscription_key),
                )
    except UniqueViolation as error:
        raise AlreadyExistsError(
            f"Expected to publish a new message with id '{message_id}', but a message with that id was already"
            " published and is still buffered"
        ) from error
    instance_keys = tuple(sorted({int(row[1]) for row in targets}))
    for instance_key in instance_keys:
        apply_correlations_of(runtime, instance_key)
    return PublishedMessage(key, tenant_id, tuple(sorted({*instance_keys, *started})))


def correlate_message(
    runtime: Runtime,
    name: str,
    correlation_key: str,
    *,
    variables: dict[str, Any] | None = None,
    tenant_id: str = "<default>",
) -> PublishedMessage:
    """Correlate a message now or not at all (Camunda's ``POST /v2/messages/correlation``): a
    publish without time to live that fails with NotFoundError when no subscription waits for it."""
    return publish_message(
        runtime,
        name,
        correlation_key,
        time_to_live_ms=0,
        variables=variables,
        tenant_id=tenant_id,
        require_subscription=True,
    )


def apply_correlations_of(runtime: Runtime, process_instance_key: int) -> int:
    """Apply the pending correlations of one instance; returns how many reached an element."""
    with runtime.transaction() as conn:

        def apply(ctx: ProcessingContext) -> int:
            rows = ctx.conn.execute(
                "SELECT c.message_key, c.bpmn_process_id, m.variables, s.key, s.element_instance_key,"
                " s.target_element_id, s.state, s.interrupting FROM engine.message_correlation c"
                " JOIN engine.message m ON m.key = c.message_key"
                " JOIN engine.message_subscription s ON s.key = c.subscription_key"
                " WHERE c.process_instance_key = %s AND NOT c.applied ORDER BY c.message_key FOR UPDATE OF c, s",
                (process_instance_key,),
            ).fetchall()
            applied = 0
            closed: set[int] = set()
            for (
                message_key,
                process_id,
                variables,
                sub_key,
                owner_key,
                target_id,
                state,
                interrupting,
            ) in rows:
                owner = ctx.elements.get(int(owner_key))
                if state != "OPEN" or int(sub_key) in closed or owner is None or not owner.can_be_triggered:
                    # The subscription closed meanwhile: the message may go to another instance later.
                    ctx.conn.execute(
                        "DELETE FROM engine.message_correlation WHERE message_key = %s AND bpmn_process_id = %s",
                        (message_key, process_id),
                    )
                    continue
                ctx.conn.execute(
                    "UPDATE engine.message_correlation SET applied = true WHERE message_key = %s"
                    " AND bpmn_process_id = %s",
                    (message_key, process_id),
                )
                if interrupting:
                    closed.add(int(sub_key))
                    ctx.conn.execute(
                        "UPDATE engine.message_subscription SET state = 'CORRELATED' WHERE key = %s",
                        (sub_key,),
                    )
                ctx.record(
                    ValueType.MESSAGE_SUBSCRIPTION,
                    Intent.CORRELATED,
                    int(sub_key),
                    target_id,
                    {
                        "messageKey": int(message_key),
                        "elementInstanceKey": owner.key,
                    },
                )
                runtime.lifecycle.trigger(ctx, owner, target_id, dict(variables or {}))
                # As when a subscription takes a buffered message: the message says where it went.
                ctx.record(
                    ValueType.MESSAGE,
                    Intent.CORRELATED,
                    int(message_key),
                    target_id,
                    {"elementInstanceKey": owner.key},
                )
                applied += 1
            return applied

        return runtime.on_instance(conn, process_instance_key, apply)


def apply_pending_correlations(runtime: Runtime, limit: int = 100) -> int:
    """Recovery sweep: correlations stored by a publisher that died before applying them."""
    with runtime.pool.connection() as conn:
        rows = conn.execute(
            "SELECT DISTINCT process_instance_key FROM engine.message_correlation WHERE NOT applied LIMIT %s",
            (limit,),
        ).fetchall()
    return sum(apply_correlations_of(runtime, int(row[0])) for row in rows)


def expire_messages(runtime: Runtime, limit: int = 500) -> int:
    now = runtime.clock.now()
    with runtime.transaction() as conn:
        rows = conn.execute(
            "WITH due AS (SELECT key FROM engine.message WHERE state = 'PUBLISHED' AND deadline <= %s"
            " ORDER BY deadline LIMIT %s FOR UPDATE SKIP LOCKED)"
            " UPDATE engine.message m SET state = 'EXPIRED' FROM due WHERE m.key = due.key RETURNING m.key, m.name",
            (now, limit),
        ).fetchall()
        records = WriteBatch()
        for key, name in rows:
            records.record(now, ValueType.MESSAGE, Intent.EXPIRED, key, value={"name": name})
        records.flush(conn)
    return len(rows)
