"""Parsers for gateways and sequence flows: the elements that only route tokens."""

from __future__ import annotations

from oms.engine.bpmn.context import At, ParseContext
from oms.engine.bpmn.model import Element, ElementType, Expression, SequenceFlow
from oms.engine.bpmn.parse_common import base_element, check_children
from oms.engine.bpmn.xml_support import (
    XmlElement,
    attribute,
    bpmn,
    bpmn_children,
    line_of,
    local_name,
    text_of,
)


def parse_gateway(element: XmlElement, element_type: ElementType, scope_id: str, ctx: ParseContext) -> Element:
    """Exclusive, parallel and event-based gateways; their routing rules need the flows (validation)."""
    check_children(element, ctx, frozenset())
    return base_element(element, element_type, scope_id)


def parse_sequence_flow(element: XmlElement, ctx: ParseContext) -> SequenceFlow:
    flow_id = element.get("id", "")
    at = At.of(element)
    source_id = attribute(element, "sourceRef")
    target_id = attribute(element, "targetRef")
    if source_id is None:
        ctx.report(at, "sequence flow has no sourceRef")
    if target_id is None:
        ctx.report(at, "sequence flow has no targetRef")
    for child in bpmn_children(element):
        if local_name(child) not in ("documentation", "extensionElements", "conditionExpression"):
            ctx.report(At.of(child, flow_id), f"unknown element bpmn:{local_name(child)}")
    return SequenceFlow(
        id=flow_id,
        source_id=source_id or "",
        target_id=target_id or "",
        condition=_parse_condition(element, at, ctx),
        line=line_of(element),
    )


def _parse_condition(element: XmlElement, at: At, ctx: ParseContext) -> Expression | None:
    condition = element.find(bpmn("conditionExpression"))
    if condition is None:
        return None
    text = text_of(condition)
    # An empty condition element is what a modeler leaves behind when the condition is cleared.
    if not text:
        return None
    return ctx.feel_expression(text, At.of(condition, at.element_id), "condition")
