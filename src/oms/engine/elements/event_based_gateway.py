"""Event-based gateway: subscribe to the event after each outgoing flow; the first event to
happen wins, the others are closed, and the token moves on to that event."""

from __future__ import annotations

from typing import Any

from oms.engine.behaviors.subscriptions import close_subscriptions_of, subscribe
from oms.engine.bpmn.model import Element
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.state import ElementInstance


class EventBasedGatewayBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        targets = [ctx.process.element(flow.target_id) for flow in ctx.process.outgoing_flows(instance.element)]
        if failure := subscribe(ctx, instance, targets):
            return failure
        self.lifecycle.activated(ctx, instance)
        return None

    def on_trigger(
        self, ctx: ProcessingContext, instance: ElementInstance, target: Element, variables: dict[str, Any]
    ) -> Failure | None:
        close_subscriptions_of(ctx, instance)
        ctx.transition(instance, "COMPLETING")
        self.lifecycle.completed(ctx, instance)
        flow = next(f for f in ctx.process.outgoing_flows(instance.element) if f.target_id == target.id)
        self.lifecycle.take_flow_to_triggered_event(ctx, flow, instance.flow_scope_key, variables)
        return None

    def terminate(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        close_subscriptions_of(ctx, instance)
