"""Parsing shared by several element kinds: the common element fields, allowed children,
``zeebe:ioMapping``, and the ``bpmn:message`` / ``bpmn:error`` an element refers to."""

from __future__ import annotations

from oms.engine.bpmn.context import At, ParseContext
from oms.engine.bpmn.model import (
    Element,
    ElementType,
    ErrorDefinition,
    EscalationDefinition,
    MessageDefinition,
    MultiInstance,
    SignalDefinition,
    VariableMapping,
)
from oms.engine.bpmn.xml_support import (
    XmlElement,
    attribute,
    bpmn,
    bpmn_children,
    line_of,
    local_name,
    text_of,
    zeebe_extension,
    zeebe_extensions,
)

#: Children every flow node may have; ``incoming``/``outgoing`` are redundant with the flows.
FLOW_NODE_CHILDREN = frozenset({"documentation", "extensionElements", "incoming", "outgoing"})

#: Data-flow children of activities. We route data with variables, so they are ignored.
#: ``multiInstanceLoopCharacteristics`` is read by ``parse_multi_instance`` for every activity.
ACTIVITY_DATA_CHILDREN = frozenset(
    {"ioSpecification", "property", "dataInputAssociation", "dataOutputAssociation", "multiInstanceLoopCharacteristics"}
)

#: BPMN elements we know but do not execute yet, wherever they appear.
UNSUPPORTED_KINDS = frozenset(
    {
        "userTask", "complexGateway", "transaction",
        "adHocSubProcess", "standardLoopCharacteristics",
        "compensateEventDefinition",
        "conditionalEventDefinition", "linkEventDefinition", "cancelEventDefinition",
        "implicitThrowEvent", "choreographyTask", "subChoreography", "callChoreography",
    }
)  # fmt: skip


def base_element(element: XmlElement, element_type: ElementType, scope_id: str) -> Element:
    """The fields every element has; flows and boundary ids are filled in once the process is read."""
    return Element(
        id=element.get("id", ""),
        type=element_type,
        name=attribute(element, "name"),
        line=line_of(element),
        flow_scope_id=scope_id,
        default_flow_id=attribute(element, "default"),
    )


def check_children(element: XmlElement, ctx: ParseContext, allowed: frozenset[str]) -> None:
    """Report BPMN children that are unsupported or unknown; ``allowed`` ones are the caller's job."""
    for child in bpmn_children(element):
        kind = local_name(child)
        if kind not in allowed and kind not in FLOW_NODE_CHILDREN:
            report_not_executable(child, ctx, owner_id=element.get("id"))
    check_execution_listeners(element, ctx)


def report_not_executable(element: XmlElement, ctx: ParseContext, owner_id: str | None = None) -> None:
    """A BPMN element we have no parser for: one we know but don't run yet, or one we don't know."""
    kind = local_name(element)
    at = At.of(element, owner_id)
    if kind in UNSUPPORTED_KINDS:
        ctx.report(at, f"unsupported element {kind}")
    else:
        ctx.report(at, f"unknown element bpmn:{kind}")


def check_execution_listeners(element: XmlElement, ctx: ParseContext) -> None:
    listeners = zeebe_extension(element, "executionListeners")
    if listeners is not None and len(listeners):
        # Listeners would create jobs around the element: silently skipping them changes behaviour.
        ctx.report(At.of(listeners, element.get("id")), "unsupported element zeebe:executionListeners")


def parse_io_mapping(
    element: XmlElement, ctx: ParseContext
) -> tuple[tuple[VariableMapping, ...], tuple[VariableMapping, ...]]:
    """The ``zeebe:input`` and ``zeebe:output`` mappings of the element, in document order."""
    owner_id = element.get("id")
    inputs: list[VariableMapping] = []
    outputs: list[VariableMapping] = []
    for io_mapping in zeebe_extensions(element, "ioMapping"):
        for child in io_mapping:
            if not isinstance(child.tag, str):
                continue
            kind = local_name(child)
            if kind not in ("input", "output"):
                continue
            mapping = _parse_mapping(child, f"zeebe:{kind}", owner_id, ctx)
            (inputs if kind == "input" else outputs).append(mapping)
    return tuple(inputs), tuple(outputs)


def _parse_mapping(child: XmlElement, where: str, owner_id: str | None, ctx: ParseContext) -> VariableMapping:
    at = At.of(child, owner_id)
    target = attribute(child, "target")
    if target is None:
        ctx.report(at, f"{where} has no target")
        target = ""
    else:
        ctx.check_variable_path(target, at, f"{where} target")
    source_text = attribute(child, "source")
    # Zeebe reads a missing source as "set the target to null" (a local variable for inputs).
    source = ctx.expression("= null" if source_text is None else source_text, at, f"{where} source")
    return VariableMapping(source=source, target=target)


def parse_message_ref(
    definition: XmlElement, at: At, ctx: ParseContext, *, needs_correlation_key: bool = True
) -> MessageDefinition | None:
    """Resolve ``messageRef`` of a receive task or message event definition: name + correlation key
    (optional for a message start event, which subscribes by name only)."""
    ref = attribute(definition, "messageRef")
    if ref is None:
        ctx.report(at, "messageRef is missing: a bpmn:message must be referenced")
        return None
    message = ctx.messages.get(ref)
    if message is None:
        ctx.report(at, f"messageRef '{ref}' does not point to a bpmn:message")
        return None
    name_text = attribute(message, "name")
    name = None
    if name_text is None:
        ctx.report(at, f"message '{ref}' has no name")
    else:
        name = ctx.expression(name_text, at, f"message '{ref}' name")
    subscription = zeebe_extension(message, "subscription")
    key_text = None if subscription is None else attribute(subscription, "correlationKey")
    key = None
    if key_text is not None:
        key = ctx.expression(key_text, at, f"message '{ref}' correlationKey")
    elif needs_correlation_key:
        ctx.report(at, f"message '{ref}' has no zeebe:subscription correlationKey")
    if name is None:
        return None
    return MessageDefinition(name=name, correlation_key=key)


