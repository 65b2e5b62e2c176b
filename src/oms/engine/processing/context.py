"""One command's working set on one process instance: loaded state, pending steps, writes.

Element behaviours and shared behaviours work only through this object. They never run SQL
themselves; every change goes into the write batch and, with it, into the record log.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from oms.engine.bpmn.model import Element, Process
from oms.engine.errors import NotFoundError
from oms.engine.processing.scope_loading import (
    add_variables,
    element_instances,
    element_sql,
    fetch_children,
    has_other_live_child,
    variable_sql,
)
from oms.engine.processing.state import (
    ACTIVATING,
    FINAL_STATES,
    ElementInstance,
    ProcessInstanceRow,
    Variables,
)
from oms.engine.processing.writes import WriteBatch
from oms.engine.records import Intent, ValueType
from oms.engine.state.definitions import DefinitionCache, ProcessDefinition

_INTENT_FOR_STATE = {
    "ACTIVATING": Intent.ELEMENT_ACTIVATING,
    "ACTIVATED": Intent.ELEMENT_ACTIVATED,
    "COMPLETING": Intent.ELEMENT_COMPLETING,
    "COMPLETED": Intent.ELEMENT_COMPLETED,
    "TERMINATING": Intent.ELEMENT_TERMINATING,
    "TERMINATED": Intent.ELEMENT_TERMINATED,
}


@dataclass(frozen=True)
class CalledInstanceEnded:
    """A called (child) instance completed, threw an error an ancestor catches, or threw an escalation
    an ancestor catches (the child may go on): what the call activity ``element_instance_key`` of
    instance ``process_instance_key`` is told."""

    process_instance_key: int
    element_instance_key: int
    variables: dict[str, Any]
    error_code: str | None = None
    error_message: str = ""
    escalation_code: str | None = None


@dataclass(frozen=True)
class ThrownSignal:
    """A signal an element threw (or the API broadcast): broadcast once the thrower's command is
    written, like Zeebe's follow-up SIGNAL BROADCAST command."""

    name: str
    variables: dict[str, Any]
    tenant_id: str


@dataclass(frozen=True)
class Step:
    """A follow-up the processing loop runs after the current one (like Zeebe's follow-up commands)."""

    run: Callable[[], None]
    label: str


