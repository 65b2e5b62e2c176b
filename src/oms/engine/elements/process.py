"""The process itself: the root scope. It starts at its none start event and ends when its last
token is consumed (or a terminate end event ends it)."""

from __future__ import annotations

from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.state import ElementInstance


class ProcessBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        self.lifecycle.activated(ctx, instance)
        start_id = instance.element.start_event_id
        assert start_id is not None, "validated at deploy: a process has a none start event"
        self.lifecycle.activate_element(ctx, ctx.process.element(start_id), instance.key)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        self.lifecycle.completed(ctx, instance)
        ctx.instance.state = "COMPLETED"
        ctx.instance.end_date = ctx.now
        ctx.instance.is_dirty = True
        return None

    def terminate(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        ctx.instance.state = "TERMINATED"
        ctx.instance.end_date = ctx.now
        ctx.instance.is_dirty = True
