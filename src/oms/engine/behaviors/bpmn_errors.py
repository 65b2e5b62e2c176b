"""Throwing a BPMN error: the nearest error catch event around the thrower gets it, else an incident.
Throwing an escalation: the same walk, but an uncaught escalation is no incident.

Both walk out of a called instance into its ancestors (``ancestors``): the instance tells its call
activity, which throws again there, and so on up to the instance whose scopes catch it."""

from __future__ import annotations

from typing import Any

from oms.engine.behaviors.ancestors import caught_by_ancestors
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
    if found is None and caught_by_ancestors(ctx, lambda events: _match(events, code)) is not None:
        # Not caught in this (called) instance but by an ancestor: it ends here, and its call activity
        # throws the error again (in the parent, which may in turn end and hand it further up).
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


def throw_escalation(
    lifecycle: Lifecycle,
    ctx: ProcessingContext,
    thrower: ElementInstance,
    code: str,
    *,
    at_call_activity: bool = False,
) -> bool:
    """Throw an escalation from ``thrower``: the nearest escalation catch event of an enclosing scope
    (event sub-process starts, then boundary events of the enclosing sub-processes; exact code before
    catch-all) is triggered; ``at_call_activity``: thrown again at a call activity for its child, whose
    own boundary events come first. Not caught in this instance, it goes to the call activity of the
    nearest ancestor that catches it. Unlike an error, an uncaught escalation is no incident. Returns
    whether the thrower goes on: False when an interrupting catch event ended it (or will: an
    ancestor's ends this called instance)."""
    current: ElementInstance | None = (
        ctx.elements.get(thrower.flow_scope_key) if thrower.flow_scope_key is not None else None
    )
    if at_call_activity:
        found = _match_escalation(ctx.process.boundary_events(thrower.element), code)
        if found is not None:
            lifecycle.trigger_boundary(ctx, thrower, found, {})
            return thrower.is_live
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
    caught = caught_by_ancestors(ctx, lambda events: _match_escalation(events, code))
    if caught is None:
        return True
    parent_key, call_activity_key = ctx.instance.parent_process_instance_key, ctx.instance.parent_element_instance_key
    assert parent_key is not None and call_activity_key is not None
    lifecycle.notify_parent(ctx, CalledInstanceEnded(parent_key, call_activity_key, {}, escalation_code=code))
    return not caught.interrupting
