"""Elements that do nothing but pass the token on: none start and intermediate throw events
(an escalation or signal throw event throws its escalation or signal first),
undefined tasks and manual tasks. Their input/output mappings still apply."""

from __future__ import annotations

from oms.engine.behaviors.bpmn_errors import throw_escalation
from oms.engine.behaviors.expressions import evaluate_string
from oms.engine.behaviors.signals import throw_signal
from oms.engine.behaviors.variable_mappings import apply_inputs, apply_outputs
from oms.engine.bpmn.model import ElementType, EventKind
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.state import ElementInstance


class PassThroughBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_inputs(ctx, instance):
            return failure
        element = instance.element
        escalation = element.escalation
        throws = element.type is ElementType.INTERMEDIATE_THROW_EVENT and element.event is EventKind.ESCALATION
        if throws and escalation is not None and escalation.code is not None:
            code = evaluate_string(ctx, escalation.code, instance.key, "escalation code", ErrorType.EXTRACT_VALUE_ERROR)
            if isinstance(code, Failure):
                return code
            if not throw_escalation(self.lifecycle, ctx, instance, code):
                return None  # an interrupting catch event ended it
        signals = element.type is ElementType.INTERMEDIATE_THROW_EVENT and element.event is EventKind.SIGNAL
        if signals and (failure := throw_signal(ctx, instance)):
            return failure
        self.lifecycle.activated(ctx, instance)
        self.lifecycle.complete_element(ctx, instance)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_outputs(ctx, instance):
            return failure
        self.lifecycle.complete_and_take_outgoing(ctx, instance)
        return None
