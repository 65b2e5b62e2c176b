"""Compilation of the basic expressions: literals, names, paths, filters, operators and calls.

Each ``compile_*`` function runs once per expression and returns a closure; all decisions that do not
depend on the variables (which builtin, which operator, whether a filter is an index) are taken here,
so that the closures do as little as possible on the engine's hot path.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from decimal import Decimal, DecimalException
from typing import Any

from oms.engine.feel import ast
from oms.engine.feel.builtins import Builtin, resolve, resolve_named
from oms.engine.feel.errors import FeelEvaluationError
from oms.engine.feel.operators import ARITHMETIC, apply_comparison, negate
from oms.engine.feel.scope import MISSING, Env, Evaluator, compile_node, compiles, convert_input
from oms.engine.feel.temporal import temporal_property
from oms.engine.feel.values import FeelFunction, Range

_PY_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
# For two values of one of these exact types Python's operator is FEEL's operator.
_FAST_COMPARABLE = frozenset({Decimal, str})
_FAST_SCALARS = frozenset({Decimal, str, bool})


@compiles(ast.Literal)
def compile_literal(node: ast.Literal) -> Evaluator:
    value = node.value
    return lambda env: value


@compiles(ast.Name)
def compile_name(node: ast.Name) -> Evaluator:
    name = node.name

    def evaluate(env: Env) -> Any:
        value = env.local.get(name, MISSING)
        if value is MISSING:
            # Inlined fast path of Env.root_value for strings, booleans and null.
            value = env.root.get(name)
            if value is None or value.__class__ in _FAST_SCALARS:
                return value
            return env.root_value(name)
        return value

    return evaluate


# --- paths and filters ----------------------------------------------------------------------------------

_RANGE_PROPERTIES = {
    "start": "start",
    "end": "end",
    "start included": "start_included",
    "end included": "end_included",
}


def member(value: Any, key: str) -> Any:
    """``value.key``: a context entry, mapped over a list, or a property of a temporal value or range."""
    if value.__class__ is dict:
        return value.get(key)  # the common case, ahead of the slower ABC check below
    if isinstance(value, Mapping):
        return value.get(key)
    if isinstance(value, list | tuple):
        return [member(item, key) for item in value]
    if value is None:
        return None
    if isinstance(value, Range):
        attribute = _RANGE_PROPERTIES.get(key)
        return getattr(value, attribute) if attribute else None
    return temporal_property(value, key)


@compiles(ast.Path)
def compile_path(node: ast.Path) -> Evaluator:
    keys: list[str] = []
    base: ast.Node = node
    while isinstance(base, ast.Path):
        keys.append(base.key)
        base = base.base
    keys.reverse()
    if not isinstance(base, ast.Name):
        base_evaluator = compile_node(base)

        def evaluate_path(env: Env) -> Any:
            value = base_evaluator(env)
            for key in keys:
                value = member(value, key)
            return value

        return evaluate_path

    name = base.name

    def evaluate_variable_path(env: Env) -> Any:
        value = env.local.get(name, MISSING)
        if value is not MISSING:
            for key in keys:
                value = member(value, key)
            return value
        # Walk the caller's raw data and convert only what the path selects: reading order.total must
        # not convert the whole order.
        value = env.converted.get(name, MISSING)
        if value is MISSING:
            value = env.root.get(name)
        for key in keys:
            value = member(value, key)
        if value is None or value.__class__ in _FAST_SCALARS:
            return value
        return Decimal(value) if value.__class__ is int else convert_input(value, name)

    return evaluate_variable_path


def _index(items: list[Any], index: Any) -> Any:
    if index != index.to_integral_value():
        return None
    position = int(index)
    if 0 < position <= len(items):
        return items[position - 1]
    if 0 < -position <= len(items):
        return items[position]
    return None


def _as_list(value: Any) -> list[Any]:
    # FEEL treats a single value as a list of one element where a list is expected.
    return value if isinstance(value, list) else [value]


@compiles(ast.Filter)
def compile_filter(node: ast.Filter) -> Evaluator:
    base = compile_node(node.base)
    condition = compile_node(node.condition)
    constant = node.condition.value if isinstance(node.condition, ast.Literal) else None
    if isinstance(constant, Decimal):

        def evaluate_constant_index(env: Env) -> Any:
            value = base(env)
            return None if value is None else _index(_as_list(value), constant)

        return evaluate_constant_index

    def select(env: Env, items: list[Any]) -> list[Any]:
        selected = []
        for item in items:
            if isinstance(item, dict):
                scope = env.with_local({**env.local, "item": item, **item})
            else:
                scope = env.child({"item": item})
            if condition(scope) is True:
                selected.append(item)
        return selected

    # Like FEEL-scala: a comparison, logic or call is a per-item condition; anything else is first
    # evaluated outside the items, and when that gives a number it is an index (xs[i]).
    per_item = isinstance(
        node.condition, ast.Comparison | ast.And | ast.Or | ast.Call | ast.In | ast.Between | ast.Quantified
    )

    def evaluate_filter(env: Env) -> Any:
        value = base(env)
        if value is None:
            return None
        items = _as_list(value)
        if not per_item:
            index = condition(env)
            if isinstance(index, Decimal):
                return _index(items, index)
        return select(env, items)

    return evaluate_filter


# --- operators ------------------------------------------------------------------------------------------


@compiles(ast.Negation)
def compile_negation(node: ast.Negation) -> Evaluator:
    operand = compile_node(node.operand)
    return lambda env: negate(operand(env))


@compiles(ast.Arithmetic)
def compile_arithmetic(node: ast.Arithmetic) -> Evaluator:
    left = compile_node(node.left)
    right = compile_node(node.right)
    operation = ARITHMETIC[node.op]
    return lambda env: operation(left(env), right(env))


@compiles(ast.Comparison)
def compile_comparison(node: ast.Comparison) -> Evaluator:
    left = compile_node(node.left)
    right = compile_node(node.right)
    op = node.op
    fast = _PY_COMPARISONS[op]
    constant = node.right.value if isinstance(node.right, ast.Literal) else None
    if constant is not None and constant.__class__ in _FAST_COMPARABLE:
        kind = constant.__class__

        # The common "x > 10" / "status = \"done\"": no call for the constant side.
        def evaluate_with_constant(env: Env) -> Any:
            a = left(env)
            return fast(a, constant) if a.__class__ is kind else apply_comparison(op, a, constant)

        return evaluate_with_constant

    def evaluate(env: Env) -> Any:
        a = left(env)
        b = right(env)
        if a.__class__ is b.__class__ and a.__class__ in _FAST_COMPARABLE:
            return fast(a, b)
        return apply_comparison(op, a, b)

    return evaluate


@compiles(ast.And)
def compile_and(node: ast.And) -> Evaluator:
    left = compile_node(node.left)
    right = compile_node(node.right)

    def evaluate(env: Env) -> Any:
        a = left(env)
        if a is False:
            return False
        b = right(env)
        if b is False:
            return False
        return True if a is True and b is True else None

    return evaluate


@compiles(ast.Or)
def compile_or(node: ast.Or) -> Evaluator:
    left = compile_node(node.left)
    right = compile_node(node.right)

    def evaluate(env: Env) -> Any:
        a = left(env)
        if a is True:
            return True
        b = right(env)
        if b is True:
            return True
        return False if a is False and b is False else None

    return evaluate


# --- function calls -------------------------------------------------------------------------------------


def no_function(name: str, count: int | None = None, names: tuple[str, ...] = ()) -> FeelEvaluationError:
    if count is not None:
        return FeelEvaluationError(f"no function found with name '{name}' and {count} parameters")
    return FeelEvaluationError(f"no function found with name '{name}' and parameters: {', '.join(names)}")


def invoke_builtin(function: Builtin, args: list[Any], env: Env) -> Any:
    try:
        if function.needs_now:
            return function.impl(env.now(), *args)
        return function.impl(*args)
    except (DecimalException, OverflowError):
        return None  # a result out of the decimal or calendar range has no value


def invoke_value(function: Any, name: str, args: list[Any], names: tuple[str, ...] | None) -> Any:
    """Call a function value (a user-defined function) with positional or named arguments."""
    if not isinstance(function, FeelFunction):
        raise no_function(name, len(args)) if names is None else no_function(name, None, names)
    if names is not None:
        if set(names) != set(function.params) or len(names) != len(args):
            raise no_function(name, None, names)
        by_name = dict(zip(names, args, strict=True))
        args = [by_name[param] for param in function.params]
    if len(args) != len(function.params):
        raise no_function(name, len(args))
    return function.invoke(*args)


def _place_named(positions: list[int], values: list[Any]) -> list[Any]:
    # Skipped optional parameters in the middle receive None, trailing ones are left out.
    args: list[Any] = [None] * (max(positions) + 1 if positions else 0)
    for position, value in zip(positions, values, strict=True):
        args[position] = value
    return args


@compiles(ast.Call)
def compile_call(node: ast.Call) -> Evaluator:
    named = node.named
    names = tuple(n for n, _ in named) if named is not None else None
    args = [compile_node(a) for a in (node.args if named is None else [v for _, v in named])]
    if not isinstance(node.callee, ast.Name):
        callee = compile_node(node.callee)
        label = "anonymous"
        return lambda env: invoke_value(callee(env), label, [a(env) for a in args], names)

    name = node.callee.name
    builtin: Builtin | None = None
    positions: list[int] | None = None
    if names is None:
        builtin = resolve(name, len(args))
    else:
        found = resolve_named(name, names)
        if found is not None:
            builtin, positions = found

    def evaluate(env: Env) -> Any:
        # A function bound in the expression (a context entry, a parameter) shadows a builtin.
        local = env.local.get(name)
        values = [a(env) for a in args]
        if isinstance(local, FeelFunction) or builtin is None:
            return invoke_value(local, name, values, names)
        if positions is not None:
            values = _place_named(positions, values)
        return invoke_builtin(builtin, values, env)

    return evaluate