def parse_error_ref(definition: XmlElement, at: At, ctx: ParseContext, *, catching: bool) -> ErrorDefinition | None:
    """Resolve ``errorRef``: throwing needs an error code; catching without one catches all errors."""
    ref = attribute(definition, "errorRef")
    if ref is None:
        if not catching:
            ctx.report(at, "error end event has no errorRef to a bpmn:error")
            return None
        return ErrorDefinition(code=None)
    error = ctx.errors.get(ref)
    if error is None:
        ctx.report(at, f"errorRef '{ref}' does not point to a bpmn:error")
        return None
    code_text = attribute(error, "errorCode")
    if code_text is None:
        if not catching:
            ctx.report(at, f"error '{ref}' has no errorCode")
            return None
        return ErrorDefinition(code=None)
    code = ctx.expression(code_text, at, f"error '{ref}' errorCode")
    if catching and not code.is_static:
        # Zeebe matches thrown codes against catch codes at deploy time: they must be plain text.
        ctx.report(at, f"error '{ref}' errorCode of a catching event must be static, not FEEL")
    return ErrorDefinition(code=code)


def parse_escalation_ref(
    definition: XmlElement, at: At, ctx: ParseContext, *, catching: bool
) -> EscalationDefinition | None:
    """Resolve ``escalationRef``: throwing needs an escalation code; catching without one catches all."""
    ref = attribute(definition, "escalationRef")
    if ref is None:
        if not catching:
            ctx.report(at, "escalation throw event has no escalationRef to a bpmn:escalation")
            return None
        return EscalationDefinition(code=None)
    escalation = ctx.escalations.get(ref)
    if escalation is None:
        ctx.report(at, f"escalationRef '{ref}' does not point to a bpmn:escalation")
        return None
    code_text = attribute(escalation, "escalationCode")
    if code_text is None:
        if not catching:
            ctx.report(at, f"escalation '{ref}' has no escalationCode")
            return None
        return EscalationDefinition(code=None)
    code = ctx.expression(code_text, at, f"escalation '{ref}' escalationCode")
    if catching and not code.is_static:
        ctx.report(at, f"escalation '{ref}' escalationCode of a catching event must be static, not FEEL")
    return EscalationDefinition(code=code)


def parse_signal_ref(definition: XmlElement, at: At, ctx: ParseContext) -> SignalDefinition | None:
    """Resolve ``signalRef`` of a signal event definition to the signal's name (static or FEEL)."""
    ref = attribute(definition, "signalRef")
    if ref is None:
        ctx.report(at, "signalRef is missing: a bpmn:signal must be referenced")
        return None
    signal = ctx.signals.get(ref)
    if signal is None:
        ctx.report(at, f"signalRef '{ref}' does not point to a bpmn:signal")
        return None
    name_text = attribute(signal, "name")
    if name_text is None:
        ctx.report(at, f"signal '{ref}' has no name")
        return None
    return SignalDefinition(name=ctx.expression(name_text, at, f"signal '{ref}' name"))


def parse_multi_instance(element: XmlElement, ctx: ParseContext) -> MultiInstance | None:
    """``bpmn:multiInstanceLoopCharacteristics`` of an activity, with ``zeebe:loopCharacteristics``."""
    loop = element.find(bpmn("multiInstanceLoopCharacteristics"))
    if loop is None:
        return None
    at = At.of(loop, element.get("id"))
    sequential = loop.get("isSequential", "false").strip() in ("true", "1")
    zeebe_loop = zeebe_extension(loop, "loopCharacteristics")
    collection_text = None if zeebe_loop is None else attribute(zeebe_loop, "inputCollection")
    if zeebe_loop is None or collection_text is None:
        ctx.report(at, "multi-instance activity has no zeebe:loopCharacteristics inputCollection")
        return None
    input_collection = ctx.expression(collection_text, at, "zeebe:loopCharacteristics inputCollection")
    input_element = attribute(zeebe_loop, "inputElement")
    if input_element is not None:
        ctx.check_variable_name(input_element, at, "zeebe:loopCharacteristics inputElement")
    output_collection = attribute(zeebe_loop, "outputCollection")
    output_text = attribute(zeebe_loop, "outputElement")
    if (output_collection is None) != (output_text is None):
        ctx.report(at, "zeebe:loopCharacteristics needs both outputCollection and outputElement, or neither")
    if output_collection is not None:
        ctx.check_variable_name(output_collection, at, "zeebe:loopCharacteristics outputCollection")
    output_element = (
        None if output_text is None else ctx.expression(output_text, at, "zeebe:loopCharacteristics outputElement")
    )
    condition_xml = loop.find(bpmn("completionCondition"))
    condition_text = None if condition_xml is None else text_of(condition_xml)
    condition = None if not condition_text else ctx.feel_expression(condition_text, at, "completionCondition")
    return MultiInstance(
        sequential=sequential,
        input_collection=input_collection,
        input_element=input_element,
        output_collection=output_collection if output_text is not None else None,
        output_element=output_element if output_collection is not None else None,
        completion_condition=condition,
    )
