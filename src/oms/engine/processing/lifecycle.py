"""The element life cycle every element shares: activate, complete, terminate, take sequence flows,
complete a scope when its last token is gone, and turn a ``Failure`` into an incident.

Element behaviours (``oms.engine.elements``) decide what happens inside each step; this module
decides when steps happen. Steps run from a queue, so long chains never recurse deeply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from oms.engine.behaviors.incidents import raise_incident, resolve_incidents_of
from oms.engine.behaviors.subscriptions import release_pending_message
from oms.engine.behaviors.variable_mappings import merge_event_variables
from oms.engine.bpmn.model import Element, ElementType, SequenceFlow
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import Failure
from oms.engine.processing.state import (
    ACTIVATED,
    ACTIVATING,
    COMPLETED,
    COMPLETING,
    TERMINATED,
    TERMINATING,
    ElementInstance,
)
from oms.engine.records import Intent, ValueType

#: Gateways that wait for several incoming flows before they activate.
_JOINING = frozenset({ElementType.PARALLEL_GATEWAY})


class ElementBehavior(Protocol):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None: ...

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None: ...

    def terminate(self, ctx: ProcessingContext, instance: ElementInstance) -> None: ...

    def on_trigger(
        self, ctx: ProcessingContext, instance: ElementInstance, target: Element, variables: dict[str, Any]
    ) -> Failure | None:
        """An event the instance subscribed to happened (message correlated, timer fired)."""
        ...


class Lifecycle:
    def __init__(self) -> None:
        self.behaviors: Mapping[ElementType, ElementBehavior] = {}

    def behavior(self, element: Element) -> ElementBehavior:
        found = self.behaviors.get(element.type)
        if found is None:  # deploy-time validation rejects unsupported elements; this is a bug guard
            raise NotImplementedError(f"no behaviour for element type {element.type}")
        return found

    # ------------------------------------------------------------------ running steps

    def run(self, ctx: ProcessingContext) -> None:
        """Run queued steps until every branch waits (for a job, a message, a timer…) or ended.

        Buffered messages taken while subscribing are correlated one at a time, each once the steps
        before it ran out (like Zeebe's correlate commands): the first one wins, and a message whose
        subscriber ended meanwhile (an event-based gateway's loser, a task that completed) is given
        back to the buffer."""
        while ctx.steps or ctx.pending_messages:
            if ctx.steps:
                ctx.steps.popleft().run()
                continue
            message = ctx.pending_messages.pop(0)
            owner = ctx.elements.get(message.owner_key)
            if owner is None or not owner.can_be_triggered:
                release_pending_message(ctx, message)
                continue
            self.trigger(ctx, owner, message.target_element_id, message.variables)
            ctx.record(
                ValueType.MESSAGE,
                Intent.CORRELATED,
                message.message_key,
                message.target_element_id,
                {"elementInstanceKey": owner.key},
            )

    def fail(self, ctx: ProcessingContext, instance: ElementInstance, failure: Failure) -> None:
        raise_incident(ctx, instance, failure)

    # ------------------------------------------------------------------ activation

    def activate_element(
        self,
        ctx: ProcessingContext,
        element: Element,
        flow_scope_key: int | None,
        *,
        variables: dict[str, Any] | None = None,
        key: int | None = None,
    ) -> ElementInstance:
        instance = ctx.new_element_instance(element, flow_scope_key, key)
        ctx.schedule(f"activate {element.id}", lambda: self._run_activate(ctx, instance, variables))
        return instance

    def _run_activate(
        self, ctx: ProcessingContext, instance: ElementInstance, variables: dict[str, Any] | None
    ) -> None:
        if instance.state != ACTIVATING:
            return  # terminated before its turn came
        if variables is not None:
            ctx.triggered_on_activation.add(instance.key)
            merge_event_variables(ctx, instance, variables)
        self.retry_activate(ctx, instance)

    def retry_activate(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        failure = self.behavior(instance.element).activate(ctx, instance)
        if failure is not None:
            self.fail(ctx, instance, failure)

    def activated(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        ctx.transition(instance, ACTIVATED)

    # ------------------------------------------------------------------ completion

    def complete_element(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        ctx.schedule(f"complete {instance.element.id}", lambda: self._run_complete(ctx, instance))

    def _run_complete(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        if instance.state != ACTIVATED:
            return
        ctx.transition(instance, COMPLETING)
        self.retry_complete(ctx, instance)

    def retry_complete(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        failure = self.behavior(instance.element).complete(ctx, instance)
        if failure is not None:
            self.fail(ctx, instance, failure)

    def completed(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        ctx.transition(instance, COMPLETED)

    def complete_and_take_outgoing(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        self.completed(ctx, instance)
        self.take_flows(ctx, instance, ctx.process.outgoing_flows(instance.element))

    def take_flows(self, ctx: ProcessingContext, instance: ElementInstance, flows: list[SequenceFlow]) -> None:
        """Take ``flows`` out of a completed element; with none, its token is consumed."""
        for flow in flows:
            self.take_flow(ctx, flow, instance.flow_scope_key)
        if not flows and instance.flow_scope_key is not None:
            self.child_finished(ctx, instance.flow_scope_key)

    def take_flow(self, ctx: ProcessingContext, flow: SequenceFlow, flow_scope_key: int | None) -> None:
        ctx.record(
            ValueType.PROCESS_INSTANCE,
            Intent.SEQUENCE_FLOW_TAKEN,
            ctx.next_key(),
            flow.id,
            {
                "bpmnElementType": "SEQUENCE_FLOW",
                "flowScopeKey": flow_scope_key,
            },
        )
        target = ctx.process.element(flow.target_id)
        if target.type in _JOINING and len(target.incoming) > 1 and flow_scope_key is not None:
            scope = ctx.elements[flow_scope_key]
            if not self._join(scope, target, flow):
                return
        self.activate_element(ctx, target, flow_scope_key)

    def take_flow_to_triggered_event(
        self,
        ctx: ProcessingContext,
        flow: SequenceFlow,
        flow_scope_key: int | None,
        variables: dict[str, Any],
    ) -> None:
        """An event-based gateway's winner: the event after the flow has already happened."""
        ctx.record(
            ValueType.PROCESS_INSTANCE,
            Intent.SEQUENCE_FLOW_TAKEN,
            ctx.next_key(),
            flow.id,
            {
                "bpmnElementType": "SEQUENCE_FLOW",
                "flowScopeKey": flow_scope_key,
            },
        )
        self.activate_element(ctx, ctx.process.element(flow.target_id), flow_scope_key, variables=variables)

    def job_completed(self, ctx: ProcessingContext, instance: ElementInstance, variables: dict[str, Any]) -> None:
        merge_event_variables(ctx, instance, variables)
        self.complete_element(ctx, instance)

    @staticmethod
    def _join(scope: ElementInstance, gateway: Element, flow: SequenceFlow) -> bool:
        """Count the flow into the joining gateway; True when every incoming flow has arrived."""
        joins = scope.joins if scope.joins is not None else {}
        arrived = joins.setdefault(gateway.id, {})
        arrived[flow.id] = arrived.get(flow.id, 0) + 1
        scope.joins = joins
        scope.is_dirty = True
        if not all(arrived.get(f, 0) > 0 for f in gateway.incoming):
            return False
        for f in gateway.incoming:
            arrived[f] -= 1
            if arrived[f] == 0:
                del arrived[f]
        if not arrived:
            del joins[gateway.id]
        return True

    def child_finished(self, ctx: ProcessingContext, scope_key: int) -> None:
        """Complete the scope when no element instance is live in it and no token waits at a join."""
        scope = ctx.elements.get(scope_key)
        if scope is None or scope.state != ACTIVATED:
            return
        if scope.joins or ctx.live_children(scope_key):
            return
        self.complete_element(ctx, scope)

    # ------------------------------------------------------------------ termination

    def terminate_element(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        """Terminate the instance and everything inside it, at once and children first."""
        if not instance.is_live:
            return
        ctx.transition(instance, TERMINATING)
        for child in ctx.live_children(instance.key):
            self.terminate_element(ctx, child)
        self.behavior(instance.element).terminate(ctx, instance)
        resolve_incidents_of(ctx, instance)
        if instance.joins:
            instance.joins = {}
        ctx.transition(instance, TERMINATED)

    # ------------------------------------------------------------------ events

    def trigger(
        self,
        ctx: ProcessingContext,
        owner: ElementInstance,
        target_element_id: str,
        variables: dict[str, Any],
    ) -> None:
        """An event that ``owner`` subscribed to happened; ``target`` is the element it triggers."""
        target = ctx.process.element(target_element_id)
        if target.attached_to_id == owner.element.id:
            self.trigger_boundary(ctx, owner, target, variables)
            return
        failure = self.behavior(owner.element).on_trigger(ctx, owner, target, variables)
        if failure is not None:
            self.fail(ctx, owner, failure)

    def trigger_boundary(
        self, ctx: ProcessingContext, owner: ElementInstance, boundary: Element, variables: dict[str, Any]
    ) -> None:
        if boundary.interrupting:
            self.terminate_element(ctx, owner)
        self.activate_element(ctx, boundary, owner.flow_scope_key, variables=variables)


__all__ = ["COMPLETED", "TERMINATED", "ElementBehavior", "Lifecycle"]
