"""Message and timer start events: subscriptions and timers owned by a process definition.

Deploying a new version of a process registers its start events (a message start subscription by
message name, a timer per timer start event) and removes those of every older version. A message
start subscription starts an instance per published message, unless an instance that a message
with the same correlation key started is still active; like every correlation, a message reaches
a process id at most once. A start timer starts an instance each time it fires.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

import psycopg

from oms.engine.bpmn.model import ElementType, EventKind, Process, TimerKind
from oms.engine.bpmn.timers import next_due
from oms.engine.commands.instances import start_instance
from oms.engine.processing.writes import append_record
from oms.engine.records import Intent, ValueType
from oms.engine.runtime import Runtime


def register_start_events(
    conn: psycopg.Connection[Any],
    process: Process,
    definition_key: int,
    tenant_id: str,
    now: datetime,
    next_key: Callable[[], int],
) -> None:
    """Replace the start event subscriptions and timers of older versions by this version's."""
    deleted = conn.execute(
        "UPDATE engine.start_subscription SET state = 'DELETED' WHERE bpmn_process_id = %s AND tenant_id = %s"
        " AND state = 'OPEN' RETURNING key, start_event_id, message_name, process_definition_key",
        (process.id, tenant_id),
    ).fetchall()
    for key, event_id, name, old_definition in deleted:
        _record(
            conn,
            now,
            ValueType.MESSAGE_START_EVENT_SUBSCRIPTION,
            Intent.DELETED,
            int(key),
            event_id,
            {"messageName": name, "processDefinitionKey": int(old_definition)},
        )
    canceled = conn.execute(
        "UPDATE engine.timer SET state = 'CANCELED' WHERE process_instance_key IS NULL AND state = 'ACTIVE'"
        " AND process_definition_key IN (SELECT key FROM engine.process_definition"
        "   WHERE bpmn_process_id = %s AND tenant_id = %s) RETURNING key, target_element_id",
        (process.id, tenant_id),
    ).fetchall()
    for key, event_id in canceled:
        _record(conn, now, ValueType.TIMER, Intent.CANCELED, int(key), event_id, {"processInstanceKey": -1})
    for event in process.elements.values():
        if event.type is not ElementType.START_EVENT or event.flow_scope_id != process.id:
            continue
        if event.event is EventKind.MESSAGE and event.message is not None:
            key = next_key()
            name = event.message.name.source  # static: checked at deploy
            conn.execute(
                "INSERT INTO engine.start_subscription (key, process_definition_key, bpmn_process_id,"
                " start_event_id, message_name, state, created_at, tenant_id)"
                " VALUES (%s, %s, %s, %s, %s, 'OPEN', %s, %s)",
                (key, definition_key, process.id, event.id, name, now, tenant_id),
            )
            _record(
                conn,
                now,
                ValueType.MESSAGE_START_EVENT_SUBSCRIPTION,
                Intent.CREATED,
                key,
                event.id,
                {"messageName": name, "processDefinitionKey": definition_key},
            )
        elif event.event is EventKind.TIMER and event.timer is not None:
            text = event.timer.expression.source  # static: checked at deploy
            schedule = next_due(event.timer.kind, text, now)
            if schedule is not None:
                _insert_timer(
                    conn, next_key(), definition_key, event.id, schedule.due, schedule.repetitions,
                    f"{event.timer.kind.value}:{text}", tenant_id, now,
                )  # fmt: skip


def fire_start_timer(runtime: Runtime, timer_key: int) -> int:
    """Start an instance at the timer's start event; a cycle re-arms until its repetitions run out."""
    now = runtime.clock.now()
    with runtime.transaction() as conn:
        row = conn.execute(
            "SELECT process_definition_key, target_element_id, due_date, repetitions, interval_spec, tenant_id"
            " FROM engine.timer WHERE key = %s AND state = 'ACTIVE' AND due_date <= %s FOR UPDATE",
            (timer_key, now),
        ).fetchone()
        if row is None:
            return 0  # another engine fired it, or a new version canceled it
        definition_key, event_id, due_date, repetitions, spec, tenant_id = row
        conn.execute("UPDATE engine.timer SET state = 'TRIGGERED' WHERE key = %s", (timer_key,))
        _record(conn, now, ValueType.TIMER, Intent.TRIGGERED, timer_key, event_id, {"processInstanceKey": -1})
        kind, _, text = (spec or "").partition(":")
        if kind == TimerKind.CYCLE.value and (repetitions is None or repetitions > 1):
            schedule = next_due(TimerKind.CYCLE, text, due_date)
            if schedule is not None:
                remaining = None if repetitions is None else repetitions - 1
                _insert_timer(
                    conn, runtime.keys.next_key(), int(definition_key), event_id, schedule.due, remaining, spec,
                    tenant_id, now,
                )  # fmt: skip
        definition = runtime.definitions.get(conn, int(definition_key))
        start_instance(runtime, conn, definition, {}, start_event_id=event_id)
    return 1


