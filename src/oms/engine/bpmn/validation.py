"""Deploy-time rules that span several elements: flows, start events, gateways, boundary events.

Rules about a single element (a service task needs a ``zeebe:taskDefinition``…) are checked by
that element's parser, where the values are read; this module checks the assembled graph, so a
rule reads as "for every gateway, its outgoing flows must…". Every rule reports through the
``ParseContext`` and never stops at the first problem.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Set

from oms.engine.bpmn.context import At, ParseContext
from oms.engine.bpmn.model import Element, ElementType, EventKind, Process, SequenceFlow
from oms.engine.bpmn.xml_support import BPMN_NS, XmlElement, namespace_of

ACTIVITY_TYPES: frozenset[ElementType] = frozenset(
    {
        ElementType.SERVICE_TASK, ElementType.SEND_TASK, ElementType.BUSINESS_RULE_TASK,
        ElementType.SCRIPT_TASK, ElementType.RECEIVE_TASK, ElementType.USER_TASK, ElementType.MANUAL_TASK,
        ElementType.TASK, ElementType.SUB_PROCESS, ElementType.CALL_ACTIVITY, ElementType.MULTI_INSTANCE_BODY,
    }
)  # fmt: skip
GATEWAY_TYPES: frozenset[ElementType] = frozenset(
    {
        ElementType.EXCLUSIVE_GATEWAY, ElementType.INCLUSIVE_GATEWAY, ElementType.PARALLEL_GATEWAY,
        ElementType.EVENT_BASED_GATEWAY,
    }
)  # fmt: skip
#: Gateways that choose their outgoing flows by conditions.
CONDITIONAL_GATEWAY_TYPES = frozenset({ElementType.EXCLUSIVE_GATEWAY, ElementType.INCLUSIVE_GATEWAY})


def check_unique_ids(root: XmlElement, ctx: ParseContext) -> None:
    """BPMN ids are document-wide XML ids: two elements with one id make every reference ambiguous."""
    elements = [el for el in root.iter() if isinstance(el.tag, str) and namespace_of(el) == BPMN_NS]
    counts = Counter(el.get("id") for el in elements if el.get("id"))
    for element in elements:
        element_id = element.get("id")
        if element_id and counts[element_id] > 1:
            ctx.report(At.of(element), f"duplicate id '{element_id}' ({counts[element_id]} elements have it)")


def validate_process(process: Process, known_ids: Set[str], ctx: ParseContext) -> None:
    """Check the graph of one parsed process.

    ``known_ids`` holds every flow node id of the process, including elements that were reported
    as unsupported and left out of ``process.elements``: a flow to them is not a second mistake.
    """
    for flow in process.flows.values():
        _check_flow_ends(process, flow, known_ids, ctx)
        _check_condition_source(process, flow, ctx)
        _check_flow_scope(process, flow, ctx)
    _check_start_events(process, ctx)
    for element in process.elements.values():
        if element.type is ElementType.START_EVENT and element.incoming:
            ctx.report(_at(element), "start event must not have incoming sequence flows")
        if element.type is ElementType.END_EVENT and element.outgoing:
            ctx.report(_at(element), "end event must not have outgoing sequence flows")
        if element.type is ElementType.BOUNDARY_EVENT:
            _check_boundary_event(process, element, known_ids, ctx)
        if element.type in GATEWAY_TYPES:
            _check_gateway(process, element, ctx)
        if element.default_flow_id is not None and element.default_flow_id not in element.outgoing:
            ctx.report(_at(element), f"default flow '{element.default_flow_id}' is not an outgoing sequence flow")


def _at(element: Element) -> At:
    return At(element.id, element.line)


def _check_flow_ends(process: Process, flow: SequenceFlow, known_ids: Set[str], ctx: ParseContext) -> None:
    for end, ref in (("sourceRef", flow.source_id), ("targetRef", flow.target_id)):
        if ref and ref not in known_ids:
            ctx.report(
                At(flow.id, flow.line),
                f"sequence flow {end} '{ref}' is not an element of process '{process.id}'",
            )


def _check_condition_source(process: Process, flow: SequenceFlow, ctx: ParseContext) -> None:
    """Zeebe evaluates conditions only where an exclusive or inclusive gateway chooses paths."""
    source = process.elements.get(flow.source_id)
    if flow.condition is None or source is None or source.type in CONDITIONAL_GATEWAY_TYPES:
        return
    at = At(source.id, flow.line)
    if source.type is ElementType.PARALLEL_GATEWAY:
        ctx.report(at, f"parallel gateway: conditions on outgoing flows are not allowed (flow '{flow.id}')")
    else:
        ctx.report(at, f"conditional sequence flow '{flow.id}' is only supported on an exclusive or inclusive gateway")


def _check_start_events(process: Process, ctx: ParseContext) -> None:
    """A sub-process starts at exactly one none start event; a process at most one none start event,
    besides its message and timer start events (at least one start event in all); an event
    sub-process at exactly one message, timer or error start event."""
    every = [e.inner if e.inner is not None else e for e in process.elements.values()]
    containers = [
        e for e in every if e.type in (ElementType.PROCESS, ElementType.SUB_PROCESS, ElementType.EVENT_SUB_PROCESS)
    ]
    for container in containers:
        starts = [e for e in every if e.flow_scope_id == container.id and e.type is ElementType.START_EVENT]
        if container.type is ElementType.EVENT_SUB_PROCESS:
            _check_event_sub_process(container, starts, ctx)
            continue
        none_starts = [e for e in starts if e.event is EventKind.NONE]
        is_process = container.type is ElementType.PROCESS
        kind = "process" if is_process else "sub-process"
        if not none_starts and (not is_process or not starts):
            ctx.report(_at(container), f"{kind} has no none start event")
        for extra in none_starts[1:]:
            ids = ", ".join(f"'{e.id}'" for e in none_starts)
            ctx.report(_at(extra), f"a {kind} must have exactly one none start event, found {ids}")
        for event in starts:
            if event.event is EventKind.ERROR:
                ctx.report(_at(event), "error start events are only allowed in an event sub-process")
            elif event.event is EventKind.ESCALATION:
                ctx.report(_at(event), "escalation start events are only allowed in an event sub-process")
            elif event.event is not EventKind.NONE and not is_process:
                ctx.report(_at(event), f"unsupported element startEvent with {event.event.value} in a sub-process")
            elif event.signal is not None and not event.signal.name.is_static:
                # Registered at deploy, before any variable exists to evaluate it with.
                ctx.report(_at(event), "signal start event: the signal name must be static, not FEEL")


def _check_event_sub_process(container: Element, starts: list[Element], ctx: ParseContext) -> None:
    if container.incoming or container.outgoing:
        ctx.report(_at(container), "event sub-process must not have incoming or outgoing sequence flows")
    if len(starts) != 1:
        ctx.report(_at(container), f"event sub-process must have exactly one start event, found {len(starts)}")
    for event in starts:
        if event.event is EventKind.NONE:
            ctx.report(_at(event), "event sub-process start event needs an event definition (message, timer, signal…)")


def _check_flow_scope(process: Process, flow: SequenceFlow, ctx: ParseContext) -> None:
    """A sequence flow stays inside one scope: it cannot cross a sub-process's border."""
    source = process.elements.get(flow.source_id)
    target = process.elements.get(flow.target_id)
    if source is None or target is None or source.flow_scope_id == target.flow_scope_id:
        return
    ctx.report(
        At(flow.id, flow.line),
        f"sequence flow '{flow.id}' connects '{source.id}' and '{target.id}', which are in different scopes",
    )


