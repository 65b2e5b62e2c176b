"""Context builtins. Contexts are dicts; every function returns a new dict and never mutates its input."""

from __future__ import annotations

from typing import Any

from oms.engine.feel.builtins.common import items
from oms.engine.feel.builtins.registry import builtin


def _keys(key: Any) -> list[str] | None:
    """A key or a non-empty list of keys (a path into nested contexts)."""
    if isinstance(key, str):
        return [key]
    if isinstance(key, list) and key and all(isinstance(k, str) for k in key):
        return key
    return None


@builtin("get value", "context", "key")
@builtin("get value", "m", "key")
def get_value(context: Any, key: Any) -> Any:
    path = _keys(key)
    if path is None:
        return None
    value = context
    for name in path:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value


@builtin("get entries", "context")
@builtin("get entries", "m")
def get_entries(context: Any) -> Any:
    if not isinstance(context, dict):
        return None
    return [{"key": key, "value": value} for key, value in context.items()]


def _put(context: dict[str, Any], path: list[str], value: Any) -> dict[str, Any] | None:
    head, rest = path[0], path[1:]
    if not rest:
        return {**context, head: value}
    inner = context.get(head)
    if inner is None:
        inner = {}  # a missing intermediate context is created
    if not isinstance(inner, dict):
        return None
    nested = _put(inner, rest, value)
    return None if nested is None else {**context, head: nested}


@builtin("context put", "context", "key", "value")
@builtin("context put", "context", "keys", "value")
def context_put(context: Any, key: Any, value: Any) -> Any:
    path = _keys(key)
    if not isinstance(context, dict) or path is None:
        return None
    return _put(context, path, value)


@builtin("context merge", "contexts", varargs=True)
def context_merge(*args: Any) -> Any:
    contexts = items(args)
    if contexts is None or not all(isinstance(c, dict) for c in contexts):
        return None
    merged: dict[str, Any] = {}
    for context in contexts:
        merged.update(context)
    return merged


@builtin("context", "entries")
def context(entries: Any) -> Any:
    if not isinstance(entries, list):
        return None
    result: dict[str, Any] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str) or "value" not in entry:
            return None
        result[entry["key"]] = entry["value"]
    return result
