"""Throwing a BPMN error: the nearest error catch event around the thrower gets it, else an incident."""

from __future__ import annotations

from typing import Any

from oms.engine.bpmn.model import Element, EventKind
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.lifecycle import Lifecycle
from oms.engine.processing.state import ElementInstance


def find_catch_event(
    ctx: ProcessingContext, thrower: ElementInstance, code: str
) -> tuple[ElementInstance, Element] | None:
    """Walk from the thrower outwards; at each scope an exact code match beats a catch-all."""
    current: ElementInstance | None = thrower
    while current is not None:
        catch_all: Element | None = None
        for boundary in ctx.process.boundary_events(current.element):
            if boundary.event is not EventKind.ERROR or boundary.error is None:
                continue
            if boundary.error.code is None:
                catch_all = catch_all or boundary
            elif boundary.error.code.source == code:
                return current, boundary
        if catch_all is not None:
            return current, catch_all
        current = ctx.elements.get(current.flow_scope_key) if current.flow_scope_key is not None else None
    return None


def throw_error(
    lifecycle: Lifecycle,
    ctx: ProcessingContext,
    thrower: ElementInstance,
    code: str,
    message: str,
    variables: dict[str, Any] | None = None,
) -> Failure | None:
    found = find_catch_event(ctx, thrower, code)
    if found is None:
        return Failure(
            ErrorType.UNHANDLED_ERROR_EVENT,
            f"Expected to throw an error event with the code '{code}' with message '{message}', but it was"
            " not caught. No error events are available in the scope.",
        )
    owner, boundary = found
    payload = dict(variables or {})
    lifecycle.trigger_boundary(ctx, owner, boundary, payload)
    return None
