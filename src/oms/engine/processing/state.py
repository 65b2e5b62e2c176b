"""The in-memory view of one process instance during one command.

A command locks the process instance row, loads its live element instances and variables here,
lets the element behaviours change them, and flushes every change (and its records) in one go at
the end. Nothing is written to the database in between, so a failed command leaves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from oms.engine.bpmn.model import Element
from oms.engine.state.definitions import ProcessDefinition

# Element instance states, as Zeebe's element life cycle names them.
ACTIVATING = "ACTIVATING"
ACTIVATED = "ACTIVATED"
COMPLETING = "COMPLETING"
COMPLETED = "COMPLETED"
TERMINATING = "TERMINATING"
TERMINATED = "TERMINATED"
FINAL_STATES = frozenset({COMPLETED, TERMINATED})


@dataclass(eq=False)
class ElementInstance:
    key: int
    element: Element
    flow_scope_key: int | None
    state: str
    start_date: datetime
    end_date: datetime | None = None
    #: Containers: sequence flows taken into joining gateways, not yet consumed {gateway: {flow: n}}.
    joins: dict[str, dict[str, int]] | None = None
    is_new: bool = False
    is_dirty: bool = False

    @property
    def is_live(self) -> bool:
        return self.state not in FINAL_STATES

    @property
    def can_be_triggered(self) -> bool:
        """Events reach only an ACTIVATED element (like Zeebe): not one still activating, nor one
        stuck in COMPLETING on an output-mapping incident."""
        return self.state == ACTIVATED


@dataclass
class ProcessInstanceRow:
    key: int
    definition: ProcessDefinition
    state: str
    tenant_id: str
    start_date: datetime
    end_date: datetime | None = None
    parent_process_instance_key: int | None = None
    parent_element_instance_key: int | None = None
    is_new: bool = False
    is_dirty: bool = False


@dataclass
class Variables:
    """Variables of one process instance by scope (element instance key), as JSON values."""

    by_scope: dict[int, dict[str, Any]] = field(default_factory=dict)
    keys: dict[tuple[int, str], int] = field(default_factory=dict)
    #: (scope, name) -> True when the variable is new in this command, False when updated.
    changed: dict[tuple[int, str], bool] = field(default_factory=dict)

    def local(self, scope_key: int) -> dict[str, Any]:
        return self.by_scope.get(scope_key, {})

    def visible(self, scope_chain: list[int]) -> dict[str, Any]:
        """Everything a scope sees: its own variables shadow those of the scopes around it."""
        merged: dict[str, Any] = {}
        for scope in reversed(scope_chain):
            merged.update(self.by_scope.get(scope, {}))
        return merged

    def set(self, scope_key: int, name: str, value: Any) -> bool:
        """Set a variable on a scope; returns False when the value was already that."""
        scope = self.by_scope.setdefault(scope_key, {})
        exists = name in scope
        if exists and scope[name] == value and type(scope[name]) is type(value):
            return False
        scope[name] = value
        ident = (scope_key, name)
        if ident not in self.changed:
            self.changed[ident] = not exists
        return True

    def drop_scope(self, scope_key: int) -> None:
        """Forget a finished scope's variables in memory (they stay in the table as history)."""
        self.by_scope.pop(scope_key, None)
