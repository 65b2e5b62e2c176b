"""A fluent BPMN builder for tests, after Zeebe's ``Bpmn.createExecutableProcess``.

The builder keeps a cursor on the last element added. Each element method adds an element and,
when there is a cursor, a sequence flow from it; ``branch_from`` moves the cursor back to an
existing element to start another path and ``connect_to`` draws a flow to an existing element
(a join, a loop). ``condition`` and ``sequence_flow_id`` apply to the next flow drawn. Boundary
and start events start a path of their own. ``sub_process(...)`` opens an embedded sub-process
whose content follows (from its own ``start_event``) until ``end_sub_process()``; ``multi_instance``
makes the activity just added multi-instance. ``done`` returns the BPMN XML as bytes, with
``bpmn:message``, ``bpmn:error``, ``bpmn:escalation`` and ``bpmn:signal`` definitions first and
``zeebe:`` extensions, ready for ``parse_bpmn``.

It is one class on purpose (longer than our usual modules): a fluent API is a single object whose
methods all move the same cursor, and splitting it by element family would scatter that state.

The builder only catches its own misuse (an unknown id to branch from, a duplicate id). It
happily writes a process the parser will reject, so tests can also prove validation rules.

Example::

    xml = (
        process("order")
        .start_event("start")
        .service_task("reserve", job_type="reserve", retries=3, headers={"k": "v"},
                      inputs={"x": "=a"}, outputs={"r": "=result"})
        .exclusive_gateway("xor", default="f_else")
        .condition("= r > 1").service_task("ship", job_type="ship").end_event("shipped")
        .branch_from("xor").sequence_flow_id("f_else").end_event("rejected")
        .boundary_error("failed", attached_to="reserve", code="NO_STOCK").end_event("out_of_stock")
        .done()
    )

Mapping arguments are ``{target: source}``: ``inputs={"x": "=a"}`` sets local ``x`` to FEEL ``a``.
Message elements take the message ``name`` and its ``correlation_key``; timers take exactly one of
``duration``, ``date``, ``cycle``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Self, TypedDict, Unpack

from lxml import etree

from oms.engine.bpmn.xml_support import BPMN_NS, XSI_NS, ZEEBE_NS

__all__ = ["BPMN_NS", "ZEEBE_NS", "JobTaskOptions", "ProcessBuilder", "process"]

_NSMAP = {"bpmn": BPMN_NS, "zeebe": ZEEBE_NS, "xsi": XSI_NS}

Xml = etree._Element


def process(process_id: str, name: str | None = None) -> ProcessBuilder:
    """Start building an executable process with this id."""
    return ProcessBuilder(process_id, name)


def _bpmn(tag: str, attrib: Mapping[str, str | None] | None = None, text: str | None = None) -> Xml:
    return _make(f"{{{BPMN_NS}}}{tag}", attrib, text)


def _zeebe(tag: str, attrib: Mapping[str, str | None] | None = None) -> Xml:
    return _make(f"{{{ZEEBE_NS}}}{tag}", attrib, None)


def _make(tag: str, attrib: Mapping[str, str | None] | None, text: str | None) -> Xml:
    element = etree.Element(tag, nsmap=_NSMAP)
    for key, value in (attrib or {}).items():
        if value is not None:
            element.set(key, value)
    element.text = text
    return element


def _formal_expression(tag: str, text: str) -> Xml:
    element = _bpmn(tag, text=text)
    element.set(f"{{{XSI_NS}}}type", "bpmn:tFormalExpression")
    return element


class JobTaskOptions(TypedDict, total=False):
    """Optional arguments of the job worker tasks (service, send, business rule)."""

    retries: int | str
    headers: Mapping[str, str]
    inputs: Mapping[str, str]
    outputs: Mapping[str, str]
    name: str


@dataclass
class _Flow:
    id: str
    source: str
    target: str
    condition: str | None
    container: str | None = None


class ProcessBuilder:
    """Builds one executable process; see the module docstring."""

    def __init__(self, process_id: str, name: str | None = None) -> None:
        self._process_id = process_id
        self._name = name
        self._elements: dict[str, Xml] = {}
        self._flows: list[_Flow] = []
        self._messages: dict[tuple[str, str | None], Xml] = {}
        self._errors: dict[str, Xml] = {}
        self._escalations: dict[str, Xml] = {}
        self._signals: dict[str, Xml] = {}
        self._cursor: str | None = None
        #: The sub-process each element or flow sits in (None: the process itself).
        self._parent: dict[str, str | None] = {}
        self._container: str | None = None
        self._next_flow_id: str | None = None
        self._next_condition: str | None = None

    # --- events ----------------------------------------------------------------------------

    def start_event(self, element_id: str = "start", *, outputs: Mapping[str, str] | None = None) -> Self:
        return self._add(self._node("startEvent", element_id, outputs=outputs), connect=False)

    def message_start_event(
        self,
        element_id: str,
        *,
        name: str,
        correlation_key: str | None = None,
        outputs: Mapping[str, str] | None = None,
        interrupting: bool = True,
    ) -> Self:
        """A message start event (by message name; a process-level ``correlation_key`` is optional).
        ``interrupting`` matters in an event sub-process, where the correlation key is needed."""
        node = self._node("startEvent", element_id, outputs=outputs)
        if not interrupting:
            node.set("isInterrupting", "false")
        node.append(_bpmn("messageEventDefinition", {"messageRef": self._message_ref(name, correlation_key)}))
        return self._add(node, connect=False)

    def timer_start_event(
        self,
        element_id: str,
        *,
        duration: str | None = None,
        date: str | None = None,
        cycle: str | None = None,
        interrupting: bool = True,
    ) -> Self:
        node = self._node("startEvent", element_id)
        if not interrupting:
            node.set("isInterrupting", "false")
        node.append(_timer_definition(duration, date, cycle))
        return self._add(node, connect=False)

    def error_start_event(self, element_id: str, *, code: str | None = None) -> Self:
        """The start event of an error event sub-process; ``code=None`` catches every error."""
        node = self._node("startEvent", element_id)
        node.append(_bpmn("errorEventDefinition", {"errorRef": None if code is None else self._error_ref(code)}))
        return self._add(node, connect=False)

    def escalation_start_event(self, element_id: str, *, code: str | None = None, interrupting: bool = True) -> Self:
        """The start event of an escalation event sub-process; ``code=None`` catches every escalation."""
        node = self._node("startEvent", element_id)
        if not interrupting:
            node.set("isInterrupting", "false")
        node.append(self._escalation_definition(code))
        return self._add(node, connect=False)

    def signal_start_event(self, element_id: str, *, name: str, interrupting: bool = True) -> Self:
        """A signal start event (of the process, or of an event sub-process: then ``interrupting``)."""
        node = self._node("startEvent", element_id)
        if not interrupting:
            node.set("isInterrupting", "false")
        node.append(self._signal_definition(name))
        return self._add(node, connect=False)

    def intermediate_catch_signal(
        self, element_id: str, *, name: str, outputs: Mapping[str, str] | None = None
    ) -> Self:
        node = self._node("intermediateCatchEvent", element_id, outputs=outputs)
        node.append(self._signal_definition(name))
        return self._add(node)

    def intermediate_throw_signal(self, element_id: str, *, name: str, inputs: Mapping[str, str] | None = None) -> Self:
        """Broadcasts signal ``name`` with the event's local variables (its ``inputs``)."""
        node = self._node("intermediateThrowEvent", element_id, inputs=inputs)
        node.append(self._signal_definition(name))
        return self._add(node)

    def signal_end_event(self, element_id: str, *, name: str, inputs: Mapping[str, str] | None = None) -> Self:
        node = self._node("endEvent", element_id, inputs=inputs)
        node.append(self._signal_definition(name))
        return self._add(node)

    def boundary_signal(self, element_id: str, *, attached_to: str, name: str, interrupting: bool = True) -> Self:
        node = self._boundary(element_id, attached_to, interrupting)
        node.append(self._signal_definition(name))
        return self._add(node, connect=False)

    def escalation_end_event(self, element_id: str, *, code: str) -> Self:
        node = self._node("endEvent", element_id)
        node.append(self._escalation_definition(code))
        return self._add(node)

    def intermediate_throw_escalation(self, element_id: str, *, code: str) -> Self:
        node = self._node("intermediateThrowEvent", element_id)
        node.append(self._escalation_definition(code))
        return self._add(node)

    def boundary_escalation(
        self, element_id: str, *, attached_to: str, code: str | None = None, interrupting: bool = True
    ) -> Self:
        """An escalation boundary event; ``code=None`` catches every escalation."""
        node = self._boundary(element_id, attached_to, interrupting)
        node.append(self._escalation_definition(code))
        return self._add(node, connect=False)

    def end_event(self, element_id: str = "end", *, name: str | None = None) -> Self:
        return self._add(self._node("endEvent", element_id, name=name))

    def error_end_event(self, element_id: str, *, code: str) -> Self:
        node = self._node("endEvent", element_id)
        node.append(_bpmn("errorEventDefinition", {"errorRef": self._error_ref(code)}))
        return self._add(node)

    def terminate_end_event(self, element_id: str) -> Self:
        node = self._node("endEvent", element_id)
        node.append(_bpmn("terminateEventDefinition"))
        return self._add(node)

    def intermediate_throw_event(self, element_id: str, *, outputs: Mapping[str, str] | None = None) -> Self:
        return self._add(self._node("intermediateThrowEvent", element_id, outputs=outputs))

    def intermediate_catch_message(
        self, element_id: str, *, name: str, correlation_key: str, outputs: Mapping[str, str] | None = None
    ) -> Self:
        node = self._node("intermediateCatchEvent", element_id, outputs=outputs)
        node.append(_bpmn("messageEventDefinition", {"messageRef": self._message_ref(name, correlation_key)}))
        return self._add(node)

    def intermediate_catch_timer(
        self,
        element_id: str,
        *,
        duration: str | None = None,
        date: str | None = None,
        cycle: str | None = None,
    ) -> Self:
        node = self._node("intermediateCatchEvent", element_id)
        node.append(_timer_definition(duration, date, cycle))
        return self._add(node)

    def boundary_error(
        self, element_id: str, *, attached_to: str, code: str | None = None, interrupting: bool = True
    ) -> Self:
        """An error boundary event; ``code=None`` catches every error."""
        node = self._boundary(element_id, attached_to, interrupting)
        node.append(_bpmn("errorEventDefinition", {"errorRef": None if code is None else self._error_ref(code)}))
        return self._add(node, connect=False)

    def boundary_timer(
        self,
        element_id: str,
        *,
        attached_to: str,
        duration: str | None = None,
        date: str | None = None,
        cycle: str | None = None,
        interrupting: bool = True,
    ) -> Self:
        node = self._boundary(element_id, attached_to, interrupting)
        node.append(_timer_definition(duration, date, cycle))
        return self._add(node, connect=False)

    def boundary_message(
        self, element_id: str, *, attached_to: str, name: str, correlation_key: str, interrupting: bool = True
    ) -> Self:
        node = self._boundary(element_id, attached_to, interrupting)
        node.append(_bpmn("messageEventDefinition", {"messageRef": self._message_ref(name, correlation_key)}))
        return self._add(node, connect=False)

    # --- tasks -----------------------------------------------------------------------------

    def service_task(self, element_id: str, *, job_type: str, **options: Unpack[JobTaskOptions]) -> Self:
        """A job worker task: ``job_type`` (static or ``=FEEL``) plus optional retries, headers, mappings."""
        return self._job_task("serviceTask", element_id, job_type, options)

    def send_task(self, element_id: str, *, job_type: str, **options: Unpack[JobTaskOptions]) -> Self:
        return self._job_task("sendTask", element_id, job_type, options)

    def business_rule_task(self, element_id: str, *, job_type: str, **options: Unpack[JobTaskOptions]) -> Self:
        return self._job_task("businessRuleTask", element_id, job_type, options)

    def script_task(
        self,
        element_id: str,
        *,
        expression: str,
        result_variable: str,
        inputs: Mapping[str, str] | None = None,
        outputs: Mapping[str, str] | None = None,
    ) -> Self:
        script = _zeebe("script", {"expression": expression, "resultVariable": result_variable})
        return self._add(self._node("scriptTask", element_id, extensions=[script], inputs=inputs, outputs=outputs))

    def receive_task(
        self, element_id: str, *, name: str, correlation_key: str, outputs: Mapping[str, str] | None = None
    ) -> Self:
        """A receive task waiting for message ``name`` correlated by ``correlation_key``."""
        node = self._node("receiveTask", element_id, outputs=outputs)
        node.set("messageRef", self._message_ref(name, correlation_key))
        return self._add(node)

    def call_activity(
        self,
        element_id: str,
        *,
        process_id: str,
        propagate_all_child_variables: bool = True,
        inputs: Mapping[str, str] | None = None,
        outputs: Mapping[str, str] | None = None,
    ) -> Self:
        """Calls the latest version of ``process_id`` (static or ``=FEEL``)."""
        called = _zeebe(
            "calledElement",
            {
                "processId": process_id,
                "propagateAllChildVariables": None if propagate_all_child_variables else "false",
            },
        )
        return self._add(self._node("callActivity", element_id, extensions=[called], inputs=inputs, outputs=outputs))

    def task(self, element_id: str, *, name: str | None = None) -> Self:
        return self._add(self._node("task", element_id, name=name))

    def manual_task(self, element_id: str, *, name: str | None = None) -> Self:
        return self._add(self._node("manualTask", element_id, name=name))

    # --- gateways --------------------------------------------------------------------------

    def exclusive_gateway(self, element_id: str, *, default: str | None = None) -> Self:
        """``default`` is the id of the default flow; name it later with ``sequence_flow_id``."""
        node = self._node("exclusiveGateway", element_id)
        if default is not None:
            node.set("default", default)
        return self._add(node)

    def inclusive_gateway(self, element_id: str, *, default: str | None = None) -> Self:
        """Forks on every flow whose condition is true (``default`` when none is); joins what can arrive."""
        node = self._node("inclusiveGateway", element_id)
        if default is not None:
            node.set("default", default)
        return self._add(node)

    def parallel_gateway(self, element_id: str) -> Self:
        return self._add(self._node("parallelGateway", element_id))

    def event_based_gateway(self, element_id: str) -> Self:
        return self._add(self._node("eventBasedGateway", element_id))

    # --- sub-processes ---------------------------------------------------------------------

    def sub_process(
        self,
        element_id: str,
        *,
        inputs: Mapping[str, str] | None = None,
        outputs: Mapping[str, str] | None = None,
    ) -> Self:
        """An embedded sub-process; the elements added next go inside it until ``end_sub_process``.

        Its content starts with no cursor: begin it with ``start_event``."""
        self._add(self._node("subProcess", element_id, inputs=inputs, outputs=outputs))
        self._container = element_id
        self._cursor = None
        return self

    def event_sub_process(self, element_id: str) -> Self:
        """An event sub-process in the current scope (no flows in or out); its content follows, from a
        message, timer or error start event, until ``end_sub_process``."""
        node = self._node("subProcess", element_id)
        node.set("triggeredByEvent", "true")
        self._add(node, connect=False)
        self._container = element_id
        self._cursor = None
        return self

    def end_sub_process(self) -> Self:
        """Leave the innermost sub-process being built; the cursor returns to the sub-process."""
        if self._container is None:
            raise ValueError("end_sub_process() without an open sub_process()")
        sub_process = self._container
        self._container = self._parent[sub_process]
        self._cursor = sub_process
        return self

    def multi_instance(
        self,
        input_collection: str,
        *,
        input_element: str | None = None,
        output_collection: str | None = None,
        output_element: str | None = None,
        sequential: bool = False,
        completion_condition: str | None = None,
    ) -> Self:
        """Make the activity at the cursor (or the sub-process just opened) multi-instance."""
        target = self._cursor if self._cursor is not None else self._container
        if target is None:
            raise ValueError("multi_instance() needs an activity: add one first")
        loop = _bpmn("multiInstanceLoopCharacteristics", {"isSequential": "true" if sequential else None})
        extension_elements = _bpmn("extensionElements")
        extension_elements.append(
            _zeebe(
                "loopCharacteristics",
                {
                    "inputCollection": input_collection,
                    "inputElement": input_element,
                    "outputCollection": output_collection,
                    "outputElement": output_element,
                },
            )
        )
        loop.append(extension_elements)
        if completion_condition is not None:
            loop.append(_formal_expression("completionCondition", completion_condition))
        self._elements[target].append(loop)
        return self

    # --- navigation ------------------------------------------------------------------------

    def branch_from(self, element_id: str) -> Self:
        """Continue from an existing element (a gateway, a task with a second outgoing path…)."""
        self._require(element_id)
        self._cursor = element_id
        self._container = self._parent[element_id]
        return self

    def connect_to(self, element_id: str) -> Self:
        """Draw a flow from the cursor to an existing element and continue from there."""
        self._require(element_id)
        self._connect(element_id)
        self._cursor = element_id
        return self

    def condition(self, expression: str) -> Self:
        """Put this condition (e.g. ``"= amount > 100"``) on the next flow drawn."""
        self._next_condition = expression
        return self

    def sequence_flow_id(self, flow_id: str) -> Self:
        """Give the next flow drawn this id (e.g. the id passed as a gateway's ``default``)."""
        self._next_flow_id = flow_id
        return self

    def done(self) -> bytes:
        """The BPMN XML of the process."""
        if self._next_condition is not None or self._next_flow_id is not None:
            raise ValueError("condition()/sequence_flow_id() must be followed by an element or connect_to()")
        definitions = _bpmn(
            "definitions",
            {
                "id": f"Definitions_{self._process_id}",
                "targetNamespace": "http://bpmn.io/schema/bpmn",
                "exporter": "oms.engine.testing.builder",
            },
        )
        definitions.extend(copy.deepcopy(list(self._messages.values())))
        definitions.extend(copy.deepcopy(list(self._errors.values())))
        definitions.extend(copy.deepcopy(list(self._escalations.values())))
        definitions.extend(copy.deepcopy(list(self._signals.values())))
        root = etree.SubElement(definitions, f"{{{BPMN_NS}}}process", {"id": self._process_id, "isExecutable": "true"})
        if self._name is not None:
            root.set("name", self._name)
        rendered: dict[str | None, Xml] = {None: root}
        for element_id, element in self._elements.items():
            node = copy.deepcopy(element)
            self._add_flow_refs(element_id, node)
            rendered[self._parent[element_id]].append(node)
            rendered[element_id] = node
        for flow in self._flows:
            xml_flow = etree.SubElement(
                rendered[flow.container],
                f"{{{BPMN_NS}}}sequenceFlow",
                {"id": flow.id, "sourceRef": flow.source, "targetRef": flow.target},
            )
            if flow.condition is not None:
                xml_flow.append(_formal_expression("conditionExpression", flow.condition))
        etree.cleanup_namespaces(definitions, top_nsmap=_NSMAP, keep_ns_prefixes=["bpmn", "zeebe", "xsi"])
        return etree.tostring(definitions, xml_declaration=True, encoding="UTF-8", pretty_print=True)

    # --- internals -------------------------------------------------------------------------

    def _node(
        self,
        kind: str,
        element_id: str,
        *,
        name: str | None = None,
        extensions: list[Xml] | None = None,
        inputs: Mapping[str, str] | None = None,
        outputs: Mapping[str, str] | None = None,
    ) -> Xml:
        if element_id in self._elements or element_id == self._process_id:
            raise ValueError(f"duplicate element id '{element_id}'")
        node = _bpmn(kind, {"id": element_id, "name": name})
        children = list(extensions or [])
        if inputs or outputs:
            io_mapping = _zeebe("ioMapping")
            for target, source in (inputs or {}).items():
                io_mapping.append(_zeebe("input", {"source": source, "target": target}))
            for target, source in (outputs or {}).items():
                io_mapping.append(_zeebe("output", {"source": source, "target": target}))
            children.append(io_mapping)
        if children:
            extension_elements = _bpmn("extensionElements")
            extension_elements.extend(children)
            node.append(extension_elements)
        return node

    def _job_task(self, kind: str, element_id: str, job_type: str, options: JobTaskOptions) -> Self:
        retries = options.get("retries")
        extensions = [
            _zeebe("taskDefinition", {"type": job_type, "retries": None if retries is None else str(retries)})
        ]
        if headers := options.get("headers"):
            task_headers = _zeebe("taskHeaders")
            for key, value in headers.items():
                task_headers.append(_zeebe("header", {"key": key, "value": value}))
            extensions.append(task_headers)
        node = self._node(
            kind,
            element_id,
            name=options.get("name"),
            extensions=extensions,
            inputs=options.get("inputs"),
            outputs=options.get("outputs"),
        )
        return self._add(node)

    def _boundary(self, element_id: str, attached_to: str, interrupting: bool) -> Xml:
        self._require(attached_to)
        node = self._node("boundaryEvent", element_id)
        node.set("attachedToRef", attached_to)
        if not interrupting:
            node.set("cancelActivity", "false")
        return node

    def _add(self, node: Xml, *, connect: bool = True) -> Self:
        element_id = node.get("id", "")
        attached_to = node.get("attachedToRef")
        if attached_to is not None:  # a boundary event sits beside its activity
            self._container = self._parent[attached_to]
        self._elements[element_id] = node
        self._parent[element_id] = self._container
        if connect and self._cursor is not None:
            self._connect(element_id)
        self._cursor = element_id
        return self

    def _connect(self, target: str) -> None:
        source = self._cursor
        if source is None:
            raise ValueError(f"no element to connect to '{target}' from: add or branch_from one first")
        flow_id = self._next_flow_id or self._fresh_flow_id(source, target)
        self._flows.append(_Flow(flow_id, source, target, self._next_condition, self._parent[source]))
        self._next_flow_id = None
        self._next_condition = None

    def _fresh_flow_id(self, source: str, target: str) -> str:
        taken = {flow.id for flow in self._flows}
        flow_id = f"flow_{source}_{target}"
        suffix = 2
        while flow_id in taken:
            flow_id = f"flow_{source}_{target}_{suffix}"
            suffix += 1
        return flow_id

    def _require(self, element_id: str) -> None:
        if element_id not in self._elements:
            raise ValueError(f"no element '{element_id}' in process '{self._process_id}' yet")

    def _add_flow_refs(self, element_id: str, node: Xml) -> None:
        """``bpmn:incoming``/``outgoing`` children, right after ``extensionElements`` as the schema wants."""
        position = 1 if len(node) and node[0].tag == f"{{{BPMN_NS}}}extensionElements" else 0
        refs = [_bpmn("incoming", text=f.id) for f in self._flows if f.target == element_id]
        refs += [_bpmn("outgoing", text=f.id) for f in self._flows if f.source == element_id]
        for offset, ref in enumerate(refs):
            node.insert(position + offset, ref)

    def _message_ref(self, name: str, correlation_key: str | None) -> str:
        key = (name, correlation_key)
        if key not in self._messages:
            message = _bpmn("message", {"id": f"Message_{len(self._messages) + 1}", "name": name})
            if correlation_key is not None:
                extension_elements = _bpmn("extensionElements")
                extension_elements.append(_zeebe("subscription", {"correlationKey": correlation_key}))
                message.append(extension_elements)
            self._messages[key] = message
        return self._messages[key].get("id", "")

    def _escalation_definition(self, code: str | None) -> Xml:
        if code is None:
            return _bpmn("escalationEventDefinition")
        if code not in self._escalations:
            escalation_id = f"Escalation_{len(self._escalations) + 1}"
            self._escalations[code] = _bpmn("escalation", {"id": escalation_id, "name": code, "escalationCode": code})
        return _bpmn("escalationEventDefinition", {"escalationRef": self._escalations[code].get("id", "")})

    def _signal_definition(self, name: str) -> Xml:
        """A ``signalEventDefinition`` referring to the ``bpmn:signal`` named ``name`` (static or ``=FEEL``)."""
        if name not in self._signals:
            self._signals[name] = _bpmn("signal", {"id": f"Signal_{len(self._signals) + 1}", "name": name})
        return _bpmn("signalEventDefinition", {"signalRef": self._signals[name].get("id", "")})

    def _error_ref(self, code: str) -> str:
        if code not in self._errors:
            error_id = f"Error_{len(self._errors) + 1}"
            self._errors[code] = _bpmn("error", {"id": error_id, "name": code, "errorCode": code})
        return self._errors[code].get("id", "")


def _timer_definition(duration: str | None, date: str | None, cycle: str | None) -> Xml:
    given = [
        (tag, text) for tag, text in (("timeDuration", duration), ("timeDate", date), ("timeCycle", cycle)) if text
    ]
    if len(given) != 1:
        raise ValueError("a timer needs exactly one of duration=, date=, cycle=")
    definition = _bpmn("timerEventDefinition")
    definition.append(_formal_expression(*given[0]))
    return definition
