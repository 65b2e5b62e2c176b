"""Parsers for events: start, end, intermediate catch/throw and boundary events, and the
event definitions (message, timer, error, escalation, signal, terminate) they carry."""

from __future__ import annotations

from dataclasses import dataclass, replace

from oms.engine.bpmn.context import At, ParseContext
from oms.engine.bpmn.model import Element, ElementType, EventKind, TimerDefinition, TimerKind
from oms.engine.bpmn.parse_common import (
    base_element,
    check_children,
    parse_error_ref,
    parse_escalation_ref,
    parse_io_mapping,
    parse_message_ref,
    parse_signal_ref,
)
from oms.engine.bpmn.timers import parse_static_timer
from oms.engine.bpmn.xml_support import XmlElement, attribute, bpmn_children, local_name, text_of

_EVENT_KINDS: dict[str, EventKind] = {
    "messageEventDefinition": EventKind.MESSAGE,
    "timerEventDefinition": EventKind.TIMER,
    "errorEventDefinition": EventKind.ERROR,
    "escalationEventDefinition": EventKind.ESCALATION,
    "signalEventDefinition": EventKind.SIGNAL,
    "terminateEventDefinition": EventKind.TERMINATE,
}
#: Event children besides definitions; data associations are ignored like on activities.
_EVENT_CHILDREN = frozenset(_EVENT_KINDS) | {
    "dataInput", "dataOutput", "dataInputAssociation", "dataOutputAssociation", "inputSet", "outputSet",
    "property",
}  # fmt: skip
_TIMER_KINDS: dict[str, TimerKind] = {
    "timeDuration": TimerKind.DURATION,
    "timeDate": TimerKind.DATE,
    "timeCycle": TimerKind.CYCLE,
}


@dataclass(frozen=True)
class _Definition:
    kind_name: str
    element: XmlElement
    #: None for a definition we don't support (already reported by ``check_children``).
    kind: EventKind | None


def _event_definition(element: XmlElement, ctx: ParseContext) -> _Definition | None:
    """The event's single event definition; None for a none event."""
    check_children(element, ctx, _EVENT_CHILDREN)
    found = [child for child in bpmn_children(element) if local_name(child).endswith("EventDefinition")]
    if not found:
        return None
    if len(found) > 1:
        ctx.report(At.of(element), "unsupported element: an event with several event definitions")
    kind_name = local_name(found[0])
    return _Definition(kind_name, found[0], _EVENT_KINDS.get(kind_name))


def _refuse(element: XmlElement, definition: _Definition, ctx: ParseContext) -> None:
    """No model for an event with this definition: report it unless ``check_children`` already did.

    The caller then returns None: the id stays known (flows to it are fine) but it is not modelled.
    """
    if definition.kind is not None:
        ctx.report(At.of(element), f"unsupported element {local_name(element)} with {definition.kind_name}")


def parse_start_event(element: XmlElement, scope_id: str, ctx: ParseContext) -> Element | None:
    definition = _event_definition(element, ctx)
    _, outputs = parse_io_mapping(element, ctx)
    # isInterrupting matters only in an event sub-process (xsd:boolean, default true).
    interrupting = element.get("isInterrupting", "true").strip() not in ("false", "0")
    base = replace(base_element(element, ElementType.START_EVENT, scope_id), outputs=outputs, interrupting=interrupting)
    if definition is None:
        return base
    at = At.of(element)
    if definition.kind is EventKind.ERROR:
        if not interrupting:
            ctx.report(at, 'error start events are always interrupting: isInterrupting="false" is not allowed')
        error = parse_error_ref(definition.element, at, ctx, catching=True)
        return replace(base, event=EventKind.ERROR, error=error, interrupting=True)
    if definition.kind is EventKind.ESCALATION:
        escalation = parse_escalation_ref(definition.element, at, ctx, catching=True)
        return replace(base, event=EventKind.ESCALATION, escalation=escalation)
    if definition.kind is EventKind.MESSAGE:
        message = parse_message_ref(definition.element, at, ctx, needs_correlation_key=False)
        if message is not None and not message.name.is_static:
            ctx.report(at, "message start event: the message name must be static, not FEEL")
        return replace(base, event=EventKind.MESSAGE, message=message)
    if definition.kind is EventKind.TIMER:
        timer = parse_timer(definition.element, at, ctx)
        if timer is not None and not timer.expression.is_static:
            ctx.report(at, "timer start event: the timer must be static, not FEEL")
        return replace(base, event=EventKind.TIMER, timer=timer)
    if definition.kind is EventKind.SIGNAL:
        # A process-level one must have a static name (checked with the scope, in validation).
        return replace(base, event=EventKind.SIGNAL, signal=parse_signal_ref(definition.element, at, ctx))
    _refuse(element, definition, ctx)
    return None


def parse_end_event(element: XmlElement, scope_id: str, ctx: ParseContext) -> Element | None:
    definition = _event_definition(element, ctx)
    inputs, outputs = parse_io_mapping(element, ctx)
    base = replace(base_element(element, ElementType.END_EVENT, scope_id), inputs=inputs, outputs=outputs)
    if definition is None:
        return base
    if definition.kind is EventKind.ERROR:
        error = parse_error_ref(definition.element, At.of(element), ctx, catching=False)
        return replace(base, event=EventKind.ERROR, error=error)
    if definition.kind is EventKind.ESCALATION:
        escalation = parse_escalation_ref(definition.element, At.of(element), ctx, catching=False)
        return replace(base, event=EventKind.ESCALATION, escalation=escalation)
    if definition.kind is EventKind.SIGNAL:
        return replace(base, event=EventKind.SIGNAL, signal=parse_signal_ref(definition.element, At.of(element), ctx))
    if definition.kind is EventKind.TERMINATE:
        return replace(base, event=EventKind.TERMINATE)
    _refuse(element, definition, ctx)
    return None


