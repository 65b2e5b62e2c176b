"""if/then/else, between, in, some, every, for and function definitions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Check = Callable[..., None]


@pytest.mark.parametrize(
    ("expression", "variables", "expected"),
    [
        ('if x > 3 then "big" else "small"', {"x": 5}, "big"),
        ('if x > 3 then "big" else "small"', {"x": 1}, "small"),
        ('if x > 3 then "big" else "small"', {}, "small"),
        ("if x then 1 else 2", {"x": "yes"}, 2),
        ("if true then 1 else 2 + 10", {}, 1),
        ("if false then 1 else 2 + 10", {}, 12),
        ("if a then if b then 1 else 2 else 3", {"a": True, "b": False}, 2),
        ("1 + (if true then 1 else 0)", {}, 2),
    ],
)
def test_if_takes_the_then_branch_only_for_true(
    check: Check, expression: str, variables: dict[str, Any], expected: Any
) -> None:
    check(expression, variables, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("5 between 1 and 10", True),
        ("1 between 1 and 10", True),
        ("10 between 1 and 10", True),
        ("11 between 1 and 10", False),
        ('"b" between "a" and "c"', True),
        ("5 between 1 and 10 and false", False),
        ('5 between 1 and "x"', None),
        ("null between 1 and 10", None),
    ],
)
def test_between_includes_both_ends(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("5 in [1, 5, 7]", True),
        ("4 in [1, 5, 7]", False),
        ('"x" in ["x", "y"]', True),
        ("5 in (1..5)", False),
        ("5 in (1..5]", True),
        ("1 in [1..5]", True),
        ("5 in [1..10]", True),
        ("5 in > 3", True),
        ("5 in <= 4", False),
        ("5 in (< 0, > 4)", True),
        ("5 in (< 0, > 10)", False),
        ("5 in (1, 2, 5)", True),
        ("5 in ([1..3], [4..6])", True),
        ("5 in (> 3)", True),
        ("5 in 5", True),
        ("5 in (5)", True),
        ("null in [1, null]", True),
        ("1 in null", False),
        ('5 in "x"', None),
        ("5 in [1..x]", None),
    ],
)
def test_in_checks_membership_and_unary_tests(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("some x in [1, 2, 3] satisfies x > 2", True),
        ("some x in [1, 2, 3] satisfies x > 3", False),
        ("some x in [] satisfies x > 3", False),
        ("every x in [1, 2, 3] satisfies x > 0", True),
        ("every x in [1, 2, 3] satisfies x > 1", False),
        ("every x in [] satisfies x > 1", True),
        ("some x in [1, 2], y in [3, 4] satisfies x + y = 6", True),
        ("every x in [1, null] satisfies x > 0", False),
        ("some x in null satisfies x > 0", None),
        ("some item in items satisfies item.qty = 0", True),
    ],
)
def test_quantified_expressions(check: Check, expression: str, expected: Any) -> None:
    check(expression, {"items": [{"qty": 1}, {"qty": 0}]}, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("for x in [1, 2, 3] return x * 2", [2, 4, 6]),
        ("for x in [] return x", []),
        ("for i in 1..3 return i", [1, 2, 3]),
        ("for i in 3..1 return i", [3, 2, 1]),
        ("for i in [1..3] return i", [1, 2, 3]),
        ("for i in (1..4) return i", [2, 3]),
        ("for x in [1, 2], y in [10, 20] return x + y", [11, 21, 12, 22]),
        ("for x in [[1, 2], [3]], y in x return y", [1, 2, 3]),
        ("for i in 1..4 return if i = 1 then 1 else partial[-1] * i", [1, 2, 6, 24]),
        ("for line in lines return line.qty * line.price", [2, 15]),
        ("sum(for line in lines return line.qty * line.price)", 17),
        ("for x in null return x", None),
        ("for i in 1..1.5 return i", None),
    ],
)
def test_for_returns_a_list(check: Check, expression: str, expected: Any) -> None:
    lines = [{"qty": 2, "price": 1}, {"qty": 3, "price": 5}]
    check(expression, {"lines": lines}, expected)


def test_iteration_variable_shadows_a_variable(check: Check) -> None:
    check("for x in [1, 2] return x", {"x": 100}, [1, 2])


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("(function(x, y) x + y)(1, 2)", 3),
        ("{double: function(x) x * 2, r: double(21)}.r", 42),
        ("{f: function(n) n + offset}.f(1)", 11),
        ("{f: function(a, b) a - b}.f(b: 1, a: 5)", 4),
        ("{count: function(x) 42, r: count([1, 2])}.r", 42),
    ],
)
def test_function_definitions_are_callable_values(check: Check, expression: str, expected: Any) -> None:
    check(expression, {"offset": 10}, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 instance of number", True),
        ('"a" instance of string', True),
        ("true instance of boolean", True),
        ("[1] instance of list", True),
        ("{a: 1} instance of context", True),
        ('@"2024-01-01" instance of date', True),
        ('@"2024-01-01T10:00:00" instance of date and time', True),
        ('@"P1D" instance of days and time duration', True),
        ('@"P1Y" instance of years and months duration', True),
        ("1 instance of string", False),
        ("null instance of number", False),
        ("missing instance of Any", False),
    ],
)
def test_instance_of(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


def test_instance_and_of_remain_usable_as_names(check: Check) -> None:
    check("instance + of", {"instance": 1, "of": 2}, 3)
