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
        ElementType.TASK, ElementType.SUB_PROCESS, ElementType.CALL_ACTIVITY,
    }
)  # fmt: skip
GATEWAY_TYPES: frozenset[ElementType] = frozenset(
    {ElementType.EXCLUSIVE_GATEWAY, ElementType.PARALLEL_GATEWAY, ElementType.EVENT_BASED_GATEWAY}
)


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
    """Zeebe evaluates conditions only where an exclusive gateway chooses a path."""
    source = process.elements.get(flow.source_id)
    if flow.condition is None or source is None or source.type is ElementType.EXCLUSIVE_GATEWAY:
        return
    at = At(source.id, flow.line)
    if source.type is ElementType.PARALLEL_GATEWAY:
        ctx.report(at, f"parallel gateway: conditions on outgoing flows are not allowed (flow '{flow.id}')")
    else:
        ctx.report(at, f"conditional sequence flow '{flow.id}' is only supported on an exclusive gateway")


def _check_start_events(process: Process, ctx: ParseContext) -> None:
    starts = [e for e in process.elements.values() if e.type is ElementType.START_EVENT and e.event is EventKind.NONE]
    if not starts:
        ctx.report(_at(process.root), "process has no none start event")
    for extra in starts[1:]:
        ids = ", ".join(f"'{e.id}'" for e in starts)
        ctx.report(_at(extra), f"a process must have exactly one none start event, found {ids}")


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
    if gateway.type is ElementType.EXCLUSIVE_GATEWAY and len(flows) > 1:
        for flow in flows:
            if flow.condition is None and flow.id != gateway.default_flow_id:
                ctx.report(
                    At(gateway.id, flow.line),
                    f"exclusive gateway: outgoing sequence flow '{flow.id}' needs a condition "
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
        if not is_catch or target.event not in (EventKind.MESSAGE, EventKind.TIMER):
            ctx.report(
                At(gateway.id, flow.line),
                f"event-based gateway: flow '{flow.id}' must lead to a message or timer intermediate "
                f"catch event, not to '{target.id}'",
            )