def parse_intermediate_catch_event(element: XmlElement, scope_id: str, ctx: ParseContext) -> Element | None:
    definition = _event_definition(element, ctx)
    _, outputs = parse_io_mapping(element, ctx)
    base = replace(base_element(element, ElementType.INTERMEDIATE_CATCH_EVENT, scope_id), outputs=outputs)
    at = At.of(element)
    if definition is None:
        ctx.report(at, "intermediate catch event needs a message, timer or signal event definition")
        return base
    if definition.kind is EventKind.MESSAGE:
        message = parse_message_ref(definition.element, at, ctx)
        return replace(base, event=EventKind.MESSAGE, message=message)
    if definition.kind is EventKind.TIMER:
        timer = parse_timer(definition.element, at, ctx)
        if timer is not None and timer.kind is TimerKind.CYCLE:
            ctx.report(at, "intermediate timer catch event must have a timeDuration or a timeDate, not a timeCycle")
        return replace(base, event=EventKind.TIMER, timer=timer)
    if definition.kind is EventKind.SIGNAL:
        return replace(base, event=EventKind.SIGNAL, signal=parse_signal_ref(definition.element, at, ctx))
    _refuse(element, definition, ctx)
    return None


def parse_intermediate_throw_event(element: XmlElement, scope_id: str, ctx: ParseContext) -> Element | None:
    definition = _event_definition(element, ctx)
    inputs, outputs = parse_io_mapping(element, ctx)
    base = replace(
        base_element(element, ElementType.INTERMEDIATE_THROW_EVENT, scope_id), inputs=inputs, outputs=outputs
    )
    if definition is None:
        return base
    if definition.kind is EventKind.ESCALATION:
        escalation = parse_escalation_ref(definition.element, At.of(element), ctx, catching=False)
        return replace(base, event=EventKind.ESCALATION, escalation=escalation)
    if definition.kind is EventKind.SIGNAL:
        return replace(base, event=EventKind.SIGNAL, signal=parse_signal_ref(definition.element, At.of(element), ctx))
    _refuse(element, definition, ctx)
    return None


def parse_boundary_event(element: XmlElement, scope_id: str, ctx: ParseContext) -> Element | None:
    definition = _event_definition(element, ctx)
    _, outputs = parse_io_mapping(element, ctx)
    at = At.of(element)
    attached_to = attribute(element, "attachedToRef")
    if attached_to is None:
        ctx.report(at, "boundary event has no attachedToRef")
    interrupting = element.get("cancelActivity", "true").strip() not in ("false", "0")  # xsd:boolean
    base = replace(
        base_element(element, ElementType.BOUNDARY_EVENT, scope_id),
        outputs=outputs,
        attached_to_id=attached_to,
        interrupting=interrupting,
    )
    if definition is None:
        ctx.report(at, "boundary event needs an error, escalation, timer, message or signal event definition")
        return base
    if definition.kind is EventKind.ERROR:
        if not interrupting:
            ctx.report(at, 'error boundary events are always interrupting: cancelActivity="false" is not allowed')
        error = parse_error_ref(definition.element, at, ctx, catching=True)
        return replace(base, event=EventKind.ERROR, error=error, interrupting=True)
    if definition.kind is EventKind.ESCALATION:
        escalation = parse_escalation_ref(definition.element, at, ctx, catching=True)
        return replace(base, event=EventKind.ESCALATION, escalation=escalation)
    if definition.kind is EventKind.TIMER:
        timer = parse_timer(definition.element, at, ctx)
        if timer is not None and timer.kind is TimerKind.CYCLE and interrupting:
            ctx.report(
                at,
                'interrupting timer boundary event with a timeCycle is not allowed (cancelActivity="false")',
            )
        return replace(base, event=EventKind.TIMER, timer=timer)
    if definition.kind is EventKind.MESSAGE:
        return replace(base, event=EventKind.MESSAGE, message=parse_message_ref(definition.element, at, ctx))
    if definition.kind is EventKind.SIGNAL:
        return replace(base, event=EventKind.SIGNAL, signal=parse_signal_ref(definition.element, at, ctx))
    _refuse(element, definition, ctx)
    return None


def parse_timer(definition: XmlElement, at: At, ctx: ParseContext) -> TimerDefinition | None:
    """The one ``timeDuration`` / ``timeDate`` / ``timeCycle`` of a timer event definition."""
    values = [child for child in bpmn_children(definition) if local_name(child) in _TIMER_KINDS]
    if len(values) != 1:
        ctx.report(at, "timer event definition must have exactly one of timeDuration, timeDate, timeCycle")
    if not values:
        return None
    value_name = local_name(values[0])
    kind = _TIMER_KINDS[value_name]
    text = text_of(values[0])
    if not text:
        ctx.report(at, f"timer {value_name} is empty")
        return None
    expression = ctx.expression(text, at, f"timer {value_name}")
    if expression.is_static:
        try:
            parse_static_timer(kind, text)
        except ValueError as exc:
            ctx.report(at, f"invalid timer {value_name} '{text}': {exc}")
    return TimerDefinition(kind=kind, expression=expression)
