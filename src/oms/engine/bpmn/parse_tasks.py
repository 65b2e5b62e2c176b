"""Parsers for tasks: job worker tasks (service, send, business rule), script, receive, and the
pass-through ``task`` / ``manualTask``."""

from __future__ import annotations

from dataclasses import replace

from oms.engine.bpmn.context import At, ParseContext
from oms.engine.bpmn.model import CalledElement, Element, ElementType, Expression, Script, TaskDefinition
from oms.engine.bpmn.parse_common import (
    ACTIVITY_DATA_CHILDREN,
    base_element,
    check_children,
    parse_io_mapping,
    parse_message_ref,
)
from oms.engine.bpmn.xml_support import XmlElement, attribute, zeebe, zeebe_extension, zeebe_extensions

_DEFAULT_RETRIES = "3"


def parse_job_worker_task(element: XmlElement, element_type: ElementType, scope_id: str, ctx: ParseContext) -> Element:
    """``serviceTask``, ``sendTask``, ``businessRuleTask``: a job of ``zeebe:taskDefinition type``."""
    check_children(element, ctx, ACTIVITY_DATA_CHILDREN)
    at = At.of(element)
    if element_type is ElementType.BUSINESS_RULE_TASK:
        decision = zeebe_extension(element, "calledDecision")
        if decision is not None:
            ctx.report(
                At.of(decision, at.element_id),
                "unsupported element zeebe:calledDecision (DMN decisions are not supported yet; "
                "use a zeebe:taskDefinition job worker)",
            )
            return base_element(element, element_type, scope_id)
    inputs, outputs = parse_io_mapping(element, ctx)
    return replace(
        base_element(element, element_type, scope_id),
        task_definition=_parse_task_definition(element, element_type, ctx),
        task_headers=_parse_task_headers(element, ctx),
        inputs=inputs,
        outputs=outputs,
    )


def _parse_task_definition(element: XmlElement, element_type: ElementType, ctx: ParseContext) -> TaskDefinition | None:
    definition = zeebe_extension(element, "taskDefinition")
    if definition is None:
        kind = element_type.value.lower().replace("_", " ")
        ctx.report(At.of(element), f"{kind} has no zeebe:taskDefinition")
        return None
    at = At.of(definition, element.get("id"))
    type_text = attribute(definition, "type")
    job_type = Expression(source="")
    if type_text is None:
        ctx.report(at, "zeebe:taskDefinition has no type")
    else:
        job_type = ctx.expression(type_text, at, "zeebe:taskDefinition type")
    retries_text = attribute(definition, "retries") or _DEFAULT_RETRIES
    retries = ctx.expression(retries_text, at, "zeebe:taskDefinition retries")
    if retries.is_static and not (retries.source.strip().isdigit() and retries.source.strip().isascii()):
        ctx.report(at, f"zeebe:taskDefinition retries '{retries_text}' must be a non-negative integer")
    return TaskDefinition(type=job_type, retries=retries)


def _parse_task_headers(element: XmlElement, ctx: ParseContext) -> tuple[tuple[str, str], ...]:
    headers: list[tuple[str, str]] = []
    seen: set[str] = set()
    for container in zeebe_extensions(element, "taskHeaders"):
        for header in container.iterchildren(zeebe("header")):
            at = At.of(header, element.get("id"))
            key = attribute(header, "key")
            if key is None:
                ctx.report(at, "zeebe:header has no key")
                continue
            if key in seen:
                ctx.report(at, f"zeebe:header key '{key}' appears more than once")
            seen.add(key)
            headers.append((key, header.get("value", "")))
    return tuple(headers)


def parse_script_task(element: XmlElement, scope_id: str, ctx: ParseContext) -> Element:
    """A ``scriptTask`` with ``zeebe:script``: a FEEL expression whose result goes to a variable."""
    # bpmn:script is the Camunda 7 inline script; Zeebe ignores it and so do we.
    check_children(element, ctx, ACTIVITY_DATA_CHILDREN | {"script"})
    at = At.of(element)
    inputs, outputs = parse_io_mapping(element, ctx)
    base = replace(base_element(element, ElementType.SCRIPT_TASK, scope_id), inputs=inputs, outputs=outputs)
    if zeebe_extension(element, "taskDefinition") is not None:
        ctx.report(at, "script task with zeebe:taskDefinition (job worker) is not supported yet; use zeebe:script")
        return base
    script = zeebe_extension(element, "script")
    if script is None:
        ctx.report(at, "script task has no zeebe:script")
        return base
    script_at = At.of(script, at.element_id)
    expression_text = attribute(script, "expression")
    result_variable = attribute(script, "resultVariable")
    if expression_text is None:
        ctx.report(script_at, "zeebe:script has no expression")
    if result_variable is None:
        ctx.report(script_at, "zeebe:script has no resultVariable")
    else:
        ctx.check_variable_name(result_variable, script_at, "zeebe:script resultVariable")
    if expression_text is None or result_variable is None:
        return base
    expression = ctx.feel_expression(expression_text, script_at, "zeebe:script expression")
    return replace(base, script=Script(expression=expression, result_variable=result_variable))


def parse_receive_task(element: XmlElement, scope_id: str, ctx: ParseContext) -> Element:
    """A ``receiveTask`` waits for the message its ``messageRef`` names, correlated by key."""
    check_children(element, ctx, ACTIVITY_DATA_CHILDREN)
    inputs, outputs = parse_io_mapping(element, ctx)
    message = parse_message_ref(element, At.of(element), ctx)
    return replace(
        base_element(element, ElementType.RECEIVE_TASK, scope_id),
        inputs=inputs,
        outputs=outputs,
        message=message,
    )


def parse_pass_through_task(
    element: XmlElement, element_type: ElementType, scope_id: str, ctx: ParseContext
) -> Element:
    """``task`` and ``manualTask`` do nothing but apply their mappings and complete."""
    check_children(element, ctx, ACTIVITY_DATA_CHILDREN)
    inputs, outputs = parse_io_mapping(element, ctx)
    return replace(base_element(element, element_type, scope_id), inputs=inputs, outputs=outputs)


def parse_call_activity(element: XmlElement, scope_id: str, ctx: ParseContext) -> Element:
    """A ``callActivity`` starts an instance of the process ``zeebe:calledElement processId`` names."""
    check_children(element, ctx, ACTIVITY_DATA_CHILDREN)
    inputs, outputs = parse_io_mapping(element, ctx)
    base = replace(base_element(element, ElementType.CALL_ACTIVITY, scope_id), inputs=inputs, outputs=outputs)
    called = zeebe_extension(element, "calledElement")
    process_id = None if called is None else attribute(called, "processId")
    if called is None or process_id is None:
        ctx.report(At.of(element), "call activity has no zeebe:calledElement processId")
        return base
    at = At.of(called, element.get("id"))
    propagate = called.get("propagateAllChildVariables", "true").strip() not in ("false", "0")
    return replace(
        base,
        called_element=CalledElement(
            process_id=ctx.expression(process_id, at, "zeebe:calledElement processId"),
            propagate_all_child_variables=propagate,
        ),
    )
