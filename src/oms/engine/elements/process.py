"""The process itself: the root scope. It starts at its none start event (or at the message or timer
start event that started it) and ends when its last token is consumed (or a terminate end event
ends it). While active it listens for the start events of its event sub-processes."""

from __future__ import annotations

from oms.engine.behaviors.subscriptions import close_subscriptions_of, subscribe
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import CalledInstanceEnded, ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.state import ElementInstance


class ProcessBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := subscribe(ctx, instance, ctx.process.event_sub_process_starts(instance.element)):
            return failure
        self.lifecycle.activated(ctx, instance)
        start_id = ctx.start_event_id or instance.element.start_event_id
        assert start_id is not None, "checked when the instance is created: it has a start event to begin at"
        self.lifecycle.activate_element(ctx, ctx.process.element(start_id), instance.key)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        close_subscriptions_of(ctx, instance)
        self.lifecycle.completed(ctx, instance)
        parent = ctx.instance
        if parent.parent_process_instance_key is not None and parent.parent_element_instance_key is not None:
            ended = CalledInstanceEnded(
                parent.parent_process_instance_key,
                parent.parent_element_instance_key,
                dict(ctx.variables.local(instance.key)),
            )
            self.lifecycle.notify_parent(ctx, ended)
        ctx.instance.state = "COMPLETED"
        ctx.instance.end_date = ctx.now
        ctx.instance.is_dirty = True
        return None

    def terminate(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        close_subscriptions_of(ctx, instance)
        ctx.instance.state = "TERMINATED"
        ctx.instance.end_date = ctx.now
        ctx.instance.is_dirty = True
