"""Inclusive gateway: forks on every outgoing flow whose condition is true, else the default
flow, else an incident (CONDITION_ERROR). As a join it waits only for the branches that can still
arrive (the lifecycle counts arrivals and checks, with the reachability computed at deploy,
whether any token of the flow scope can still reach it)."""

from __future__ import annotations

from oms.engine.behaviors.expressions import evaluate_bool
from oms.engine.bpmn.model import SequenceFlow
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.state import ElementInstance


class InclusiveGatewayBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        self.lifecycle.activated(ctx, instance)
        self.lifecycle.complete_element(ctx, instance)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        chosen = self._choose(ctx, instance)
        if isinstance(chosen, Failure):
            return chosen
        self.lifecycle.completed(ctx, instance)
        self.lifecycle.take_flows(ctx, instance, chosen)
        return None

    @staticmethod
    def _choose(ctx: ProcessingContext, instance: ElementInstance) -> list[SequenceFlow] | Failure:
        element = instance.element
        flows = ctx.process.outgoing_flows(element)
        if not flows:
            return []
        if len(flows) == 1 and flows[0].condition is None:
            return flows
        chosen: list[SequenceFlow] = []
        for flow in flows:
            if flow.id == element.default_flow_id or flow.condition is None:
                continue
            result = evaluate_bool(ctx, flow.condition, instance.key)
            if isinstance(result, Failure):
                return result
            if result:
                chosen.append(flow)
        if chosen:
            return chosen
        if element.default_flow_id is not None:
            return [ctx.process.flow(element.default_flow_id)]
        return Failure(
            ErrorType.CONDITION_ERROR,
            f"Expected at least one condition to evaluate to true, or to have a default flow (gateway '{element.id}')",
        )
