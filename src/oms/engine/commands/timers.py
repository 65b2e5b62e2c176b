"""Fire timers that are due by the engine clock; a cycle re-arms until its repetitions run out."""

from __future__ import annotations

from functools import partial

from oms.engine.behaviors.subscriptions import create_timer
from oms.engine.bpmn.model import TimerKind
from oms.engine.bpmn.timers import next_due
from oms.engine.commands.start_events import fire_start_timer
from oms.engine.processing.context import ProcessingContext
from oms.engine.records import Intent, ValueType
from oms.engine.runtime import Runtime


def fire_due_timers(runtime: Runtime, limit: int = 200) -> int:
    now = runtime.clock.now()
    with runtime.pool.connection() as conn:
        due = conn.execute(
            "SELECT key, process_instance_key, element_instance_key FROM engine.timer WHERE state = 'ACTIVE'"
            " AND due_date <= %s ORDER BY due_date, key LIMIT %s",
            (now, limit),
        ).fetchall()
    fired = 0
    for timer_key, instance_key, owner_key in due:
        if instance_key is None:  # a timer start event: it belongs to the process definition
            fired += fire_start_timer(runtime, int(timer_key))
            continue
        with runtime.transaction() as conn:
            # A timer's owner never changes: only its scope chain is loaded (the rest on demand).
            fire = partial(_fire, runtime, timer_key=int(timer_key))
            fired += runtime.on_instance(conn, int(instance_key), fire, focus=int(owner_key))
    return fired


def _fire(runtime: Runtime, ctx: ProcessingContext, *, timer_key: int) -> int:
    row = ctx.conn.execute(
        "SELECT element_instance_key, target_element_id, due_date, repetitions, interval_spec FROM engine.timer"
        " WHERE key = %s AND state = 'ACTIVE' AND due_date <= %s FOR UPDATE",
        (timer_key, ctx.now),
    ).fetchone()
    if row is None:
        return 0  # another engine fired or canceled it first
    owner_key, target_id, due_date, repetitions, spec = row
    ctx.conn.execute("UPDATE engine.timer SET state = 'TRIGGERED' WHERE key = %s", (timer_key,))
    ctx.record(ValueType.TIMER, Intent.TRIGGERED, timer_key, target_id, {"elementInstanceKey": int(owner_key)})
    owner = ctx.elements.get(int(owner_key))
    if owner is None or not owner.can_be_triggered:
        return 0  # the element ended, or is stuck on an incident: the timer is used up unheard
    target = ctx.process.element(target_id)
    kind, _, text = (spec or "").partition(":")
    if kind == TimerKind.CYCLE.value and not target.interrupting and (repetitions is None or repetitions > 1):
        schedule = next_due(TimerKind.CYCLE, text, due_date)
        if schedule is not None:
            remaining = None if repetitions is None else repetitions - 1
            create_timer(ctx, owner, target_id, schedule.due, remaining, spec)
    runtime.lifecycle.trigger(ctx, owner, target_id, {})
    return 1
