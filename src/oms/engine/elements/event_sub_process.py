"""Event sub-process: activated by the lifecycle in its flow scope when the event of its start
event happens (message, timer, error), with the event's variables merged. It starts at that start
event and completes when its last token is consumed; an interrupting one has ended everything else
in the scope first, so the scope completes with it."""

from __future__ import annotations

from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.state import ElementInstance


class EventSubProcessBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        self.lifecycle.activated(ctx, instance)
        start_id = instance.element.start_event_id
        assert start_id is not None, "validated at deploy: an event sub-process has one start event"
        self.lifecycle.activate_element(ctx, ctx.process.element(start_id), instance.key)
        return None