def correlate_to_start_events(
    runtime: Runtime,
    conn: psycopg.Connection[Any],
    *,
    message_key: int,
    name: str,
    correlation_key: str,
    variables: dict[str, Any],
    tenant_id: str,
    taken_process_ids: Collection[str],
) -> list[int]:
    """Start an instance of every process with a message start event for ``name`` (in the
    publisher's transaction); returns the keys of the instances started."""
    subscriptions = conn.execute(
        "SELECT DISTINCT ON (bpmn_process_id) key, process_definition_key, bpmn_process_id, start_event_id"
        " FROM engine.start_subscription WHERE message_name = %s AND state = 'OPEN' AND tenant_id = %s"
        " ORDER BY bpmn_process_id, key",
        (name, tenant_id),
    ).fetchall()
    started: list[int] = []
    for subscription_key, definition_key, process_id, event_id in subscriptions:
        if process_id in taken_process_ids:
            continue  # an instance of this process waits for the message: it goes there
        if (
            correlation_key
            and conn.execute(
                "SELECT 1 FROM engine.process_instance WHERE bpmn_process_id = %s AND start_correlation_key = %s"
                " AND state = 'ACTIVE' AND tenant_id = %s LIMIT 1",
                (process_id, correlation_key, tenant_id),
            ).fetchone()
        ):
            continue  # an instance started by a message with this correlation key is still active
        definition = runtime.definitions.get(conn, int(definition_key))
        created = start_instance(
            runtime,
            conn,
            definition,
            variables,
            start_event_id=event_id,
            start_correlation_key=correlation_key or None,
        )
        conn.execute(
            "INSERT INTO engine.message_correlation"
            " (message_key, bpmn_process_id, process_instance_key, subscription_key, applied)"
            " VALUES (%s, %s, %s, %s, true)",
            (message_key, process_id, created.process_instance_key, subscription_key),
        )
        _record(
            conn,
            runtime.clock.now(),
            ValueType.MESSAGE_START_EVENT_SUBSCRIPTION,
            Intent.CORRELATED,
            int(subscription_key),
            event_id,
            {"messageKey": message_key, "processInstanceKey": created.process_instance_key},
            process_instance_key=created.process_instance_key,
        )
        started.append(created.process_instance_key)
    return started


def _insert_timer(
    conn: psycopg.Connection[Any],
    key: int,
    definition_key: int,
    event_id: str,
    due: datetime,
    repetitions: int | None,
    spec: str,
    tenant_id: str,
    now: datetime,
) -> None:
    conn.execute(
        "INSERT INTO engine.timer (key, process_instance_key, element_instance_key, target_element_id, due_date,"
        " repetitions, interval_spec, state, process_definition_key, tenant_id)"
        " VALUES (%s, NULL, NULL, %s, %s, %s, %s, 'ACTIVE', %s, %s)",
        (key, event_id, due, repetitions, spec, definition_key, tenant_id),
    )
    _record(
        conn,
        now,
        ValueType.TIMER,
        Intent.CREATED,
        key,
        event_id,
        {"dueDate": due.isoformat(), "repetitions": repetitions, "processDefinitionKey": definition_key},
    )


def _record(
    conn: psycopg.Connection[Any],
    now: datetime,
    value_type: ValueType,
    intent: Intent,
    key: int,
    element_id: str,
    value: dict[str, Any],
    *,
    process_instance_key: int | None = None,
) -> None:
    append_record(
        conn,
        now,
        value_type,
        intent,
        key,
        process_instance_key=process_instance_key,
        element_id=element_id,
        value=value,
    )