def _check_boundary_event(process: Process, event: Element, known_ids: Set[str], ctx: ParseContext) -> None:
    at = _at(event)
    attached = process.elements.get(event.attached_to_id or "")
    if event.attached_to_id is None:
        pass  # reported by the parser
    elif attached is None and event.attached_to_id not in known_ids:
        ctx.report(at, f"attachedToRef '{event.attached_to_id}' is not an element of process '{process.id}'")
    elif attached is not None and attached.type not in ACTIVITY_TYPES:
        ctx.report(at, f"boundary event must be attached to an activity, not to '{attached.id}'")
    if event.incoming:
        ctx.report(at, "boundary event must not have incoming sequence flows")
    if not event.outgoing:
        ctx.report(at, "boundary event needs an outgoing sequence flow")


def _check_gateway(process: Process, gateway: Element, ctx: ParseContext) -> None:
    at = _at(gateway)
    flows = process.outgoing_flows(gateway)
    if not flows:
        ctx.report(at, "gateway has no outgoing sequence flow")
        return
    if gateway.type in CONDITIONAL_GATEWAY_TYPES and len(flows) > 1:
        kind = "exclusive" if gateway.type is ElementType.EXCLUSIVE_GATEWAY else "inclusive"
        for flow in flows:
            if flow.condition is None and flow.id != gateway.default_flow_id:
                ctx.report(
                    At(gateway.id, flow.line),
                    f"{kind} gateway: outgoing sequence flow '{flow.id}' needs a condition "
                    "(or must be the default flow)",
                )
    if gateway.type is ElementType.EVENT_BASED_GATEWAY:
        _check_event_based_gateway(process, gateway, flows, ctx)


def _check_event_based_gateway(
    process: Process, gateway: Element, flows: list[SequenceFlow], ctx: ParseContext
) -> None:
    if len(flows) < 2:
        ctx.report(_at(gateway), "event-based gateway needs at least two outgoing sequence flows")
    for flow in flows:
        target = process.elements.get(flow.target_id)
        if target is None:
            continue  # unknown or unsupported target: already reported
        is_catch = target.type is ElementType.INTERMEDIATE_CATCH_EVENT
        if not is_catch or target.event not in (EventKind.MESSAGE, EventKind.TIMER, EventKind.SIGNAL):
            ctx.report(
                At(gateway.id, flow.line),
                f"event-based gateway: flow '{flow.id}' must lead to a message, timer or signal intermediate "
                f"catch event, not to '{target.id}'",
            )
