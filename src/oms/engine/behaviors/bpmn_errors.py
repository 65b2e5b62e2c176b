"""Throwing a BPMN error: the nearest error catch event around the thrower gets it, else an incident.
Throwing an escalation: the same walk, but an uncaught escalation is no incident."""

from __future__ import annotations

from typing import Any

from oms.engine.bpmn.model import Element, EventKind
from oms.engine.processing.context import CalledInstanceEnded, ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.lifecycle import Lifecycle
from oms.engine.processing.state import ElementInstance


def find_catch_event(
    ctx: ProcessingContext, thrower: ElementInstance, code: str
) -> tuple[ElementInstance, Element] | None:
    """Walk from the thrower outwards. At each scope the error start events of its event
    sub-processes come first (the error was thrown inside it), then its boundary events; among
    each, an exact code match beats a catch-all."""
    current: ElementInstance | None = thrower
    while current is not None:
        candidates = [ctx.process.boundary_events(current.element)]
        if current is not thrower:
            candidates.insert(0, ctx.process.event_sub_process_starts(current.element))
        for events in candidates:
            found = _match(events, code)
            if found is not None:
                return current, found
        current = ctx.elements.get(current.flow_scope_key) if current.flow_scope_key is not None else None
    return None


def _caught_by_parent(ctx: ProcessingContext, code: str) -> bool:
    """Whether the parent (of a called instance) catches ``code`` around its call activity: by the
    model, walking from the call activity out through its flow scopes."""
    call_activity_key = ctx.instance.parent_element_instance_key
    if call_activity_key is None:
        return False
    if ctx.parent_ctx is not None:
        process = ctx.parent_ctx.process
        element = ctx.parent_ctx.element_instance(call_activity_key).element
    else:
        row = ctx.conn.execute(
            "SELECT e.element_id, p.process_definition_key FROM engine.element_instance e"
            " JOIN engine.process_instance p ON p.key = e.process_instance_key WHERE e.key = %s",
            (call_activity_key,),
        ).fetchone()
        if row is None or ctx.definitions is None:
            return False
        process = ctx.definitions.get(ctx.conn, int(row[1])).process
        element = process.element(row[0])
    current: Element | None = element
    while current is not None:
        events = process.boundary_events(current)
        if current is not element:
            events = [*process.event_sub_process_starts(current), *events]
        if _match(events, code) is not None:
            return True
        current = process.elements.get(current.flow_scope_id) if current.flow_scope_id is not None else None
    return False


def _match(events: list[Element], code: str) -> Element | None:
    catch_all: Element | None = None
    for event in events:
        if event.event is not EventKind.ERROR or event.error is None:
            continue
        if event.error.code is None:
            catch_all = catch_all or event
        elif event.error.code.source == code:
            return event
    return catch_all


def throw_error(
    lifecycle: Lifecycle,
    ctx: ProcessingContext,
    thrower: ElementInstance,
    code: str,
    message: str,
    variables: dict[str, Any] | None = None,
) -> Failure | None:
    found = find_catch_event(ctx, thrower, code)
    if found is None and _caught_by_parent(ctx, code):
        # Not caught in this (called) instance but by its call activity's scopes: it ends here.
        lifecycle.terminate_element(ctx, ctx.element_instance(ctx.instance.key))
        parent_key, call_activity_key = (
            ctx.instance.parent_process_instance_key,
            ctx.instance.parent_element_instance_key,
        )
        assert parent_key is not None and call_activity_key is not None
        ended = CalledInstanceEnded(parent_key, call_activity_key, dict(variables or {}), code, message)
        lifecycle.notify_parent(ctx, ended)
        return None
    if found is None:
        return Failure(
            ErrorType.UNHANDLED_ERROR_EVENT,
            f"Expected to throw an error event with the code '{code}' with message '{message}', but it was"
            " not caught. No error events are available in the scope.",
        )
    owner, catch_event = found
    payload = dict(variables or {})
    if catch_event.attached_to_id is not None:
        lifecycle.trigger_boundary(ctx, owner, catch_event, payload)
    else:
        lifecycle.trigger_event_sub_process(ctx, owner, catch_event, payload)
    return None


def _match_escalation(events: list[Element], code: str) -> Element | None:
    catch_all: Element | None = None
    for event in events:
        if event.event is not EventKind.ESCALATION or event.escalation is None:
            continue
        if event.escalation.code is None:
            catch_all = catch_all or event
        elif event.escalation.code.source == code:
            return event
    return catch_all


def throw_escalation(lifecycle: Lifecycle, ctx: ProcessingContext, thrower: ElementInstance, code: str) -> bool:
    """Throw an escalation from ``thrower``: the nearest escalation catch event of an enclosing scope
    (event sub-process starts, then boundary events of the enclosing sub-processes; exact code before
    catch-all) is triggered. Unlike an error, an uncaught escalation is no incident. Returns whether
    the thrower goes on: False when an interrupting catch event ended it."""
    current: ElementInstance | None = (
        ctx.elements.get(thrower.flow_scope_key) if thrower.flow_scope_key is not None else None
    )
    while current is not None:
        element = current.element
        for events in (ctx.process.event_sub_process_starts(element), ctx.process.boundary_events(element)):
            found = _match_escalation(events, code)
            if found is None:
                continue
            if found.attached_to_id is not None:
                lifecycle.trigger_boundary(ctx, current, found, {})
            else:
                lifecycle.trigger_event_sub_process(ctx, current, found, {})
            return thrower.is_live
        current = ctx.elements.get(current.flow_scope_key) if current.flow_scope_key is not None else None
    return True
