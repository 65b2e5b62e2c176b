"""Message and signal subscriptions and timers that an element instance owns (its own, its boundary
events', its event sub-processes' start events, or an event-based gateway's targets), and how they
are closed.

Opening a message subscription checks the message buffer under an advisory lock on the message
name and correlation key; publishing takes the same lock, so a message published while a
subscription opens is seen by exactly one of the two.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oms.engine.behaviors.expressions import evaluate, evaluate_string
from oms.engine.bpmn.model import Element, ElementType, EventKind
from oms.engine.bpmn.timers import next_due
from oms.engine.feel import to_json
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.state import ElementInstance
from oms.engine.records import Intent, ValueType


@dataclass(frozen=True)
class PendingMessage:
    """A buffered message taken by a subscription that opened in this command."""

    owner_key: int
    target_element_id: str
    message_key: int
    variables: dict[str, Any]
    subscription_key: int = 0


@dataclass(frozen=True)
class _Planned:
    target: Element
    kind: EventKind
    name: str | None = None
    correlation_key: str | None = None
    signal_name: str | None = None
    due: datetime | None = None
    repetitions: int | None = None
    interval_spec: str | None = None


def message_name_and_key(ctx: ProcessingContext, event: Element, scope_key: int) -> tuple[str, str] | Failure:
    message = event.message
    assert message is not None, "validated at deploy"
    name = evaluate_string(ctx, message.name, scope_key, "message name", ErrorType.EXTRACT_VALUE_ERROR)
    if isinstance(name, Failure):
        return name
    if message.correlation_key is None:
        return Failure(ErrorType.EXTRACT_VALUE_ERROR, f"Message '{name}' has no correlation key")
    correlation_key = evaluate_string(
        ctx, message.correlation_key, scope_key, "correlation key", ErrorType.EXTRACT_VALUE_ERROR
    )
    if isinstance(correlation_key, Failure):
        return correlation_key
    return name, correlation_key


def timer_schedule(
    ctx: ProcessingContext, event: Element, scope_key: int
) -> tuple[datetime, int | None, str] | Failure:
    timer = event.timer
    assert timer is not None, "validated at deploy"
    text: Any = evaluate(ctx, timer.expression, scope_key, ErrorType.EXTRACT_VALUE_ERROR)
    if isinstance(text, Failure):
        return text
    if not isinstance(text, str):
        text = to_json(text)
    if not isinstance(text, str):
        return Failure(
            ErrorType.EXTRACT_VALUE_ERROR,
            f"Expected timer expression '{timer.expression.source}' to evaluate to a {timer.kind.value},"
            f" but it was {text!r}",
        )
    try:
        schedule = next_due(timer.kind, text, ctx.now)
    except ValueError as error:
        return Failure(ErrorType.EXTRACT_VALUE_ERROR, f"Invalid timer {timer.kind.value} '{text}': {error}")
    if schedule is None:
        return Failure(ErrorType.EXTRACT_VALUE_ERROR, f"Timer {timer.kind.value} '{text}' never fires")
    return schedule.due, schedule.repetitions, f"{timer.kind.value}:{text}"


def subscribe(
    ctx: ProcessingContext, owner: ElementInstance, events: list[Element], scope_key: int | None = None
) -> Failure | None:
    """Open a subscription or timer per event for ``owner``. Everything is evaluated first, so a
    failure leaves nothing half-subscribed."""
    scope = scope_key if scope_key is not None else owner.key
    planned: list[_Planned] = []
    for event in events:
        if event.message is not None:
            name_key = message_name_and_key(ctx, event, scope)
            if isinstance(name_key, Failure):
                return name_key
            planned.append(_Planned(event, EventKind.MESSAGE, name=name_key[0], correlation_key=name_key[1]))
        elif event.timer is not None:
            schedule = timer_schedule(ctx, event, scope)
            if isinstance(schedule, Failure):
                return schedule
            due, repetitions, spec = schedule
            planned.append(_Planned(event, EventKind.TIMER, due=due, repetitions=repetitions, interval_spec=spec))
        elif event.signal is not None:
            name = evaluate_string(ctx, event.signal.name, scope, "signal name", ErrorType.EXTRACT_VALUE_ERROR)
            if isinstance(name, Failure):
                return name
            planned.append(_Planned(event, EventKind.SIGNAL, signal_name=name))
    for plan in planned:
        if plan.kind is EventKind.TIMER:
            assert plan.due is not None
            create_timer(ctx, owner, plan.target.id, plan.due, plan.repetitions, plan.interval_spec)
        elif plan.kind is EventKind.SIGNAL:
            assert plan.signal_name is not None
            _open_signal_subscription(ctx, owner, plan.target, plan.signal_name)
        else:
            assert plan.name is not None and plan.correlation_key is not None
            _open_message_subscription(ctx, owner, plan.target, plan.name, plan.correlation_key)
    return None


def create_timer(
    ctx: ProcessingContext,
    owner: ElementInstance,
    target_element_id: str,
    due: datetime,
    repetitions: int | None,
    interval_spec: str | None,
) -> None:
    key = ctx.next_key()
    ctx.writes.insert(
        "timer",
        (
            key,
            ctx.instance.key,
            owner.key,
            target_element_id,
            due,
            repetitions,
            interval_spec,
            "ACTIVE",
            ctx.definition.key,
            ctx.instance.tenant_id,
        ),
    )
    ctx.record(
        ValueType.TIMER,
        Intent.CREATED,
        key,
        target_element_id,
        {"dueDate": due.isoformat(), "repetitions": repetitions, "elementInstanceKey": owner.key},
    )


def _open_message_subscription(
    ctx: ProcessingContext, owner: ElementInstance, target: Element, name: str, correlation_key: str
) -> None:
    key = ctx.next_key()
    definition = ctx.definition
    ctx.conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"{name}\x1f{correlation_key}",))
    buffered = ctx.conn.execute(
        "SELECT m.key, m.variables FROM engine.message m WHERE m.name = %s AND m.correlation_key = %s"
        " AND m.state = 'PUBLISHED' AND m.deadline > %s AND m.tenant_id = %s"
        " AND NOT EXISTS (SELECT 1 FROM engine.message_correlation c"
        "   WHERE c.message_key = m.key AND c.bpmn_process_id = %s)"
        " ORDER BY m.key LIMIT 1 FOR UPDATE",
        (name, correlation_key, ctx.now, ctx.instance.tenant_id, definition.bpmn_process_id),
    ).fetchone()
    # A non-interrupting boundary keeps listening after it correlated.
    state = "CORRELATED" if buffered is not None and target.interrupting else "OPEN"
    ctx.writes.insert(
        "message_subscription",
        (
            key,
            ctx.instance.key,
            owner.key,
            target.id,
            definition.bpmn_process_id,
            definition.key,
            name,
            correlation_key,
            target.interrupting,
            state,
            ctx.now,
            ctx.instance.tenant_id,
        ),
    )
    ctx.record(
        ValueType.MESSAGE_SUBSCRIPTION,
        Intent.CREATED,
        key,
        target.id,
        {"messageName": name, "correlationKey": correlation_key, "elementInstanceKey": owner.key},
    )
    if buffered is not None:
        message_key = int(buffered[0])
        ctx.conn.execute(
            "INSERT INTO engine.message_correlation"
            " (message_key, bpmn_process_id, process_instance_key, subscription_key, applied)"
            " VALUES (%s, %s, %s, %s, true)",
            (message_key, definition.bpmn_process_id, ctx.instance.key, key),
        )
        ctx.pending_messages.append(PendingMessage(owner.key, target.id, message_key, dict(buffered[1] or {}), key))


def _open_signal_subscription(ctx: ProcessingContext, owner: ElementInstance, target: Element, name: str) -> None:
    """Signals are never buffered: the subscription hears only broadcasts made while it is open."""
    key = ctx.next_key()
    definition = ctx.definition
    ctx.writes.insert(
        "signal_subscription",
        (
            key,
            name,
            definition.key,
            definition.bpmn_process_id,
            ctx.instance.key,
            owner.key,
            target.id,
            target.interrupting,
            "OPEN",
            ctx.now,
            ctx.instance.tenant_id,
        ),
    )
    ctx.record(
        ValueType.SIGNAL_SUBSCRIPTION,
        Intent.CREATED,
        key,
        target.id,
        {"signalName": name, "elementInstanceKey": owner.key},
    )


def release_pending_message(ctx: ProcessingContext, message: PendingMessage) -> None:
    """The subscriber of a buffered message ended before the message reached it: give the message
    back (another instance of the process may take it) and close the subscription that took it."""
    ctx.conn.execute(
        "DELETE FROM engine.message_correlation WHERE message_key = %s AND bpmn_process_id = %s",
        (message.message_key, ctx.definition.bpmn_process_id),
    )
    for index, row in enumerate(ctx.writes.inserts["message_subscription"]):
        if row[0] == message.subscription_key and row[9] == "CORRELATED":
            ctx.writes.inserts["message_subscription"][index] = (*row[:9], "DELETED", *row[10:])
            ctx.record(
                ValueType.MESSAGE_SUBSCRIPTION,
                Intent.DELETED,
                row[0],
                row[3],
                {"messageName": row[6], "elementInstanceKey": row[2]},
            )


def close_subscriptions_of(
    ctx: ProcessingContext, owner: ElementInstance, only_targets: Collection[str] | None = None
) -> None:
    """Close every open message or signal subscription and active timer owned by ``owner`` (with
    ``only_targets``, only those that trigger one of these elements)."""
    if not owns_subscriptions(owner.element):
        return
    with_signals = _may_own_signal_subscriptions(ctx, owner.element)
    targets = None if only_targets is None else list(only_targets)
    # Opened in this command: close them before they are written, and say so in the record log.
    for index, row in enumerate(ctx.writes.inserts["timer"]):
        if row[2] == owner.key and row[7] == "ACTIVE" and (targets is None or row[3] in targets):
            ctx.writes.inserts["timer"][index] = (*row[:7], "CANCELED", *row[8:])
            ctx.record(ValueType.TIMER, Intent.CANCELED, row[0], row[3], {"elementInstanceKey": owner.key})
    for index, row in enumerate(ctx.writes.inserts["message_subscription"]):
        if row[2] == owner.key and row[9] == "OPEN" and (targets is None or row[3] in targets):
            ctx.writes.inserts["message_subscription"][index] = (*row[:9], "DELETED", *row[10:])
            ctx.record(
                ValueType.MESSAGE_SUBSCRIPTION,
                Intent.DELETED,
                row[0],
                row[3],
                {"messageName": row[6], "elementInstanceKey": owner.key},
            )
    for index, row in enumerate(ctx.writes.inserts["signal_subscription"] if with_signals else ()):
        if row[5] == owner.key and row[8] == "OPEN" and (targets is None or row[6] in targets):
            ctx.writes.inserts["signal_subscription"][index] = (*row[:8], "DELETED", *row[9:])
            ctx.record(
                ValueType.SIGNAL_SUBSCRIPTION,
                Intent.DELETED,
                row[0],
                row[6],
                {"signalName": row[1], "elementInstanceKey": owner.key},
            )
    if owner.is_new:
        return
    with ctx.conn.pipeline():
        timers = ctx.conn.execute(
            "UPDATE engine.timer SET state = 'CANCELED' WHERE process_instance_key = %s"
            " AND element_instance_key = %s AND state = 'ACTIVE'"
            " AND (%s::text[] IS NULL OR target_element_id = ANY(%s::text[])) RETURNING key, target_element_id",
            (ctx.instance.key, owner.key, targets, targets),
        )
        subscriptions = ctx.conn.execute(
            "UPDATE engine.message_subscription SET state = 'DELETED' WHERE process_instance_key = %s"
            " AND element_instance_key = %s AND state = 'OPEN'"
            " AND (%s::text[] IS NULL OR target_element_id = ANY(%s::text[]))"
            " RETURNING key, target_element_id, message_name",
            (ctx.instance.key, owner.key, targets, targets),
        )
        signals = (
            ctx.conn.execute(
                "UPDATE engine.signal_subscription SET state = 'DELETED' WHERE process_instance_key = %s"
                " AND element_instance_key = %s AND state = 'OPEN'"
                " AND (%s::text[] IS NULL OR target_element_id = ANY(%s::text[]))"
                " RETURNING key, target_element_id, signal_name",
                (ctx.instance.key, owner.key, targets, targets),
            )
            if with_signals
            else None
        )
    for key, target in timers.fetchall():
        ctx.record(ValueType.TIMER, Intent.CANCELED, int(key), target, {"elementInstanceKey": owner.key})
    for key, target, name in subscriptions.fetchall():
        ctx.record(
            ValueType.MESSAGE_SUBSCRIPTION,
            Intent.DELETED,
            int(key),
            target,
            {"messageName": name, "elementInstanceKey": owner.key},
        )
    for key, target, name in signals.fetchall() if signals is not None else ():
        ctx.record(
            ValueType.SIGNAL_SUBSCRIPTION,
            Intent.DELETED,
            int(key),
            target,
            {"signalName": name, "elementInstanceKey": owner.key},
        )


def _may_own_signal_subscriptions(ctx: ProcessingContext, element: Element) -> bool:
    """Whether any event ``element`` subscribes to is a signal: most elements never own one, and
    then closing them costs no statement."""
    events: list[Element] = [element, *ctx.process.boundary_events(element)]
    events += ctx.process.event_sub_process_starts(element)
    if element.type is ElementType.EVENT_BASED_GATEWAY:
        events += [ctx.process.element(flow.target_id) for flow in ctx.process.outgoing_flows(element)]
    return any(event.signal is not None for event in events)


def owns_subscriptions(element: Element) -> bool:
    """Whether instances of ``element`` may own timers or message subscriptions (a fast path)."""
    return (
        bool(element.boundary_event_ids)
        or bool(element.event_sub_process_ids)
        or element.message is not None
        or element.timer is not None
        or element.signal is not None
        or (element.type is ElementType.EVENT_BASED_GATEWAY)
    )
