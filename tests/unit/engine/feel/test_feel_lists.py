"""List builtins."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

Check = Callable[..., None]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("count([1, 2, 3])", 3),
        ("count([])", 0),
        ("sum([1, 2, 3])", 6),
        ("sum(1, 2, 3)", 6),
        ("sum([0.1, 0.2])", 0.3),
        ("sum([])", None),
        ('sum([1, "a"])', None),
        ("product([2, 3, 4])", 24),
        ("min([3, 1, 2])", 1),
        ("min(3, 1, 2)", 1),
        ("max([3, 1, 2])", 3),
        ('max(["b", "a"])', "b"),
        ("max([])", None),
        ('min([1, "a"])', None),
        ("mean([1, 2, 3])", 2),
        ("mean(1, 2)", 1.5),
        ("mean([])", None),
        ("median([3, 1, 2])", 2),
        ("median([1, 2, 3, 4])", 2.5),
        ("stddev([2, 4, 4, 4, 5, 5, 7, 9])", Decimal("2.138089935299395077476427847038028")),
        ("mode([1, 2, 2, 3, 3])", [2, 3]),
        ("mode([])", []),
    ],
)
def test_aggregations(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("all([true, true])", True),
        ("all([true, false, null])", False),
        ("all([true, null])", None),
        ("all([])", True),
        ("all(true, true)", True),
        ("all([1])", None),
        ("any([false, true])", True),
        ("any([false, null, true])", True),
        ("any([false, null])", None),
        ("any([])", False),
        ("any(false, false)", False),
    ],
)
def test_all_and_any_are_three_valued(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("list contains([1, 2, 3], 2)", True),
        ("list contains([1, 2, 3], 4)", False),
        ("list contains([1, null], null)", True),
        ("list contains([1], true)", False),
        ("index of([1, 2, 1], 1)", [1, 3]),
        ("index of([1, 2], 3)", []),
        ('distinct values([1, 2, 1, "a", "a"])', [1, 2, "a"]),
        ("duplicate values([1, 2, 1, 3, 3])", [1, 3]),
        ("union([1, 2], [2, 3])", [1, 2, 3]),
        ("flatten([1, [2, [3, 4]], []])", [1, 2, 3, 4]),
        ("reverse([1, 2, 3])", [3, 2, 1]),
        ("is empty([])", True),
        ("is empty([1])", False),
    ],
)
def test_membership_and_shape(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("append([1], 2, 3)", [1, 2, 3]),
        ("append([1], [2])", [1, [2]]),
        ("append([1])", [1]),
        ("concatenate([1, 2], [3])", [1, 2, 3]),
        ("concatenate([1], [], [2, 3])", [1, 2, 3]),
        ("sublist([1, 2, 3, 4], 2)", [2, 3, 4]),
        ("sublist([1, 2, 3, 4], 2, 2)", [2, 3]),
        ("sublist([1, 2, 3, 4], -2)", [3, 4]),
        ("sublist([1, 2, 3], 5)", None),
        ("insert before([1, 3], 2, 2)", [1, 2, 3]),
        ("insert before([1, 2], 1, 0)", [0, 1, 2]),
        ("insert before([1, 2], -1, 9)", [1, 9, 2]),
        ("remove([1, 2, 3], 2)", [1, 3]),
        ("remove([1, 2, 3], -1)", [1, 2]),
        ("remove([1, 2, 3], 4)", None),
        ("partition([1, 2, 3, 4, 5], 2)", [[1, 2], [3, 4], [5]]),
    ],
)
def test_building_lists(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("sort([3, 1, 2])", [1, 2, 3]),
        ('sort(["b", "c", "a"])', ["a", "b", "c"]),
        ("sort([3, 1, 2], function(x, y) x > y)", [3, 2, 1]),
        ("sort(list: [3, 1, 2], precedes: function(x, y) x < y)", [1, 2, 3]),
        ("sort(items, function(a, b) a.p < b.p).n", ["x", "y", "z"]),
        ('sort([1, "a"])', None),
    ],
)
def test_sort_uses_natural_order_or_a_precedes_function(check: Check, expression: str, expected: Any) -> None:
    items = [{"n": "y", "p": 2}, {"n": "z", "p": 3}, {"n": "x", "p": 1}]
    check(expression, {"items": items}, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('string join(["a", "b", "c"])', "abc"),
        ('string join(["a", "b"], ", ")', "a, b"),
        ('string join(["a", null, "b"], "-")', "a-b"),
        ('string join(["a", "b"], ", ", "[", "]")', "[a, b]"),
        ('string join([], ",")', ""),
        ('string join(["a", 1])', None),
    ],
)
def test_string_join(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize("expression", ["count(null)", "reverse(1)", "flatten(null)", "sum(null)"])
def test_list_functions_on_wrong_types_are_null(check: Check, expression: str) -> None:
    check(expression, None, None)
