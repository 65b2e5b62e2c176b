"""BPMN 2.0 XML (with Zeebe extensions) to executable ``Process`` models.

``parse_bpmn`` reads every executable process of a definitions file. One parser function per
element kind (``parse_tasks``, ``parse_events``, ``parse_flows``) reads its element and reports
what is wrong with it; ``validation`` then checks the assembled graph. All problems of the
resource are collected and raised together as one ``BpmnValidationError``; nothing is returned
unless the whole resource is valid.

Example::

    processes = parse_bpmn(Path("order.bpmn").read_bytes(), "order.bpmn")
    order = processes[0]
    start = order.element(order.root.start_event_id)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from oms.engine.bpmn.context import At, ParseContext
from oms.engine.bpmn.errors import BpmnValidationError, Problem
from oms.engine.bpmn.model import Element, ElementType, EventKind, Process, SequenceFlow
from oms.engine.bpmn.parse_common import (
    ACTIVITY_DATA_CHILDREN,
    base_element,
    check_execution_listeners,
    parse_io_mapping,
    parse_multi_instance,
    report_not_executable,
)
from oms.engine.bpmn.parse_events import (
    parse_boundary_event,
    parse_end_event,
    parse_intermediate_catch_event,
    parse_intermediate_throw_event,
    parse_start_event,
)
from oms.engine.bpmn.parse_flows import parse_gateway, parse_sequence_flow
from oms.engine.bpmn.parse_tasks import (
    parse_call_activity,
    parse_job_worker_task,
    parse_pass_through_task,
    parse_receive_task,
    parse_script_task,
)
from oms.engine.bpmn.validation import ACTIVITY_TYPES, check_unique_ids, validate_process
from oms.engine.bpmn.xml_support import (
    BPMN_NS,
    MalformedXml,
    XmlElement,
    attribute,
    bpmn,
    child_elements,
    line_of,
    local_name,
    namespace_of,
    parse_xml,
)

ElementParser = Callable[[XmlElement, str, ParseContext], Element | None]

#: One parser per supported flow node kind; the scope id is the id of the containing process.
_PARSERS: dict[str, ElementParser] = {
    "startEvent": parse_start_event,
    "endEvent": parse_end_event,
    "intermediateCatchEvent": parse_intermediate_catch_event,
    "intermediateThrowEvent": parse_intermediate_throw_event,
    "boundaryEvent": parse_boundary_event,
    "serviceTask": lambda el, scope, ctx: parse_job_worker_task(el, ElementType.SERVICE_TASK, scope, ctx),
    "sendTask": lambda el, scope, ctx: parse_job_worker_task(el, ElementType.SEND_TASK, scope, ctx),
    "businessRuleTask": lambda el, scope, ctx: parse_job_worker_task(el, ElementType.BUSINESS_RULE_TASK, scope, ctx),
    "scriptTask": parse_script_task,
    "callActivity": parse_call_activity,
    "receiveTask": parse_receive_task,
    "task": lambda el, scope, ctx: parse_pass_through_task(el, ElementType.TASK, scope, ctx),
    "manualTask": lambda el, scope, ctx: parse_pass_through_task(el, ElementType.MANUAL_TASK, scope, ctx),
    "exclusiveGateway": lambda el, scope, ctx: parse_gateway(el, ElementType.EXCLUSIVE_GATEWAY, scope, ctx),
    "inclusiveGateway": lambda el, scope, ctx: parse_gateway(el, ElementType.INCLUSIVE_GATEWAY, scope, ctx),
    "parallelGateway": lambda el, scope, ctx: parse_gateway(el, ElementType.PARALLEL_GATEWAY, scope, ctx),
    "eventBasedGateway": lambda el, scope, ctx: parse_gateway(el, ElementType.EVENT_BASED_GATEWAY, scope, ctx),
}

#: Process children with no execution semantics: documentation, lanes, artifacts, data objects.
_IGNORED_IN_PROCESS = frozenset(
    {
        "documentation", "extensionElements", "laneSet", "textAnnotation", "association", "group",
        "dataObject", "dataObjectReference", "dataStoreReference", "ioSpecification", "property",
    }
)  # fmt: skip

#: Sub-process children that are not flow elements: the process's, plus an activity's own children.
_LOOPS = frozenset({"multiInstanceLoopCharacteristics", "standardLoopCharacteristics"})
_IGNORED_IN_SUB_PROCESS = _IGNORED_IN_PROCESS | ACTIVITY_DATA_CHILDREN | _LOOPS | {"incoming", "outgoing"}

#: Root elements that matter only when something we execute refers to them (or never).
_IGNORED_IN_DEFINITIONS = frozenset(
    {
        "documentation", "extensionElements", "collaboration", "category", "signal", "escalation",
        "itemDefinition", "dataStore", "import", "interface", "resource", "relationship",
        "correlationProperty", "endPoint", "partnerEntity", "partnerRole", "message", "error",
    }
)  # fmt: skip


def parse_bpmn(xml: bytes, resource_name: str = "process.bpmn") -> list[Process]:
    """Parse and validate every executable process of a BPMN definitions file.

    Raises ``BpmnValidationError`` listing every problem of the resource (malformed XML, an
    unsupported element, a missing ``zeebe:taskDefinition``…), each naming element id and line.
    """
    try:
        root = parse_xml(xml)
    except MalformedXml as exc:
        raise BpmnValidationError(resource_name, [Problem(None, exc.line, exc.message)]) from None
    if root.tag != bpmn("definitions"):
        found = local_name(root)
        problem = Problem(None, line_of(root), f"the root element must be bpmn:definitions, not {found}")
        raise BpmnValidationError(resource_name, [problem])

    ctx = ParseContext(
        messages=_root_elements(root, "message"),
        errors=_root_elements(root, "error"),
        escalations=_root_elements(root, "escalation"),
        signals=_root_elements(root, "signal"),
    )
    check_unique_ids(root, ctx)
    executable: list[XmlElement] = []
    for child in child_elements(root):
        kind = local_name(child)
        if namespace_of(child) != BPMN_NS or kind in _IGNORED_IN_DEFINITIONS:
            continue
        if kind == "process":
            # Non-executable processes are the other pools of a collaboration diagram.
            if child.get("isExecutable", "").strip() in ("true", "1"):
                executable.append(child)
            continue
        report_not_executable(child, ctx)
    if not executable:
        ctx.report(At(None, line_of(root)), 'no executable process (bpmn:process isExecutable="true")')
    processes = [_parse_process(element, ctx) for element in executable]
    if ctx.problems:
        # Document order reads best: a modeler fixes the file top to bottom.
        problems = sorted(ctx.problems, key=lambda p: p.line if p.line is not None else 0)
        raise BpmnValidationError(resource_name, problems)
    return processes


def _root_elements(root: XmlElement, kind: str) -> dict[str, XmlElement]:
    return {el.get("id", ""): el for el in root.iterchildren(bpmn(kind)) if el.get("id")}


def _parse_process(element: XmlElement, ctx: ParseContext) -> Process:
    process_id = element.get("id", "")
    if not process_id:
        ctx.report(At.of(element), "process has no id")
    check_execution_listeners(element, ctx)
    elements: dict[str, Element] = {}
    flows: dict[str, SequenceFlow] = {}
    known_ids: set[str] = set()
    _parse_flow_elements(element, process_id, _IGNORED_IN_PROCESS, elements, flows, known_ids, ctx)
    process = _assemble(element, process_id, elements, flows)
    validate_process(process, known_ids, ctx)
    return process


def _parse_flow_elements(
    container: XmlElement,
    scope_id: str,
    ignored: frozenset[str],
    elements: dict[str, Element],
    flows: dict[str, SequenceFlow],
    known_ids: set[str],
    ctx: ParseContext,
) -> None:
    """Parse the flow elements of a container (the process, a sub-process) into the flat maps."""
    for child in child_elements(container):
        kind = local_name(child)
        # Foreign-namespace children are tool extensions, not ours to judge.
        if namespace_of(child) != BPMN_NS or kind in ignored:
            continue
        child_id = child.get("id", "")
        if not child_id:
            ctx.report(At(None, line_of(child)), f"{kind} has no id")
            continue
        if kind == "sequenceFlow":
            flows.setdefault(child_id, parse_sequence_flow(child, ctx))
            continue
        known_ids.add(child_id)
        parsed: Element | None
        if kind == "subProcess":
            parsed = _parse_sub_process(child, scope_id, elements, flows, known_ids, ctx)
        else:
            parser = _PARSERS.get(kind)
            if parser is None:
                report_not_executable(child, ctx)
                continue
            parsed = parser(child, scope_id, ctx)
        if parsed is not None and parsed.type in ACTIVITY_TYPES:
            parsed = replace(parsed, multi_instance=parse_multi_instance(child, ctx))
        if parsed is not None:
            elements.setdefault(child_id, parsed)


def _parse_sub_process(
    element: XmlElement,
    scope_id: str,
    elements: dict[str, Element],
    flows: dict[str, SequenceFlow],
    known_ids: set[str],
    ctx: ParseContext,
) -> Element | None:
    """An embedded sub-process (or an event sub-process, ``triggeredByEvent``): a scope of its own
    whose flow elements are parsed like the process's."""
    check_execution_listeners(element, ctx)
    sub_process_id = element.get("id", "")
    is_event_sub_process = element.get("triggeredByEvent", "").strip() in ("true", "1")
    element_type = ElementType.EVENT_SUB_PROCESS if is_event_sub_process else ElementType.SUB_PROCESS
    for loop in child_elements(element):
        if namespace_of(loop) == BPMN_NS and local_name(loop) == "standardLoopCharacteristics":
            report_not_executable(loop, ctx, owner_id=sub_process_id)
    inputs, outputs = parse_io_mapping(element, ctx)
    _parse_flow_elements(element, sub_process_id, _IGNORED_IN_SUB_PROCESS, elements, flows, known_ids, ctx)
    return replace(base_element(element, element_type, scope_id), inputs=inputs, outputs=outputs)


