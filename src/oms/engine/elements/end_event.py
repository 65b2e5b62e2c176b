"""End events: none (consume the token), error (throw a BPMN error), escalation (throw an
escalation, then end like a none end event unless it was interrupted), signal (broadcast a signal,
then end like a none end event), terminate (end the scope)."""

from __future__ import annotations

from oms.engine.behaviors.bpmn_errors import throw_error, throw_escalation
from oms.engine.behaviors.expressions import evaluate_string
from oms.engine.behaviors.signals import throw_signal
from oms.engine.behaviors.variable_mappings import apply_inputs, apply_outputs
from oms.engine.bpmn.model import EventKind
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.state import ElementInstance


class EndEventBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_inputs(ctx, instance):
            return failure
        element = instance.element
        if element.event is EventKind.ERROR:
            assert element.error is not None and element.error.code is not None, "validated at deploy"
            code = evaluate_string(ctx, element.error.code, instance.key, "error code", ErrorType.EXTRACT_VALUE_ERROR)
            if isinstance(code, Failure):
                return code
            # Stays ACTIVATING: an unhandled error leaves an incident here; resolving it throws again.
            return throw_error(self.lifecycle, ctx, instance, code, "")
        if element.event is EventKind.ESCALATION:
            assert element.escalation is not None and element.escalation.code is not None, "validated at deploy"
            code = evaluate_string(
                ctx, element.escalation.code, instance.key, "escalation code", ErrorType.EXTRACT_VALUE_ERROR
            )
            if isinstance(code, Failure):
                return code
            if not throw_escalation(self.lifecycle, ctx, instance, code):
                return None  # an interrupting catch event ended it
        if element.event is EventKind.SIGNAL and (failure := throw_signal(ctx, instance)):
            return failure
        self.lifecycle.activated(ctx, instance)
        self.lifecycle.complete_element(ctx, instance)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_outputs(ctx, instance):
            return failure
        self.lifecycle.completed(ctx, instance)
        scope_key = instance.flow_scope_key
        assert scope_key is not None
        if instance.element.event is EventKind.TERMINATE:
            for sibling in ctx.live_children(scope_key):
                self.lifecycle.terminate_element(ctx, sibling)
            scope = ctx.elements[scope_key]
            scope.joins = {}
            scope.is_dirty = True
        self.lifecycle.take_flows(ctx, instance, [])
        return None
