"""Comparisons, equality and three-valued boolean logic."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Check = Callable[..., None]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 = 1", True),
        ("1 = 1.0", True),
        ("1 != 2", True),
        ("1 < 2", True),
        ("2 <= 2", True),
        ("3 > 2", True),
        ("2 >= 3", False),
        ('"abc" < "abd"', True),
        ('"a" = "a"', True),
        ("true = true", True),
        ("true != false", True),
        ("[1, 2] = [1, 2]", True),
        ("[1, 2] = [1, 2, 3]", False),
        ("[1, 2] != [1, 3]", True),
        ("{a: 1} = {a: 1}", True),
        ("{a: 1} = {a: 2}", False),
        ("{a: 1} = {b: 1}", False),
        ('date("2024-01-01") < date("2024-02-01")', True),
        ('@"PT1H" > @"PT30M"', True),
        ('@"P1Y" > @"P11M"', True),
    ],
)
def test_comparisons(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("null = null", True),
        ("missing = null", True),
        ("x = null", False),
        ("null = 1", False),
        ("null != 1", True),
        ("[null] = [null]", True),
    ],
)
def test_equality_with_null_is_true_or_false(check: Check, expression: str, expected: Any) -> None:
    check(expression, {"x": 1}, expected)


@pytest.mark.parametrize(
    "expression",
    [
        "null < 1",
        "1 >= null",
        "missing > 10",
        '1 = "1"',
        '1 < "a"',
        "true = 1",
        "true < false",
        'date("2024-01-01") < 5',
        '@"2024-01-01T10:00:00" = @"2024-01-01T10:00:00Z"',
        "{a: 1} < {a: 2}",
    ],
)
def test_comparison_of_incompatible_types_is_null(check: Check, expression: str) -> None:
    check(expression, None, None)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("true and true", True),
        ("true and false", False),
        ("true and null", None),
        ("null and false", False),
        ("false and null", False),
        ("null and null", None),
        ("true or false", True),
        ("false or false", False),
        ("null or true", True),
        ("true or null", True),
        ("false or null", None),
        ("null or null", None),
        ("1 and true", None),
        ('"yes" or false', None),
        ("not(true)", False),
        ("not(false)", True),
        ("not(null)", None),
        ("not(1)", None),
    ],
)
def test_boolean_logic_is_three_valued(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


def test_and_binds_tighter_than_or(check: Check) -> None:
    check("true or true and false", None, True)
    check("(true or true) and false", None, False)


def test_missing_operand_in_condition_does_not_hide_a_decisive_one(check: Check) -> None:
    check("missing.x > 1 or amount > 100", {"amount": 150}, True)
    check("missing.x > 1 and amount > 100", {"amount": 150}, None)
    check("amount > 1000 and missing.x > 1", {"amount": 150}, False)


def test_typical_gateway_condition(check: Check) -> None:
    expression = 'a > 10 and b = "x"'
    check(expression, {"a": 11, "b": "x"}, True)
    check(expression, {"a": 10, "b": "x"}, False)
    check(expression, {"a": 11.5, "b": "y"}, False)
    check(expression, {}, False)
