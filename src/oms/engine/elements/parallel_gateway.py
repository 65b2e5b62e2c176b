"""Parallel gateway: joins wait for every incoming flow (counted by the lifecycle), forks take
every outgoing flow."""

from __future__ import annotations

from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.state import ElementInstance


class ParallelGatewayBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        self.lifecycle.activated(ctx, instance)
        self.lifecycle.complete_element(ctx, instance)
        return None
