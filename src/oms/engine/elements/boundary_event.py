"""Boundary events: activated by the lifecycle when their event happens (with its variables
already merged); they complete at once and leave through their outgoing flows."""

from __future__ import annotations

from oms.engine.behaviors.variable_mappings import apply_outputs
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.state import ElementInstance


class BoundaryEventBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        self.lifecycle.activated(ctx, instance)
        self.lifecycle.complete_element(ctx, instance)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_outputs(ctx, instance):
            return failure
        self.lifecycle.complete_and_take_outgoing(ctx, instance)
        return None