def _assemble(
    element: XmlElement, process_id: str, elements: dict[str, Element], flows: dict[str, SequenceFlow]
) -> Process:
    """Fill in what only the whole process knows: flows in and out, boundary events, the root."""
    incoming: defaultdict[str, list[str]] = defaultdict(list)
    outgoing: defaultdict[str, list[str]] = defaultdict(list)
    for flow in flows.values():  # document order, as the model promises
        outgoing[flow.source_id].append(flow.id)
        incoming[flow.target_id].append(flow.id)
    boundaries: defaultdict[str, list[str]] = defaultdict(list)
    for candidate in elements.values():
        if candidate.type is ElementType.BOUNDARY_EVENT and candidate.attached_to_id:
            boundaries[candidate.attached_to_id].append(candidate.id)
    wired = {
        element_id: replace(
            node,
            incoming=tuple(incoming[element_id]),
            outgoing=tuple(outgoing[element_id]),
            boundary_event_ids=tuple(boundaries[element_id]),
        )
        for element_id, node in elements.items()
    }
    children: defaultdict[str, list[str]] = defaultdict(list)
    for node in wired.values():
        if node.flow_scope_id is not None:
            children[node.flow_scope_id].append(node.id)

    def start_of(scope_id: str) -> str | None:
        return next(
            (
                child_id
                for child_id in children[scope_id]
                if wired[child_id].type is ElementType.START_EVENT and wired[child_id].event is EventKind.NONE
            ),
            None,
        )

    def event_sub_processes_of(scope_id: str) -> tuple[str, ...]:
        return tuple(c for c in children[scope_id] if wired[c].type is ElementType.EVENT_SUB_PROCESS)

    for element_id, node in wired.items():
        if node.type is ElementType.SUB_PROCESS:
            wired[element_id] = replace(
                node,
                child_ids=tuple(children[element_id]),
                start_event_id=start_of(element_id),
                event_sub_process_ids=event_sub_processes_of(element_id),
            )
        elif node.type is ElementType.EVENT_SUB_PROCESS:
            starts = [c for c in children[element_id] if wired[c].type is ElementType.START_EVENT]
            wired[element_id] = replace(
                node,
                child_ids=tuple(children[element_id]),
                start_event_id=starts[0] if starts else None,
                event_sub_process_ids=event_sub_processes_of(element_id),
            )
    for element_id, node in wired.items():
        if node.multi_instance is not None:
            wired[element_id] = _multi_instance_body(node)
    for element_id, node in wired.items():
        if node.type is ElementType.INCLUSIVE_GATEWAY and len(node.incoming) > 1:
            wired[element_id] = replace(node, upstream_ids=_upstream_of(node, wired, flows))
    root = Element(
        id=process_id,
        type=ElementType.PROCESS,
        name=attribute(element, "name"),
        line=line_of(element),
        start_event_id=start_of(process_id),
        child_ids=tuple(children[process_id]),
        event_sub_process_ids=event_sub_processes_of(process_id),
    )
    return Process(id=process_id, name=root.name, elements={process_id: root, **wired}, flows=dict(flows))


