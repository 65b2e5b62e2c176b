"""The element life cycle every element shares: activate, complete, terminate, take sequence flows,
complete a scope when its last token is gone, and turn a ``Failure`` into an incident.

Element behaviours (``oms.engine.elements``) decide what happens inside each step; this module
decides when steps happen. Steps run from a queue, so long chains never recurse deeply.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from oms.engine.behaviors.incidents import raise_incident, resolve_incidents_of
from oms.engine.behaviors.subscriptions import close_subscriptions_of, release_pending_message
from oms.engine.behaviors.variable_mappings import merge_event_variables
from oms.engine.bpmn.model import Element, ElementType, SequenceFlow
from oms.engine.processing.context import CalledInstanceEnded, ProcessingContext
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
_JOINING = frozenset({ElementType.PARALLEL_GATEWAY, ElementType.INCLUSIVE_GATEWAY})


class ElementBehavior(Protocol):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None: ...

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None: ...

    def terminate(self, ctx: ProcessingContext, instance: ElementInstance) -> None: ...

    def on_trigger(
        self, ctx: ProcessingContext, instance: ElementInstance, target: Element, variables: dict[str, Any]
    ) -> Failure | None:
        """An event the instance subscribed to happened (message correlated, timer fired)."""
        ...

    def on_child_completed(
        self, ctx: ProcessingContext, scope: ElementInstance, child: ElementInstance
    ) -> Failure | None:
        """A token inside the scope was consumed (``child`` completed without outgoing flows)."""
        ...

    def on_called_instance_ended(
        self, ctx: ProcessingContext, instance: ElementInstance, ended: CalledInstanceEnded
    ) -> Failure | None:
        """The instance a call activity started completed, or threw an error for it to catch."""
        ...

    def before_child_completes(
        self, ctx: ProcessingContext, scope: ElementInstance, child: ElementInstance
    ) -> Failure | None:
        """``child`` (an activity in the scope) is about to complete; a failure is the child's incident."""
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
        scope = ctx.elements.get(instance.flow_scope_key) if instance.flow_scope_key is not None else None
        if scope is not None:
            failure = self.behavior(scope.element).before_child_completes(ctx, scope, instance)
            if failure is not None:  # stays COMPLETING: resolving the incident completes it again
                self.fail(ctx, instance, failure)
                return
        self.completed(ctx, instance)
        self.take_flows(ctx, instance, ctx.process.outgoing_flows(instance.element))

    def take_flows(self, ctx: ProcessingContext, instance: ElementInstance, flows: list[SequenceFlow]) -> None:
        """Take ``flows`` out of a completed element; with none, its token is consumed."""
        for flow in flows:
            self.take_flow(ctx, flow, instance.flow_scope_key)
        scope = ctx.elements.get(instance.flow_scope_key) if instance.flow_scope_key is not None else None
        if not flows and scope is not None:
            failure = self.behavior(scope.element).on_child_completed(ctx, scope, instance)
            if failure is not None:
                self.fail(ctx, scope, failure)

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
        if flow_scope_key is not None:
            scope = ctx.elements[flow_scope_key]
            if target.type in _JOINING and len(target.incoming) > 1:
                if target.type is ElementType.INCLUSIVE_GATEWAY:
                    self._arrive(scope, target, flow)
                    self._schedule_join_check(ctx, scope)
                    return
                if not self._join(scope, target, flow):
                    return
            elif self._has_inclusive_joins(ctx, scope):
                self._schedule_join_check(ctx, scope)  # the token moved: the join may not wait for it any more
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

    @classmethod
    def _join(cls, scope: ElementInstance, gateway: Element, flow: SequenceFlow) -> bool:
        """Count the flow into the joining parallel gateway; True when every incoming flow has arrived."""
        arrived = cls._arrive(scope, gateway, flow)
        if not all(arrived.get(f, 0) > 0 for f in gateway.incoming):
            return False
        cls._consume(scope, gateway)
        return True

    @staticmethod
    def _arrive(scope: ElementInstance, gateway: Element, flow: SequenceFlow) -> dict[str, int]:
        joins = scope.joins if scope.joins is not None else {}
        arrived = joins.setdefault(gateway.id, {})
        arrived[flow.id] = arrived.get(flow.id, 0) + 1
        scope.joins = joins
        scope.is_dirty = True
        return arrived

    @staticmethod
    def _consume(scope: ElementInstance, gateway: Element) -> None:
        """Take one token from every incoming flow of the gateway that has one."""
        assert scope.joins is not None
        arrived = scope.joins[gateway.id]
        for f in list(arrived):
            arrived[f] -= 1
            if arrived[f] == 0:
                del arrived[f]
        if not arrived:
            del scope.joins[gateway.id]
        scope.is_dirty = True

    @staticmethod
    def _has_inclusive_joins(ctx: ProcessingContext, scope: ElementInstance) -> bool:
        return bool(scope.joins) and any(
            ctx.process.element(g).type is ElementType.INCLUSIVE_GATEWAY for g in scope.joins or {}
        )

    def _schedule_join_check(self, ctx: ProcessingContext, scope: ElementInstance) -> None:
        """Check the scope's inclusive joins once the current step is done (every flow it takes is
        taken by then, so every token that may still arrive exists)."""
        if scope.key in ctx.join_checks:
            return
        ctx.join_checks.add(scope.key)
        ctx.schedule(f"inclusive joins of {scope.element.id}", lambda: self._check_inclusive_joins(ctx, scope))

    def _check_inclusive_joins(self, ctx: ProcessingContext, scope: ElementInstance) -> None:
        """Zeebe's rule: a joining inclusive gateway activates when every incoming flow has a token,
        or when no token of its flow scope (a live element, a token waiting at another join) can
        still reach it."""
        ctx.join_checks.discard(scope.key)
        if scope.state != ACTIVATED or not scope.joins:
            return
        occupied = {child.element.id for child in ctx.live_children(scope.key)}
        for gateway_id in list(scope.joins):
            gateway = ctx.process.element(gateway_id)
            if gateway.type is not ElementType.INCLUSIVE_GATEWAY:
                continue
            arrived = scope.joins[gateway_id]
            every_flow = all(arrived.get(f, 0) > 0 for f in gateway.incoming)
            waiting_elsewhere = {g for g in scope.joins if g != gateway_id}
            can_still_arrive = not gateway.upstream_ids.isdisjoint(occupied | waiting_elsewhere)
            if not every_flow and can_still_arrive:
                continue
            self._consume(scope, gateway)
            self.activate_element(ctx, gateway, scope.key)
            occupied.add(gateway_id)
        if not scope.joins and not ctx.live_children(scope.key):
            self.complete_element(ctx, scope)

    def child_finished(self, ctx: ProcessingContext, scope_key: int) -> None:
        """Complete the scope when no element instance is live in it and no token waits at a join."""
        scope = ctx.elements.get(scope_key)
        if scope is None or scope.state != ACTIVATED:
            return
        if self._has_inclusive_joins(ctx, scope):
            self._schedule_join_check(ctx, scope)
            return
        if scope.joins or ctx.has_live_children(scope_key):
            return
        self.complete_element(ctx, scope)

    # ------------------------------------------------------------------ called instances

    def notify_parent(self, ctx: ProcessingContext, ended: CalledInstanceEnded) -> None:
        """Tell the parent's call activity: now when the parent's command is running (the child was
        created in it), else after this command is written (``Runtime.on_instance``)."""
        parent = ctx.parent_ctx
        if parent is not None:
            parent.schedule("called instance ended", lambda: self.deliver_to_call_activity(parent, ended))
        else:
            ctx.parent_notifications.append(ended)

    def deliver_to_call_activity(self, ctx: ProcessingContext, ended: CalledInstanceEnded) -> None:
        call_activity = ctx.elements.get(ended.element_instance_key)
        if call_activity is None or not call_activity.can_be_triggered:
            return  # it ended meanwhile (terminated with its scope…)
        failure = self.behavior(call_activity.element).on_called_instance_ended(ctx, call_activity, ended)
        if failure is not None:
            self.fail(ctx, call_activity, failure)

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
        if target.type is ElementType.START_EVENT and target.flow_scope_id != ctx.process.id:
            self.trigger_event_sub_process(ctx, owner, target, variables)
            return
        failure = self.behavior(owner.element).on_trigger(ctx, owner, target, variables)
        if failure is not None:
            self.fail(ctx, owner, failure)

    def trigger_event_sub_process(
        self, ctx: ProcessingContext, scope: ElementInstance, start: Element, variables: dict[str, Any]
    ) -> None:
        """The start event of an event sub-process of ``scope`` happened: an interrupting one first
        ends everything else in the scope; then the event sub-process runs in the scope."""
        assert start.flow_scope_id is not None
        if start.interrupting:
            # Like Zeebe: the other event sub-processes of the scope can no longer start; the scope's
            # own boundary events stay (they are outside it).
            starts = [e.id for e in ctx.process.event_sub_process_starts(scope.element)]
            close_subscriptions_of(ctx, scope, only_targets=starts)
            for child in ctx.live_children(scope.key):
                self.terminate_element(ctx, child)
            if scope.joins:
                scope.joins = {}
                scope.is_dirty = True
        self.activate_element(ctx, ctx.process.element(start.flow_scope_id), scope.key, variables=variables)

    def trigger_boundary(
        self, ctx: ProcessingContext, owner: ElementInstance, boundary: Element, variables: dict[str, Any]
    ) -> None:
        if boundary.interrupting:
            self.terminate_element(ctx, owner)
        self.activate_element(ctx, boundary, owner.flow_scope_key, variables=variables)


__all__ = ["COMPLETED", "TERMINATED", "ElementBehavior", "Lifecycle"]
