"""Broadcast signals, and register signal start events at deploy.

A signal has a name and variables, no correlation key, and is never buffered (like Zeebe): a
broadcast reaches every subscription of its tenant open for that name at that moment.
- A signal start event of the latest version of a process starts an instance (with the variables).
- A catch event, boundary event or event sub-process start of a live element is triggered, each
  instance in a command of its own inside the broadcast's transaction, in key order.

The broadcast is one transaction: it happens entirely or not at all. A signal thrown by a process
(intermediate throw or end event) is broadcast in the thrower's transaction, after the thrower's
command is written, so the subscriptions that command opened hear it too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import psycopg

from oms.engine.bpmn.model import ElementType, EventKind, Process
from oms.engine.commands.instances import check_variables, start_instance
from oms.engine.errors import InvalidArgumentError
from oms.engine.processing.context import ProcessingContext, ThrownSignal
from oms.engine.processing.writes import WriteBatch, append_record
from oms.engine.records import Intent, ValueType
from oms.engine.runtime import Runtime


@dataclass(frozen=True)
class BroadcastSignal:
    key: int
    tenant_id: str


def broadcast_signal(
    runtime: Runtime, name: str, *, variables: dict[str, Any] | None = None, tenant_id: str = "<default>"
) -> BroadcastSignal:
    values = check_variables(variables)
    if not name:
        raise InvalidArgumentError("Expected a signal name, but it was empty")
    with runtime.transaction() as conn:
        key = broadcast_in(runtime, conn, ThrownSignal(name, values, tenant_id))
    return BroadcastSignal(key, tenant_id)


def broadcast_in(runtime: Runtime, conn: psycopg.Connection[Any], signal: ThrownSignal) -> int:
    """Broadcast ``signal`` in ``conn``'s transaction; returns the signal's key."""
    now = runtime.clock.now()
    key = runtime.keys.next_key()
    append_record(
        conn,
        now,
        ValueType.SIGNAL,
        Intent.BROADCASTED,
        key,
        value={"signalName": signal.name, "variables": signal.variables, "tenantId": signal.tenant_id},
    )
    # Not locked: an instance's subscriptions change only under its instance lock, which the trigger
    # below takes (and then it checks that each one is still open).
    rows = conn.execute(
        "SELECT key, process_definition_key, process_instance_key, target_element_id FROM engine.signal_subscription"
        " WHERE tenant_id = %s AND signal_name = %s AND state = 'OPEN' ORDER BY process_instance_key NULLS FIRST, key",
        (signal.tenant_id, signal.name),
    ).fetchall()
    by_instance: dict[int, list[int]] = {}
    for subscription_key, definition_key, instance_key, event_id in rows:
        if instance_key is None:
            _start(runtime, conn, signal, key, int(subscription_key), int(definition_key), event_id)
        else:
            by_instance.setdefault(int(instance_key), []).append(int(subscription_key))
    # Key order, so that two broadcasts lock the instances they share in the same order.
    for instance_key in sorted(by_instance):
        trigger = partial(_trigger, runtime, signal=signal, signal_key=key, subscription_keys=by_instance[instance_key])
        runtime.on_instance(conn, instance_key, trigger)
    return key


def _start(
    runtime: Runtime,
    conn: psycopg.Connection[Any],
    signal: ThrownSignal,
    signal_key: int,
    subscription_key: int,
    definition_key: int,
    event_id: str,
) -> None:
    definition = runtime.definitions.get(conn, definition_key)
    created = start_instance(runtime, conn, definition, dict(signal.variables), start_event_id=event_id)
    append_record(
        conn,
        runtime.clock.now(),
        ValueType.SIGNAL_SUBSCRIPTION,
        Intent.CORRELATED,
        subscription_key,
        process_instance_key=created.process_instance_key,
        element_id=event_id,
        value={"signalKey": signal_key, "signalName": signal.name},
    )


def _trigger(
    runtime: Runtime, ctx: ProcessingContext, *, signal: ThrownSignal, signal_key: int, subscription_keys: list[int]
) -> None:
    """Trigger the instance's subscriptions one at a time, each after the steps of the one before
    ran: an interrupting one may have closed the next (its owner ended, or another interrupting
    event sub-process of the same scope started first)."""
    for subscription_key in subscription_keys:
        row = ctx.conn.execute(
            "SELECT element_instance_key, target_element_id, state FROM engine.signal_subscription WHERE key = %s",
            (subscription_key,),
        ).fetchone()
        if row is None or row[2] != "OPEN":
            continue
        owner = ctx.elements.get(int(row[0]))
        if owner is None or not owner.can_be_triggered:
            continue
        ctx.record(
            ValueType.SIGNAL_SUBSCRIPTION,
            Intent.CORRELATED,
            subscription_key,
            row[1],
            {"signalKey": signal_key, "signalName": signal.name, "elementInstanceKey": owner.key},
        )
        runtime.lifecycle.trigger(ctx, owner, row[1], dict(signal.variables))
        runtime.lifecycle.run(ctx)


def register_signal_start_events(
    conn: psycopg.Connection[Any],
    process: Process,
    definition_key: int,
    tenant_id: str,
    now: datetime,
    next_key: Callable[[], int],
) -> None:
    """Only the latest version of a process listens: delete the older versions' signal start
    subscriptions, open this version's."""
    records = WriteBatch()
    deleted = conn.execute(
        "UPDATE engine.signal_subscription SET state = 'DELETED' WHERE bpmn_process_id = %s AND tenant_id = %s"
        " AND state = 'OPEN' AND process_instance_key IS NULL"
        " RETURNING key, target_element_id, signal_name, process_definition_key",
        (process.id, tenant_id),
    ).fetchall()
    for key, event_id, name, old_definition in deleted:
        value = {"signalName": name, "processDefinitionKey": int(old_definition)}
        records.record(now, ValueType.SIGNAL_SUBSCRIPTION, Intent.DELETED, int(key), None, event_id, value)
    for event in process.elements.values():
        is_start = event.type is ElementType.START_EVENT and event.flow_scope_id == process.id
        if not is_start or event.event is not EventKind.SIGNAL or event.signal is None:
            continue
        key = next_key()
        name = event.signal.name.source  # static: checked at deploy
        records.insert(
            "signal_subscription",
            (key, name, definition_key, process.id, None, None, event.id, True, "OPEN", now, tenant_id),
        )
        value = {"signalName": name, "processDefinitionKey": definition_key}
        records.record(now, ValueType.SIGNAL_SUBSCRIPTION, Intent.CREATED, key, None, event.id, value)
    records.flush(conn)