class ProcessingContext:
    def __init__(
        self,
        conn: psycopg.Connection[Any],
        now: datetime,
        next_key: Callable[[], int],
        instance: ProcessInstanceRow,
        elements: dict[int, ElementInstance],
        variables: Variables,
    ) -> None:
        self.conn = conn
        self.now = now
        self.next_key = next_key
        self.instance = instance
        self.elements = elements
        self.variables = variables
        self.writes = WriteBatch()
        self.steps: deque[Step] = deque()
        #: Buffered messages taken by subscriptions opened in this command, to trigger after it.
        self.pending_messages: list[Any] = []
        #: Element instances activated by an event that already happened (their variables are merged).
        self.triggered_on_activation: set[int] = set()
        #: Scopes whose inclusive joins are to be checked by a step already queued.
        self.join_checks: set[int] = set()
        #: A new instance started by a message or timer starts at that start event, not the none one.
        self.start_event_id: str | None = None
        #: The definition cache, for call activities (set by ``load`` and by instance creation).
        self.definitions: DefinitionCache | None = None
        #: A called instance created inside its parent's command: the parent's context.
        self.parent_ctx: ProcessingContext | None = None
        #: Multi-instance bodies whose completion condition became true in this command.
        self.completion_conditions_met: set[int] = set()
        #: What to tell the parent's call activity once this command is written.
        self.parent_notifications: list[CalledInstanceEnded] = []
        #: Signals thrown in this command (and in called instances run inside it), broadcast after it.
        self.thrown_signals: list[ThrownSignal] = []
        #: The row a command asked ``load`` to lock along with the instance (see ``also_lock``).
        self.locked_row: tuple[Any, ...] | None = None
        #: Only a scope chain was loaded (``load``'s ``focus``): other scopes' children are loaded
        #: when asked for, once (``children_loaded``).
        self.partial = False
        self.children_loaded: set[int] = set()

    # ----------------------------------------------------------------------------- loading

    @classmethod
    def load(
        cls,
        conn: psycopg.Connection[Any],
        definitions: DefinitionCache,
        process_instance_key: int,
        now: datetime,
        next_key: Callable[[], int],
        also_lock: tuple[str, tuple[Any, ...]] | None = None,
        *,
        key_of: str | None = None,
        focus: int | None = None,
        focus_of: str | None = None,
    ) -> ProcessingContext:
        """Lock the process instance and load its live element instances and their variables, in one
        round trip. ``also_lock`` is a query for a row of the instance that the command needs locked
        too (a job, an incident…), whose row lands in ``ctx.locked_row``. With ``key_of`` (a table such
        as ``job``), ``process_instance_key`` is the key of a row of that table and the instance is
        the one that row belongs to, which saves a round trip to look it up first.

        With ``focus`` (an element instance key), or ``focus_of`` (a table whose row, keyed like
        ``key_of``, names the element instance), only the scope chain of that element instance is
        loaded; the children of a scope are loaded when asked for (``live_children``)."""
        ref = "%s" if key_of is None else f"(SELECT process_instance_key FROM engine.{key_of} WHERE key = %s)"
        params = (process_instance_key,)
        focus_ref, scope_params = None, params
        if focus is not None:
            focus_ref, scope_params = "%s", (focus,)
        elif focus_of is not None:
            focus_ref = f"(SELECT element_instance_key FROM engine.{focus_of} WHERE key = %s)"
        with conn.pipeline():
            pi_cur = conn.execute(
                "SELECT process_definition_key, state, tenant_id, start_date, parent_process_instance_key,"
                f" parent_element_instance_key, key FROM engine.process_instance WHERE key = {ref} FOR UPDATE",
                params,
            )
            ei_cur = conn.execute(element_sql(ref, focus_ref), scope_params)
            var_cur = conn.execute(variable_sql(ref, focus_ref), scope_params)
            extra_cur = conn.execute(also_lock[0], also_lock[1]) if also_lock is not None else None
        pi_row = pi_cur.fetchone()
        if pi_row is None:
            what = "process instance" if key_of is None else key_of.replace("_", " ")
            raise NotFoundError(f"Expected to find {what} with key '{process_instance_key}', but none was found")
        definition = definitions.get(conn, int(pi_row[0]))
        instance = ProcessInstanceRow(
            key=int(pi_row[6]),
            definition=definition,
            state=pi_row[1],
            tenant_id=pi_row[2],
            start_date=pi_row[3],
            parent_process_instance_key=pi_row[4],
            parent_element_instance_key=pi_row[5],
        )
        elements = element_instances(definition.process, ei_cur.fetchall())
        variables = Variables()
        add_variables(variables, var_cur.fetchall())
        ctx = cls(conn, now, next_key, instance, elements, variables)
        ctx.definitions = definitions
        ctx.partial = focus_ref is not None
        ctx.locked_row = extra_cur.fetchone() if extra_cur is not None else None
        return ctx

    # ----------------------------------------------------------------------------- model lookups

    @property
    def definition(self) -> ProcessDefinition:
        return self.instance.definition

    @property
    def process(self) -> Process:
        return self.instance.definition.process

    def element_instance(self, key: int) -> ElementInstance:
        found = self.elements.get(key)
        if found is None:
            raise NotFoundError(f"Expected to find element instance with key '{key}', but none was found")
        return found

    def scope_chain(self, key: int) -> list[int]:
        """The element instance and every scope around it, innermost first."""
        chain = [key]
        current = self.elements[key].flow_scope_key
        while current is not None:
            chain.append(current)
            current = self.elements[current].flow_scope_key
        return chain

    def live_children(self, scope_key: int) -> list[ElementInstance]:
        if self.partial and scope_key not in self.children_loaded:
            self._load_children(scope_key)
        return [e for e in self.elements.values() if e.flow_scope_key == scope_key and e.is_live]

    def has_live_children(self, scope_key: int) -> bool:
        """Whether a token is still in the scope, without loading its children when only a chain was
        loaded (a multi-instance body asks this on every inner completion)."""
        inside = [e for e in self.elements.values() if e.flow_scope_key == scope_key]
        if any(e.is_live for e in inside):
            return True
        if not self.partial or scope_key in self.children_loaded:
            return False
        return has_other_live_child(self.conn, scope_key, [e.key for e in inside])

    def _load_children(self, scope_key: int) -> None:
        """Add the stored live children of ``scope_key`` that the command has not seen yet (those it
        has, it may have changed: memory wins)."""
        self.children_loaded.add(scope_key)
        rows, variable_rows = fetch_children(self.conn, scope_key)
        found = element_instances(self.process, [row for row in rows if int(row[0]) not in self.elements])
        self.elements.update(found)
        add_variables(self.variables, variable_rows, only_scopes=set(found))

    def visible_variables(self, key: int) -> dict[str, Any]:
        return self.variables.visible(self.scope_chain(key))

    # ----------------------------------------------------------------------------- element life cycle

    def new_element_instance(
        self, element: Element, flow_scope_key: int | None, key: int | None = None
    ) -> ElementInstance:
        instance = ElementInstance(
            key=key if key is not None else self.next_key(),
            element=element,
            flow_scope_key=flow_scope_key,
            state=ACTIVATING,
            start_date=self.now,
            joins={} if element.child_ids else None,
            is_new=True,
        )
        self.elements[instance.key] = instance
        self.record_element(instance)
        return instance

    def transition(self, instance: ElementInstance, state: str) -> None:
        instance.state = state
        if state in FINAL_STATES:
            instance.end_date = self.now
        instance.is_dirty = True
        self.record_element(instance)

    def record_element(self, instance: ElementInstance) -> None:
        definition = self.definition
        self.writes.record(
            self.now,
            ValueType.PROCESS_INSTANCE,
            _INTENT_FOR_STATE[instance.state],
            instance.key,
            self.instance.key,
            instance.element.id,
            {
                "bpmnElementType": instance.element.type.value,
                "flowScopeKey": instance.flow_scope_key if instance.flow_scope_key is not None else -1,
                "bpmnProcessId": definition.bpmn_process_id,
                "version": definition.version,
                "processDefinitionKey": definition.key,
            },
        )

    def record(
        self, value_type: ValueType, intent: Intent, key: int, element_id: str | None, value: dict[str, Any]
    ) -> None:
        self.writes.record(self.now, value_type, intent, key, self.instance.key, element_id, value)

    def schedule(self, label: str, run: Callable[[], None]) -> None:
        self.steps.append(Step(run=run, label=label))

    # ----------------------------------------------------------------------------- variables

    def set_variable(self, scope_key: int, name: str, value: Any) -> None:
        existed = name in self.variables.local(scope_key)  # a variable created earlier in this command is updated
        if self.variables.set(scope_key, name, value):
            self.record(
                ValueType.VARIABLE,
                Intent.UPDATED if existed else Intent.CREATED,
                self.variables.keys.setdefault((scope_key, name), self.next_key()),
                None,
                {"name": name, "value": value, "scopeKey": scope_key},
            )

    def propagate_variables(self, start_scope_key: int, values: dict[str, Any]) -> None:
        """Zeebe's merge: each variable updates the nearest scope (from ``start_scope_key`` up) that
        has it, and is created on the root scope when none does."""
        chain = self.scope_chain(start_scope_key)
        for name, value in values.items():
            target = next((s for s in chain if name in self.variables.local(s)), chain[-1])
            self.set_variable(target, name, value)

    # ----------------------------------------------------------------------------- flush

    def flush(self) -> None:
        definition = self.definition
        for instance in self.elements.values():
            if instance.is_new:
                self.writes.insert(
                    "element_instance",
                    (
                        instance.key,
                        self.instance.key,
                        definition.key,
                        definition.bpmn_process_id,
                        instance.element.id,
                        instance.element.type.value,
                        instance.flow_scope_key,
                        instance.state,
                        instance.start_date,
                        instance.end_date,
                        instance.joins,
                        self.instance.tenant_id,
                    ),
                )
            elif instance.is_dirty:
                self.writes.update(
                    "UPDATE engine.element_instance SET state = %s, end_date = %s, joins = %s WHERE key = %s",
                    (instance.state, instance.end_date, _jsonb(instance.joins), instance.key),
                )
        for (scope_key, name), is_new in self.variables.changed.items():
            value = self.variables.by_scope[scope_key][name]
            key = self.variables.keys[(scope_key, name)]
            if is_new:
                self.writes.insert(
                    "variable", (key, self.instance.key, scope_key, name, value, self.instance.tenant_id)
                )
            else:
                self.writes.update("UPDATE engine.variable SET value = %s WHERE key = %s", (_jsonb(value), key))
        pi = self.instance
        if pi.is_new:
            self.writes.insert(
                "process_instance",
                (
                    pi.key,
                    definition.key,
                    definition.bpmn_process_id,
                    definition.version,
                    pi.state,
                    pi.tenant_id,
                    pi.start_date,
                    pi.parent_process_instance_key,
                    pi.parent_element_instance_key,
                ),
            )
        elif pi.is_dirty:
            self.writes.update(
                "UPDATE engine.process_instance SET state = %s, end_date = %s WHERE key = %s",
                (pi.state, pi.end_date, pi.key),
            )
        self.writes.flush(self.conn)


def _jsonb(value: Any) -> Any:
    return None if value is None else Jsonb(value)
