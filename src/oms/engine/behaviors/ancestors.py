"""The scopes above a called instance: its call activity in the parent (the call activity's boundary
events, then each scope around it), then the parent's own call activity in the grandparent, and so
on up to the root instance. An error or escalation a called instance does not catch itself goes up
this chain, like in Zeebe.

The chain is judged by the models: every call activity on it is active (it waits for its child), and
so is every scope around it. Instances run inside the command of their parent are read from its
context (they may not be written yet); the others from the database.
"""

from __future__ import annotations

from collections.abc import Callable

from oms.engine.bpmn.model import Element, Process
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.scope_loading import element_of

#: Picks the catch event among a scope's events (by kind and code), or None.
Matcher = Callable[[list[Element]], Element | None]


def catch_at(process: Process, scope: Element, match: Matcher, *, thrower: bool) -> Element | None:
    """The event that catches at ``scope``: the start events of its event sub-processes (not at the
    thrower itself, which the event leaves), then its boundary events; each group matched on its own."""
    groups = [process.boundary_events(scope)]
    if not thrower:
        groups.insert(0, process.event_sub_process_starts(scope))
    for events in groups:
        found = match(events)
        if found is not None:
            return found
    return None


def caught_by_ancestors(ctx: ProcessingContext, match: Matcher) -> Element | None:
    """The catch event the nearest ancestor that catches would trigger, or None."""
    current: ProcessingContext | None = ctx
    call_key = ctx.instance.parent_element_instance_key
    while call_key is not None:
        parent = current.parent_ctx if current is not None else None
        if parent is not None and call_key in parent.elements:
            process, element = parent.process, parent.elements[call_key].element
            next_call_key = parent.instance.parent_element_instance_key
            current = parent
        else:
            row = ctx.conn.execute(
                "SELECT e.element_id, e.element_type, p.process_definition_key, p.parent_element_instance_key"
                " FROM engine.element_instance e JOIN engine.process_instance p ON p.key = e.process_instance_key"
                " WHERE e.key = %s",
                (call_key,),
            ).fetchone()
            if row is None or ctx.definitions is None:
                return None
            process = ctx.definitions.get(ctx.conn, int(row[2])).process
            element = element_of(process, row[0], row[1])
            next_call_key = row[3]
            current = None
        found = _catch_around(process, element, match)
        if found is not None:
            return found
        call_key = next_call_key
    return None


def _catch_around(process: Process, call_activity: Element, match: Matcher) -> Element | None:
    """What catches at the call activity, else at each scope around it (``catch_at``)."""
    current: Element | None = call_activity
    while current is not None:
        found = catch_at(process, current, match, thrower=current is call_activity)
        if found is not None:
            return found
        current = process.elements.get(current.flow_scope_id) if current.flow_scope_id is not None else None
    return None
