"""Throwing a BPMN error: the nearest error catch event around the thrower gets it, else an incident.
Throwing an escalation: the same walk, but an uncaught escalation is no incident.

Both walk out of a called instance into its ancestors (``ancestors``): the instance tells its call
activity, which throws again there, and so on up to the instance whose scopes catch it."""

from __future__ import annotations

from functools import partial
from typing import Any

from oms.engine.behaviors.ancestors import Matcher, catch_at, caught_by_ancestors
from oms.engine.bpmn.model import Element, EventKind
from oms.engine.processing.context import CalledInstanceEnded, ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.lifecycle import Lifecycle
from oms.engine.processing.state import ElementInstance


def find_catch_event(
    ctx: ProcessingContext, thrower: ElementInstance, match: Matcher
) -> tuple[ElementInstance, Element] | None:
    """Walk from the thrower outwards. At each scope the start events of its event sub-processes
    come first (the event was thrown inside it), then its boundary events; among each, an exact code
    match beats a catch-all (``match``)."""
    current: ElementInstance | None = thrower
    while current is not None:
        found = catch_at(ctx.process, current.element, match, thrower=current is thrower)
        if found is not None:
            return current, found
        current = ctx.elements.get(current.flow_scope_key) if current.flow_scope_key is not None else None
    return None


def _match(events: list[Element], kind: EventKind, code: str) -> Element | None:
    """The ``kind`` (error or escalation) catch event for ``code`` among ``events``: an exact code
    before a catch-all."""
    catch_all: Element | None = None
    for event in events:
        definition = event.error if kind is EventKind.ERROR else event.escalation
        if event.event is not kind or definition is None:
            continue
        if definition.code is None:
            catch_all = catch_all or event
        elif definition.code.source == code:
            return event
    return catch_all


def _trigger(
    lifecycle: Lifecycle, ctx: ProcessingContext, found: tuple[ElementInstance, Element], payload: dict[str, Any]
) -> None:
    owner, catch_event = found
    if catch_event.attached_to_id is not None:
        lifecycle.trigger_boundary(ctx, owner, catch_event, payload)
    else:
        lifecycle.trigger_event_sub_process(ctx, owner, catch_event, payload)


def _tell_call_activity(
    lifecycle: Lifecycle,
    ctx: ProcessingContext,
    variables: dict[str, Any],
    *,
    error_code: str | None = None,
    error_message: str = "",
    escalation_code: str | None = None,
) -> None:
    """Hand what this called instance threw to its call activity (which throws it again there)."""
    parent_key, call_activity_key = ctx.instance.parent_process_instance_key, ctx.instance.parent_element_instance_key
    assert parent_key is not None and call_activity_key is not None
    ended = CalledInstanceEnded(parent_key, call_activity_key, variables, error_code, error_message, escalation_code)
    lifecycle.notify_parent(ctx, ended)


def throw_error(
    lifecycle: Lifecycle,
    ctx: ProcessingContext,
    thrower: ElementInstance,
    code: str,
    message: str,
    variables: dict[str, Any] | None = None,
) -> Failure | None:
    match = partial(_match, kind=EventKind.ERROR, code=code)
    found = find_catch_event(ctx, thrower, match)
    if found is not None:
        _trigger(lifecycle, ctx, found, dict(variables or {}))
        return None
    if caught_by_ancestors(ctx, match) is None:
        return Failure(
            ErrorType.UNHANDLED_ERROR_EVENT,
            f"Expected to throw an error event with the code '{code}' with message '{message}', but it was"
            " not caught. No error events are available in the scope.",
        )
    # Not caught in this (called) instance but by an ancestor: it ends here, and its call activity
    # throws the error again (in the parent, which may in turn end and hand it further up).
    lifecycle.terminate_element(ctx, ctx.element_instance(ctx.instance.key))
    _tell_call_activity(lifecycle, ctx, dict(variables or {}), error_code=code, error_message=message)
    return None


def throw_escalation(lifecycle: Lifecycle, ctx: ProcessingContext, thrower: ElementInstance, code: str) -> bool:
    """Throw an escalation from ``thrower`` (a throw event, or a call activity its child escalated
    to): the nearest escalation catch event around it is triggered (``find_catch_event``). Not caught
    in this instance, it goes to the call activity of the nearest ancestor that catches it. Unlike an
    error, an uncaught escalation is no incident. Returns whether the thrower goes on: False when an
    interrupting catch event ended it (or will: an ancestor's ends this called instance)."""
    match = partial(_match, kind=EventKind.ESCALATION, code=code)
    found = find_catch_event(ctx, thrower, match)
    if found is not None:
        _trigger(lifecycle, ctx, found, {})
        return thrower.is_live
    caught = caught_by_ancestors(ctx, match)
    if caught is None:
        return True
    _tell_call_activity(lifecycle, ctx, {}, escalation_code=code)
    return not caught.interrupting
