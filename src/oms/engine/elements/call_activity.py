"""Call activity: start an instance of the process ``zeebe:calledElement processId`` names (latest
version) as a child of this element instance, and wait for it.

The child gets every variable the call activity sees (after its input mappings) as its own
variables. When it completes, its root variables come back like a job's (all of them with
``propagateAllChildVariables``, else only through the output mappings). An error the child does
not catch but an ancestor does is thrown at the call activity; so is an escalation (the child goes on
unless the catch event interrupts). Terminating the call activity
(boundary event, cancel) terminates the child. An unknown process id is a CALLED_ELEMENT_ERROR.
"""

from __future__ import annotations

from oms.engine.behaviors.bpmn_errors import throw_error, throw_escalation
from oms.engine.behaviors.expressions import evaluate_string
from oms.engine.behaviors.subscriptions import close_subscriptions_of, subscribe
from oms.engine.behaviors.variable_mappings import apply_inputs, apply_outputs
from oms.engine.elements.base import ElementBehaviorBase
from oms.engine.errors import NotFoundError
from oms.engine.processing.context import CalledInstanceEnded, ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure
from oms.engine.processing.state import ElementInstance, ProcessInstanceRow, Variables
from oms.engine.records import Intent, ValueType
from oms.engine.state.definitions import ProcessDefinition


class CallActivityBehavior(ElementBehaviorBase):
    def activate(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_inputs(ctx, instance):
            return failure
        definition = _called_definition(ctx, instance)
        if isinstance(definition, Failure):
            return definition
        if failure := subscribe(ctx, instance, ctx.process.boundary_events(instance.element)):
            return failure
        self.lifecycle.activated(ctx, instance)
        self._start_child(ctx, instance, definition)
        return None

    def on_called_instance_ended(
        self, ctx: ProcessingContext, instance: ElementInstance, ended: CalledInstanceEnded
    ) -> Failure | None:
        if ended.error_code is not None:
            return throw_error(self.lifecycle, ctx, instance, ended.error_code, ended.error_message, ended.variables)
        if ended.escalation_code is not None:
            throw_escalation(self.lifecycle, ctx, instance, ended.escalation_code)
            return None
        called = instance.element.called_element
        assert called is not None, "validated at deploy"
        if instance.element.outputs:  # the outputs decide what leaves, evaluated over the child's variables
            for name, value in ended.variables.items():
                ctx.set_variable(instance.key, name, value)
        elif called.propagate_all_child_variables:
            ctx.propagate_variables(instance.key, ended.variables)
        self.lifecycle.complete_element(ctx, instance)
        return None

    def complete(self, ctx: ProcessingContext, instance: ElementInstance) -> Failure | None:
        if failure := apply_outputs(ctx, instance):
            return failure
        close_subscriptions_of(ctx, instance)
        self.lifecycle.complete_and_take_outgoing(ctx, instance)
        return None

    def terminate(self, ctx: ProcessingContext, instance: ElementInstance) -> None:
        close_subscriptions_of(ctx, instance)
        row = ctx.conn.execute(
            "SELECT key FROM engine.process_instance WHERE parent_element_instance_key = %s AND state = 'ACTIVE'",
            (instance.key,),
        ).fetchone()
        if row is None or ctx.definitions is None:
            return  # the child ended already (or threw the error that ends this call activity)
        child = ProcessingContext.load(ctx.conn, ctx.definitions, int(row[0]), ctx.now, ctx.next_key)
        child.parent_ctx = ctx
        self.lifecycle.terminate_element(child, child.element_instance(child.instance.key))
        self.lifecycle.run(child)
        child.flush()

    def _start_child(self, ctx: ProcessingContext, instance: ElementInstance, definition: ProcessDefinition) -> None:
        """Create the child instance in this transaction and run it until it waits; it is written at
        once, and tells this call activity (through ``ctx``) if it ends right away."""
        row = ProcessInstanceRow(
            key=ctx.next_key(),
            definition=definition,
            state="ACTIVE",
            tenant_id=ctx.instance.tenant_id,
            start_date=ctx.now,
            parent_process_instance_key=ctx.instance.key,
            parent_element_instance_key=instance.key,
            is_new=True,
        )
        child = ProcessingContext(ctx.conn, ctx.now, ctx.next_key, row, {}, Variables())
        child.definitions = ctx.definitions
        child.parent_ctx = ctx
        child.record(
            ValueType.PROCESS_INSTANCE_CREATION,
            Intent.CREATED,
            row.key,
            definition.bpmn_process_id,
            {
                "processDefinitionKey": definition.key,
                "version": definition.version,
                "parentProcessInstanceKey": ctx.instance.key,
                "parentElementInstanceKey": instance.key,
            },
        )
        root = self.lifecycle.activate_element(child, definition.process.root, None, key=row.key)
        for name, value in ctx.visible_variables(instance.key).items():
            child.set_variable(root.key, name, value)
        self.lifecycle.run(child)
        child.flush()


def _called_definition(ctx: ProcessingContext, instance: ElementInstance) -> ProcessDefinition | Failure:
    called = instance.element.called_element
    assert called is not None and ctx.definitions is not None, "validated at deploy; set when loaded"
    process_id = evaluate_string(
        ctx, called.process_id, instance.key, "called process id", ErrorType.EXTRACT_VALUE_ERROR
    )
    if isinstance(process_id, Failure):
        return process_id
    try:
        definition = ctx.definitions.latest(ctx.conn, process_id, ctx.instance.tenant_id)
    except NotFoundError:
        return Failure(
            ErrorType.CALLED_ELEMENT_ERROR,
            f"Expected process with BPMN process id '{process_id}' to be deployed, but not found.",
        )
    if definition.process.root.start_event_id is None:
        return Failure(
            ErrorType.CALLED_ELEMENT_ERROR,
            f"Expected process with BPMN process id '{process_id}' to have a none start event, but it has none.",
        )
    return definition
