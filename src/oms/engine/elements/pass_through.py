"""Elements that do nothing but pass the token on: none start and intermediate throw events,
undefined tasks and manual tasks. Their input/output mappings still apply."""

from __future__ import annotations

from oms.engine.behaviors.variable_mappings import apply_inputs, apply_outputs
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.state import ElementInstance


class PassThroughBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_inputs(ctx, instance):
            return failure
        self.lifecycle.activated(ctx, instance)
        self.lifecycle.complete_element(ctx, instance)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_outputs(ctx, instance):
            return failure
        self.lifecycle.complete_and_take_outgoing(ctx, instance)
        return None
