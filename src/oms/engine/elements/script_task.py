"""Script task with ``zeebe:script``: evaluate a FEEL expression into the result variable."""

from __future__ import annotations

from oms.engine.behaviors.expressions import evaluate
from oms.engine.behaviors.variable_mappings import apply_inputs, apply_outputs, merge_event_variables
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.feel import to_json
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.state import ElementInstance


class ScriptTaskBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_inputs(ctx, instance):
            return failure
        script = instance.element.script
        assert script is not None, "validated at deploy"
        result = evaluate(ctx, script.expression, instance.key, ErrorType.EXTRACT_VALUE_ERROR)
        if isinstance(result, Failure):
            return result
        self.lifecycle.activated(ctx, instance)
        merge_event_variables(ctx, instance, {script.result_variable: to_json(result)})
        self.lifecycle.complete_element(ctx, instance)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_outputs(ctx, instance):
            return failure
        self.lifecycle.complete_and_take_outgoing(ctx, instance)
        return None
