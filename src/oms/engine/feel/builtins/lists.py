"""List builtins. Membership uses FEEL equality, so ``list contains([1], true)`` is false."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import cmp_to_key
from typing import Any

from oms.engine.feel.builtins.common import integer, items, list_index, numbers, position
from oms.engine.feel.builtins.registry import builtin
from oms.engine.feel.operators import compare, equals
from oms.engine.feel.values import DECIMAL_CONTEXT as CTX
from oms.engine.feel.values import FeelFunction


@builtin("list contains", "list", "element")
def list_contains(values: Any, element: Any) -> Any:
    return position(values, element) >= 0 if isinstance(values, list) else None


@builtin("count", "list")
def count(values: Any) -> Any:
    return Decimal(len(values)) if isinstance(values, list) else None


def _extreme(values: list[Any] | None, sign: int) -> Any:
    if not values:
        return None
    best = values[0]
    for value in values[1:]:
        order = compare(value, best)
        if order is None:
            return None  # mixed or unordered types have no minimum
        if order == sign:
            best = value
    return best if compare(best, best) is not None else None


@builtin("min", "list", varargs=True)
def minimum(*args: Any) -> Any:
    return _extreme(items(args), -1)


@builtin("max", "list", varargs=True)
def maximum(*args: Any) -> Any:
    return _extreme(items(args), 1)


@builtin("sum", "list", varargs=True)
def total(*args: Any) -> Any:
    values = numbers(items(args))
    if not values:
        return None
    result = values[0]
    for value in values[1:]:
        result = CTX.add(result, value)
    return result


@builtin("product", "list", varargs=True)
def product(*args: Any) -> Any:
    values = numbers(items(args))
    if not values:
        return None
    result = values[0]
    for value in values[1:]:
        result = CTX.multiply(result, value)
    return result


@builtin("mean", "list", varargs=True)
def mean(*args: Any) -> Any:
    values = numbers(items(args))
    if not values:
        return None
    return CTX.divide(total(values), len(values))


@builtin("median", "list", varargs=True)
def median(*args: Any) -> Any:
    values = numbers(items(args))
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return CTX.divide(CTX.add(ordered[middle - 1], ordered[middle]), 2)


@builtin("stddev", "list", varargs=True)
def stddev(*args: Any) -> Any:
    values = numbers(items(args))
    if not values or len(values) < 2:
        return None
    average = CTX.divide(total(values), len(values))
    squares = total([CTX.power(CTX.subtract(v, average), 2) for v in values])
    return CTX.sqrt(CTX.divide(squares, len(values) - 1))  # sample standard deviation


@builtin("mode", "list", varargs=True)
def mode(*args: Any) -> Any:
    values = numbers(items(args))
    if values is None:
        return None
    counts: dict[Decimal, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    top = max(counts.values(), default=0)
    return sorted(value for value, seen in counts.items() if seen == top)


def _all(values: list[Any] | None) -> Any:
    if values is None:
        return None
    if any(value is False for value in values):
        return False
    return True if all(value is True for value in values) else None


@builtin("all", "list", varargs=True)
def all_true(*args: Any) -> Any:
    return _all(items(args))


@builtin("any", "list", varargs=True)
def any_true(*args: Any) -> Any:
    values = items(args)
    if values is None:
        return None
    if any(value is True for value in values):
        return True
    return False if all(value is False for value in values) else None


@builtin("sublist", "list", "start position", "length?")
def sublist(values: Any, start: Any, length: Any = None) -> Any:
    if not isinstance(values, list):
        return None
    index = list_index(values, start)
    if index is None:
        return None
    if length is None:
        return values[index:]
    size = integer(length)
    return None if size is None or size < 0 else values[index : index + size]


@builtin("append", "list", "items?", varargs=True)
def append(values: Any, *new: Any) -> Any:
    return [*values, *new] if isinstance(values, list) else None


def _joined(args: tuple[Any, ...]) -> list[Any] | None:
    result: list[Any] = []
    for arg in args:
        if isinstance(arg, list):
            result.extend(arg)
        else:
            result.append(arg)  # FEEL-scala accepts single values as one-element lists
    return result


@builtin("concatenate", "lists?", varargs=True)
def concatenate(*args: Any) -> Any:
    return _joined(args)


@builtin("union", "lists?", varargs=True)
def union(*args: Any) -> Any:
    return distinct_values(_joined(args))


@builtin("insert before", "list", "position", "newItem")
def insert_before(values: Any, where: Any, new: Any) -> Any:
    if not isinstance(values, list):
        return None
    index = list_index(values, where)
    return None if index is None else [*values[:index], new, *values[index:]]


@builtin("remove", "list", "position")
def remove(values: Any, where: Any) -> Any:
    if not isinstance(values, list):
        return None
    index = list_index(values, where)
    return None if index is None else [*values[:index], *values[index + 1 :]]


@builtin("reverse", "list")
def reverse(values: Any) -> Any:
    return list(reversed(values)) if isinstance(values, list) else None


@builtin("index of", "list", "match")
def index_of(values: Any, match: Any) -> Any:
    if not isinstance(values, list):
        return None
    return [Decimal(i + 1) for i, value in enumerate(values) if equals(value, match) is True]


@builtin("distinct values", "list")
def distinct_values(values: Any) -> Any:
    if not isinstance(values, list):
        return None
    result: list[Any] = []
    for value in values:
        if position(result, value) < 0:
            result.append(value)
    return result


@builtin("duplicate values", "list")
def duplicate_values(values: Any) -> Any:
    if not isinstance(values, list):
        return None
    result: list[Any] = []
    for index, value in enumerate(values):
        if position(values[index + 1 :], value) >= 0 and position(result, value) < 0:
            result.append(value)
    return result


def _flatten(values: list[Any]) -> list[Any]:
    result: list[Any] = []
    for value in values:
        if isinstance(value, list):
            result.extend(_flatten(value))
        else:
            result.append(value)
    return result


@builtin("flatten", "list")
def flatten(values: Any) -> Any:
    return _flatten(values) if isinstance(values, list) else None


def _precedes_order(precedes: FeelFunction) -> Callable[[Any, Any], int]:
    def order(a: Any, b: Any) -> int:
        if precedes.invoke(a, b) is True:
            return -1
        return 1 if precedes.invoke(b, a) is True else 0

    return order


def _natural_order(a: Any, b: Any) -> int:
    result = compare(a, b)
    if result is None:
        raise _Unsortable
    return result


class _Unsortable(Exception):
    """Two elements have no order; sort() then returns null."""


@builtin("sort", "list", "precedes?")
def sort(values: Any, precedes: Any = None) -> Any:
    if not isinstance(values, list):
        return None
    if precedes is None:
        try:
            return sorted(values, key=cmp_to_key(_natural_order))
        except _Unsortable:
            return None
    if not isinstance(precedes, FeelFunction) or len(precedes.params) != 2:
        return None
    return sorted(values, key=cmp_to_key(_precedes_order(precedes)))


@builtin("string join", "list", "delimiter?", "prefix?", "suffix?")
def string_join(values: Any, delimiter: Any = None, prefix: Any = None, suffix: Any = None) -> Any:
    if not isinstance(values, list) or any(v is not None and not isinstance(v, str) for v in values):
        return None
    if any(part is not None and not isinstance(part, str) for part in (delimiter, prefix, suffix)):
        return None
    joined = (delimiter or "").join(v for v in values if v is not None)
    return f"{prefix or ''}{joined}{suffix or ''}"


@builtin("is empty", "list")
def is_empty(values: Any) -> Any:
    return len(values) == 0 if isinstance(values, list) else None


@builtin("partition", "list", "size")
def partition(values: Any, size: Any) -> Any:
    step = integer(size)
    if not isinstance(values, list) or step is None or step <= 0:
        return None
    return [values[i : i + step] for i in range(0, len(values), step)]
