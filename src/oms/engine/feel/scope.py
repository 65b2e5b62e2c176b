"""The evaluation environment compiled closures receive, and the table that compiles nodes into them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from oms.engine.feel import ast
from oms.engine.feel.errors import FeelEvaluationError
from oms.engine.feel.values import from_json

MISSING: Any = object()

_SCALARS = frozenset({str, bool, Decimal})


class Env:
    """Names visible to an evaluation: local bindings over the caller's variables, plus the clock.

    ``local`` holds FEEL values bound by the expression itself (iteration variables, filter items,
    context entries, function parameters); it is never mutated, a child scope copies it. ``root`` is the
    caller's mapping, converted to FEEL values lazily and only for the names the expression reads.
    """

    __slots__ = ("_now", "converted", "local", "root")

    def __init__(
        self,
        local: dict[str, Any],
        root: Mapping[str, Any],
        now: datetime | None,
        converted: dict[str, Any],
    ) -> None:
        self.local = local
        self.root = root
        self._now = now
        self.converted = converted

    def child(self, bindings: dict[str, Any]) -> Env:
        return Env({**self.local, **bindings}, self.root, self._now, self.converted)

    def with_local(self, local: dict[str, Any]) -> Env:
        return Env(local, self.root, self._now, self.converted)

    def root_value(self, name: str) -> Any:
        raw = self.root.get(name)
        if raw is None or raw.__class__ in _SCALARS:
            return raw
        if raw.__class__ is int:
            return Decimal(raw)
        # Lists and contexts are converted once per evaluation, however often the expression reads them.
        value = self.converted.get(name, MISSING)
        if value is MISSING:
            value = convert_input(raw, name)
            self.converted[name] = value
        return value

    def now(self) -> datetime:
        if self._now is None:
            self._now = datetime.now(UTC)
        return self._now


def convert_input(raw: Any, name: str) -> Any:
    try:
        return from_json(raw)
    except TypeError as exc:
        raise FeelEvaluationError(f"variable '{name}' has no FEEL equivalent: {exc}") from exc


Evaluator = Callable[[Env], Any]

_N = TypeVar("_N", bound=ast.Node)
_COMPILERS: dict[type[ast.Node], Callable[[Any], Evaluator]] = {}


def compiles(node_type: type[_N]) -> Callable[[Callable[[_N], Evaluator]], Callable[[_N], Evaluator]]:
    """Register the function that compiles nodes of ``node_type``."""

    def register(function: Callable[[_N], Evaluator]) -> Callable[[_N], Evaluator]:
        _COMPILERS[node_type] = function
        return function

    return register


def compile_node(node: ast.Node) -> Evaluator:
    """Turn a syntax tree into one Python closure taking an :class:`Env`."""
    return _COMPILERS[type(node)](node)


def free_names(node: ast.Node) -> set[str]:
    """Every name the subtree reads (a superset of what it needs: shadowing is ignored)."""
    found: set[str] = set()
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Name):
            found.add(item.name)
        elif isinstance(item, ast.Node):
            fields: tuple[str, ...] = item.__slots__
            stack.extend(getattr(item, field) for field in fields)
        elif isinstance(item, tuple):
            stack.extend(item)
    return found
