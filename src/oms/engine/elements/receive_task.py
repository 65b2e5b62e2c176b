"""Receive task and intermediate catch events (message, timer): wait for the event, then go on.

Both subscribe for themselves (and, for the task, its boundary events); when their event
happens, its variables are merged like a job's and the element completes.
"""

from __future__ import annotations

from typing import Any

from oms.engine.behaviors.subscriptions import close_subscriptions_of, subscribe
from oms.engine.behaviors.variable_mappings import apply_inputs, apply_outputs, merge_event_variables
from oms.engine.bpmn.model import Element
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.state import ElementInstance


class CatchEventBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_inputs(ctx, instance):
            return failure
        if instance.key in ctx.triggered_on_activation:
            # Reached through an event-based gateway whose event already happened.
            self.lifecycle.activated(ctx, instance)
            self.lifecycle.complete_element(ctx, instance)
            return None
        events = [instance.element, *ctx.process.boundary_events(instance.element)]
        if failure := subscribe(ctx, instance, events):
            return failure
        self.lifecycle.activated(ctx, instance)
        return None

    def on_trigger(
        self, ctx: ProcessingContext, instance: ElementInstance, target: Element, variables: dict[str, Any]
    ) -> Failure | None:
        merge_event_variables(ctx, instance, variables)
        self.lifecycle.complete_element(ctx, instance)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_outputs(ctx, instance):
            return failure
        close_subscriptions_of(ctx, instance)
        self.lifecycle.complete_and_take_outgoing(ctx, instance)
        return None

    def terminate(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        close_subscriptions_of(ctx, instance)
