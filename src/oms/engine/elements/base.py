"""What every element behaviour starts from: each life-cycle step does nothing by default."""

from __future__ import annotations

from typing import Any

from oms.engine.bpmn.model import Element
from oms.engine.processing.context import CalledInstanceEnded, ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.lifecycle import Lifecycle
from oms.engine.processing.state import ElementInstance


class ElementBehaviorBase:
    def __init__(self, lifecycle: Lifecycle) -> None:
        self.lifecycle = lifecycle

    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        self.lifecycle.activated(ctx, instance)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        self.lifecycle.complete_and_take_outgoing(ctx, instance)
        return None

    def terminate(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        return None

    def on_trigger(
        self, ctx: ProcessingContext, instance: ElementInstance, target: Element, variables: dict[str, Any]
    ) -> Failure | None:
        raise NotImplementedError(f"{instance.element.type} does not wait for events")

    def on_child_completed(
        self, ctx: ProcessingContext, scope: ElementInstance, child: ElementInstance
    ) -> Failure | None:
        self.lifecycle.child_finished(ctx, scope.key)
        return None

    def on_called_instance_ended(
        self, ctx: ProcessingContext, instance: ElementInstance, ended: CalledInstanceEnded
    ) -> Failure | None:
        raise NotImplementedError(f"{instance.element.type} does not call processes")

    def before_child_completes(
        self, ctx: ProcessingContext, scope: ElementInstance, child: ElementInstance
    ) -> Failure | None:
        return None