def _upstream_of(gateway: Element, elements: dict[str, Element], flows: dict[str, SequenceFlow]) -> frozenset[str]:
    """Every element from which a path of sequence flows leads to ``gateway``; an activity counts
    when one of its boundary events does (the token may leave through it)."""
    found: set[str] = set()
    pending = [gateway.id]
    while pending:
        current = elements.get(pending.pop())
        if current is None:
            continue
        sources = [flows[f].source_id for f in current.incoming if f in flows]
        if current.attached_to_id is not None:
            sources.append(current.attached_to_id)
        for source in sources:
            if source not in found:
                found.add(source)
                pending.append(source)
    found.discard(gateway.id)
    return frozenset(found)


def _multi_instance_body(activity: Element) -> Element:
    """Zeebe's MULTI_INSTANCE_BODY: it takes the activity's place in the graph (id, flows, boundary
    events) and runs the activity itself, unwired, once per item of the input collection."""
    inner = replace(
        activity,
        flow_scope_id=activity.id,
        incoming=(),
        outgoing=(),
        default_flow_id=None,
        boundary_event_ids=(),
        multi_instance=None,
    )
    return Element(
        id=activity.id,
        type=ElementType.MULTI_INSTANCE_BODY,
        name=activity.name,
        line=activity.line,
        flow_scope_id=activity.flow_scope_id,
        incoming=activity.incoming,
        outgoing=activity.outgoing,
        boundary_event_ids=activity.boundary_event_ids,
        child_ids=(activity.id,),
        multi_instance=activity.multi_instance,
        inner=inner,
    )
