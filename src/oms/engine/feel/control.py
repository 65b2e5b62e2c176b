"""Compilation of the structured expressions: lists, contexts, ranges, if, for, some/every, in, between,
function definitions and ``instance of``."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from oms.engine.feel import ast
from oms.engine.feel.errors import FeelEvaluationError
from oms.engine.feel.operators import apply_comparison, equals, in_range
from oms.engine.feel.scope import Env, Evaluator, compile_node, compiles, free_names
from oms.engine.feel.values import FeelFunction, Range, type_name

UnaryTestEvaluator = Callable[[Env, Any], bool | None]


@compiles(ast.ListLiteral)
def compile_list(node: ast.ListLiteral) -> Evaluator:
    items = [compile_node(item) for item in node.items]
    return lambda env: [item(env) for item in items]


@compiles(ast.ContextLiteral)
def compile_context(node: ast.ContextLiteral) -> Evaluator:
    entries = [(key, compile_node(value)) for key, value in node.entries]
    keys = {key for key, _ in node.entries}
    # Later entries may read earlier ones ({a: 1, b: a + 1}); only then is a growing scope needed.
    sequential = any(free_names(value) & keys for _, value in node.entries)

    def evaluate(env: Env) -> Any:
        result: dict[str, Any] = {}
        scope = env
        for key, value in entries:
            result[key] = value(scope)
            if sequential:
                scope = env.child(result)
        return result

    return evaluate


@compiles(ast.RangeLiteral)
def compile_range(node: ast.RangeLiteral) -> Evaluator:
    start = compile_node(node.start)
    end = compile_node(node.end)
    start_included, end_included = node.start_included, node.end_included
    return lambda env: Range(start(env), end(env), start_included, end_included)


@compiles(ast.If)
def compile_if(node: ast.If) -> Evaluator:
    condition = compile_node(node.condition)
    then = compile_node(node.then)
    otherwise = compile_node(node.otherwise)
    # Only true selects the then-branch; false, null and non-booleans select the else-branch.
    return lambda env: then(env) if condition(env) is True else otherwise(env)


def _both(first: bool | None, second: bool | None) -> bool | None:
    if first is False or second is False:
        return False
    return True if first is True and second is True else None


@compiles(ast.Between)
def compile_between(node: ast.Between) -> Evaluator:
    value = compile_node(node.value)
    low = compile_node(node.low)
    high = compile_node(node.high)

    def evaluate(env: Env) -> Any:
        x = value(env)
        return _both(apply_comparison("<=", low(env), x), apply_comparison("<=", x, high(env)))

    return evaluate


# --- "x in ..." -----------------------------------------------------------------------------------------


def _matches(value: Any, candidate: Any) -> bool | None:
    """One positive unary test given by a value: a range contains it, a list holds it, or it is equal."""
    if isinstance(candidate, Range):
        return in_range(value, candidate)
    if isinstance(candidate, list):
        return _any(_matches(value, item) if isinstance(item, Range) else equals(value, item) for item in candidate)
    return equals(value, candidate)


def _any(results: Any) -> bool | None:
    unknown = False
    for result in results:
        if result is True:
            return True
        if result is None:
            unknown = True
    return None if unknown else False


def _compile_test(test: ast.UnaryTest) -> UnaryTestEvaluator:
    operand = compile_node(test.operand)
    op = test.op
    if op is None:
        return lambda env, value: _matches(value, operand(env))
    return lambda env, value: apply_comparison(op, value, operand(env))


@compiles(ast.In)
def compile_in(node: ast.In) -> Evaluator:
    value = compile_node(node.value)
    tests = [_compile_test(test) for test in node.tests]
    if len(tests) == 1:
        only = tests[0]
        return lambda env: only(env, value(env))

    def evaluate(env: Env) -> Any:
        x = value(env)
        return _any(test(env, x) for test in tests)

    return evaluate


@compiles(ast.InstanceOf)
def compile_instance_of(node: ast.InstanceOf) -> Evaluator:
    value = compile_node(node.value)
    expected = node.type_name
    if expected == "Any":
        return lambda env: value(env) is not None
    return lambda env: type_name(value(env)) == expected


# --- iteration: for, some, every ------------------------------------------------------------------------


def _integers(start: Any, end: Any) -> list[Any] | None:
    if not (isinstance(start, Decimal) and isinstance(end, Decimal)):
        return None
    if start != start.to_integral_value() or end != end.to_integral_value():
        return None
    first, last = int(start), int(end)
    step = 1 if last >= first else -1
    return [Decimal(i) for i in range(first, last + step, step)]


def _domain_values(domain: Any) -> list[Any] | None:
    if isinstance(domain, list):
        return domain
    if isinstance(domain, Range):
        values = _integers(domain.start, domain.end)
        if values is None:
            return None
        if values and not domain.start_included:
            values = values[1:]
        if values and not domain.end_included:
            values = values[:-1]
        return values
    return None


_Iteration = tuple[str, Evaluator, Evaluator | None]


def _compile_iterations(iterations: tuple[ast.Iteration, ...]) -> list[_Iteration]:
    return [
        (it.name, compile_node(it.domain), compile_node(it.end) if it.end is not None else None) for it in iterations
    ]


def _scopes(env: Env, iterations: list[_Iteration]) -> list[Env] | None:
    """One scope per combination of iteration values (later domains may read earlier variables)."""
    scopes = [env]
    for name, domain, end in iterations:
        expanded: list[Env] = []
        for scope in scopes:
            values = _integers(domain(scope), end(scope)) if end is not None else _domain_values(domain(scope))
            if values is None:
                return None  # iterating over something that is not a list or an integer range
            expanded.extend(scope.child({name: value}) for value in values)
        scopes = expanded
    return scopes


@compiles(ast.For)
def compile_for(node: ast.For) -> Evaluator:
    iterations = _compile_iterations(node.iterations)
    body = compile_node(node.body)
    # "partial" (the results so far) is bound only when the body mentions it: it costs a scope per item.
    uses_partial = "partial" in free_names(node.body)

    def evaluate(env: Env) -> Any:
        scopes = _scopes(env, iterations)
        if scopes is None:
            return None
        results: list[Any] = []
        for scope in scopes:
            results.append(body(scope.child({"partial": list(results)}) if uses_partial else scope))
        return results

    return evaluate


@compiles(ast.Quantified)
def compile_quantified(node: ast.Quantified) -> Evaluator:
    iterations = _compile_iterations(node.iterations)
    condition = compile_node(node.condition)
    every = node.every

    def evaluate(env: Env) -> Any:
        scopes = _scopes(env, iterations)
        if scopes is None:
            return None
        for scope in scopes:
            satisfied = condition(scope) is True
            if satisfied is not every:
                return not every
        return every

    return evaluate


@compiles(ast.FunctionDefinition)
def compile_function(node: ast.FunctionDefinition) -> Evaluator:
    params = node.params
    body = compile_node(node.body)

    def evaluate(env: Env) -> Any:
        def invoke(*args: Any) -> Any:
            if len(args) != len(params):
                raise FeelEvaluationError(f"no function found with name 'anonymous' and {len(args)} parameters")
            return body(env.child(dict(zip(params, args, strict=True))))

        return FeelFunction("anonymous", params, invoke)

    return evaluate
