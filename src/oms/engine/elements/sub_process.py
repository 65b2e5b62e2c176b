"""Embedded sub-process: a scope of its own. Its element instance is the variable scope of
everything inside (inputs become its local variables), it starts at its none start event, and it
completes when its last token is consumed; then its outputs apply and it leaves through its
outgoing flows. Boundary events are subscribed for the whole sub-process: terminating it
terminates everything inside (children first, by the lifecycle). So are the start events of its
event sub-processes."""

from __future__ import annotations

from oms.engine.behaviors.subscriptions import close_subscriptions_of, subscribe
from oms.engine.behaviors.variable_mappings import apply_inputs, apply_outputs
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.state import ElementInstance


class SubProcessBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_inputs(ctx, instance):
            return failure
        events = [
            *ctx.process.boundary_events(instance.element),
            *ctx.process.event_sub_process_starts(instance.element),
        ]
        if failure := subscribe(ctx, instance, events):
            return failure
        self.lifecycle.activated(ctx, instance)
        start_id = instance.element.start_event_id
        assert start_id is not None, "validated at deploy: a sub-process has a none start event"
        self.lifecycle.activate_element(ctx, ctx.process.element(start_id), instance.key)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_outputs(ctx, instance):
            return failure
        close_subscriptions_of(ctx, instance)
        self.lifecycle.complete_and_take_outgoing(ctx, instance)
        return None

    def terminate(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        close_subscriptions_of(ctx, instance)
