"""What a command loads of an instance: every live element instance, or only the scope chain of the
element instance it is about (the rest on demand).

A command on one element (a job completing, a timer firing, a called instance ending) needs that
element and the scopes around it (variables are read and written there), not its siblings: loading
only the chain keeps a completion inside a multi-instance of 500 items from reading 500 element
instances and their variables. Whatever needs the children of a scope (terminating it, checking
whether it still has a token, an inclusive join) loads them then (``load_children``).
"""

from __future__ import annotations

from typing import Any

import psycopg

from oms.engine.bpmn.model import Element, Process
from oms.engine.processing.state import ElementInstance, Variables

_LIVE = "state NOT IN ('COMPLETED', 'TERMINATED')"
_ELEMENT_COLUMNS = "key, element_id, flow_scope_key, state, start_date, joins, element_type"
_PREFIXED_COLUMNS = ", ".join(f"e.{column}" for column in _ELEMENT_COLUMNS.split(", "))


def element_sql(instance_ref: str, focus_ref: str | None) -> str:
    """The live element instances of the instance ``instance_ref``, or (``focus_ref``) the live ones
    of the scope chain of that element instance, innermost first."""
    if focus_ref is None:
        return f"SELECT {_ELEMENT_COLUMNS} FROM engine.element_instance WHERE process_instance_key = {instance_ref}" + (
            f" AND {_LIVE}"
        )
    return f"{_chain(focus_ref)} SELECT {_ELEMENT_COLUMNS} FROM chain WHERE {_LIVE}"


def variable_sql(instance_ref: str, focus_ref: str | None) -> str:
    """The variables of the element instances ``element_sql`` loads."""
    if focus_ref is None:
        return (
            "SELECT v.scope_key, v.name, v.value, v.key FROM engine.variable v"
            " JOIN engine.element_instance e ON e.key = v.scope_key"
            f" WHERE v.process_instance_key = {instance_ref} AND e.{_LIVE}"
        )
    return (
        f"{_chain(focus_ref)} SELECT v.scope_key, v.name, v.value, v.key FROM engine.variable v"
        f" JOIN chain c ON c.key = v.scope_key WHERE c.{_LIVE}"
    )


def _chain(focus_ref: str) -> str:
    return (
        f"WITH RECURSIVE chain AS (SELECT {_ELEMENT_COLUMNS} FROM engine.element_instance WHERE key = {focus_ref}"
        f" UNION ALL SELECT {_PREFIXED_COLUMNS} FROM engine.element_instance e"
        " JOIN chain ON e.key = chain.flow_scope_key)"
    )


def element_of(process: Process, element_id: str, element_type: str) -> Element:
    """The element of a stored instance: a multi-instance activity's id names its body, whose
    instances run the inner activity."""
    element = process.element(element_id)
    if element.inner is not None and element_type != element.type.value:
        return element.inner
    return element


def element_instances(process: Process, rows: list[tuple[Any, ...]]) -> dict[int, ElementInstance]:
    return {
        int(key): ElementInstance(
            key=int(key),
            element=element_of(process, element_id, element_type),
            flow_scope_key=scope,
            state=state,
            start_date=start,
            joins=joins,
        )
        for key, element_id, scope, state, start, joins, element_type in rows
    }


def add_variables(variables: Variables, rows: list[tuple[Any, ...]], only_scopes: set[int] | None = None) -> None:
    for scope_key, name, value, key in rows:
        if only_scopes is not None and int(scope_key) not in only_scopes:
            continue
        variables.by_scope.setdefault(int(scope_key), {})[name] = value
        variables.keys[(int(scope_key), name)] = int(key)


def fetch_children(
    conn: psycopg.Connection[Any], scope_key: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The live element instances directly in ``scope_key`` and their variables, in one round trip."""
    with conn.pipeline():
        elements = conn.execute(
            f"SELECT {_ELEMENT_COLUMNS} FROM engine.element_instance WHERE flow_scope_key = %s AND {_LIVE}",
            (scope_key,),
        )
        variables = conn.execute(
            "SELECT v.scope_key, v.name, v.value, v.key FROM engine.variable v"
            f" JOIN engine.element_instance e ON e.key = v.scope_key WHERE e.flow_scope_key = %s AND e.{_LIVE}",
            (scope_key,),
        )
    return elements.fetchall(), variables.fetchall()


def has_other_live_child(conn: psycopg.Connection[Any], scope_key: int, known: list[int]) -> bool:
    """Whether a live element instance is stored in ``scope_key`` besides the ``known`` ones (whose
    state the command has in memory, possibly changed)."""
    row = conn.execute(
        f"SELECT 1 FROM engine.element_instance WHERE flow_scope_key = %s AND {_LIVE} AND NOT (key = ANY(%s)) LIMIT 1",
        (scope_key, known),
    ).fetchone()
    return row is not None
