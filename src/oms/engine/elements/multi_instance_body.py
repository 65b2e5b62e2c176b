"""Multi-instance body (Zeebe's MULTI_INSTANCE_BODY): it takes the activity's place in the flow and
runs the activity once per item of the input collection, all at once (parallel) or one after the
other (sequential).

The body keeps its state in local variables, as Zeebe does: ``numberOfInstances``,
``numberOfActiveInstances``, ``numberOfCompletedInstances`` and the output collection (in input
order, ``null`` until its instance completes). Each inner instance gets local ``loopCounter``
(1-based) and the ``inputElement``. As each inner instance completes, its output element is
collected and the completion condition is evaluated in its scope (a failure is an incident on it,
resolved by completing it again); when true, the remaining instances are terminated. Boundary
events belong to the body: they terminate every inner instance.
"""

from __future__ import annotations

from typing import Any

from oms.engine.behaviors.expressions import evaluate, evaluate_bool
from oms.engine.behaviors.subscriptions import close_subscriptions_of, subscribe
from oms.engine.bpmn.model import MultiInstance
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.feel import to_json
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.state import ElementInstance

INSTANCES = "numberOfInstances"
ACTIVE = "numberOfActiveInstances"
COMPLETED = "numberOfCompletedInstances"
LOOP_COUNTER = "loopCounter"


class MultiInstanceBodyBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        loop = _loop(instance)
        items = _input_collection(ctx, loop, instance)
        if isinstance(items, Failure):
            return items
        if failure := subscribe(ctx, instance, ctx.process.boundary_events(instance.element)):
            return failure
        self.lifecycle.activated(ctx, instance)
        started = len(items) if not loop.sequential else min(1, len(items))
        ctx.set_variable(instance.key, INSTANCES, len(items))
        ctx.set_variable(instance.key, ACTIVE, started)
        ctx.set_variable(instance.key, COMPLETED, 0)
        if loop.output_collection is not None:
            ctx.set_variable(instance.key, loop.output_collection, [None] * len(items))
        if not items:
            self.lifecycle.complete_element(ctx, instance)
            return None
        for index in range(started):
            self._start_inner(ctx, instance, loop, index, items[index])
        return None

    def before_child_completes(
        self, ctx: ProcessingContext, scope: ElementInstance, child: ElementInstance
    ) -> Failure | None:
        """Collect the child's output element and count it; evaluate the completion condition. All is
        evaluated before anything is written, so a failure (an incident on the child) leaves nothing."""
        loop = _loop(scope)
        local = ctx.variables.local(scope.key)
        counters = {COMPLETED: int(local.get(COMPLETED, 0)) + 1, ACTIVE: int(local.get(ACTIVE, 1)) - 1}
        collection = None
        if loop.output_collection is not None and loop.output_element is not None:
            value = evaluate(ctx, loop.output_element, child.key, ErrorType.EXTRACT_VALUE_ERROR)
            if isinstance(value, Failure):
                return value
            collection = list(local.get(loop.output_collection) or [None] * int(local.get(INSTANCES, 0)))
            position = int(ctx.variables.local(child.key).get(LOOP_COUNTER, counters[COMPLETED])) - 1
            collection[position] = to_json(value)
        if loop.completion_condition is not None:
            done = evaluate_bool(ctx, loop.completion_condition, child.key, overrides=counters)
            if isinstance(done, Failure):
                return done
            if done:
                ctx.completion_conditions_met.add(scope.key)
        if collection is not None and loop.output_collection is not None:
            ctx.set_variable(scope.key, loop.output_collection, collection)
        for name, value in counters.items():
            ctx.set_variable(scope.key, name, value)
        return None

    def on_child_completed(
        self, ctx: ProcessingContext, scope: ElementInstance, child: ElementInstance
    ) -> Failure | None:
        loop = _loop(scope)
        if scope.key in ctx.completion_conditions_met:
            for inner in ctx.live_children(scope.key):
                self.lifecycle.terminate_element(ctx, inner)
            self.lifecycle.complete_element(ctx, scope)
            return None
        local = ctx.variables.local(scope.key)
        completed = int(local.get(COMPLETED, 0))
        if loop.sequential and completed < int(local.get(INSTANCES, 0)):
            items = _input_collection(ctx, loop, scope)
            if isinstance(items, Failure):
                return items
            if completed < len(items):
                ctx.set_variable(scope.key, ACTIVE, 1)
                self._start_inner(ctx, scope, loop, completed, items[completed])
                return None
        if not ctx.has_live_children(scope.key):  # without loading the siblings
            self.lifecycle.complete_element(ctx, scope)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        loop = _loop(instance)
        close_subscriptions_of(ctx, instance)
        if loop.output_collection is not None and instance.flow_scope_key is not None:
            collection = ctx.variables.local(instance.key).get(loop.output_collection, [])
            ctx.propagate_variables(instance.flow_scope_key, {loop.output_collection: collection})
        self.lifecycle.complete_and_take_outgoing(ctx, instance)
        return None

    def terminate(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        close_subscriptions_of(ctx, instance)

    def _start_inner(
        self, ctx: ProcessingContext, body: ElementInstance, loop: MultiInstance, index: int, item: Any
    ) -> None:
        inner_element = body.element.inner
        assert inner_element is not None, "built by the parser with the body"
        inner = self.lifecycle.activate_element(ctx, inner_element, body.key)
        # Local before the inner instance's own activation runs (its input mappings may use them).
        if loop.input_element is not None:
            ctx.set_variable(inner.key, loop.input_element, item)
        ctx.set_variable(inner.key, LOOP_COUNTER, index + 1)


def _loop(instance: ElementInstance) -> MultiInstance:
    loop = instance.element.multi_instance
    assert loop is not None, "a multi-instance body has loop characteristics"
    return loop


def _input_collection(ctx: ProcessingContext, loop: MultiInstance, body: ElementInstance) -> list[Any] | Failure:
    value = evaluate(ctx, loop.input_collection, body.key, ErrorType.EXTRACT_VALUE_ERROR)
    if isinstance(value, Failure):
        return value
    items = to_json(value)
    if not isinstance(items, list):
        return Failure(
            ErrorType.EXTRACT_VALUE_ERROR,
            f"Expected the input collection '{loop.input_collection.source}' to be a list, but it was {items!r}",
        )
    return items
