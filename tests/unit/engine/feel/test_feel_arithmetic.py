"""Arithmetic on numbers and strings; type mismatches and division by zero are null."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

Check = Callable[..., None]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 + 2", 3),
        ("5 - 7", -2),
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 / 4", 2.5),
        ("1 / 3", Decimal("0.3333333333333333333333333333333333")),
        ("2 ** 10", 1024),
        ("2 ** -1", 0.5),
        ("2 ** 3 ** 2", 64),
        ("-2 ** 2", 4),
        ("10 - 2 - 3", 5),
        ("100 / 10 / 5", 2),
        ("1 - -1", 2),
        ("2 * -3", -6),
        ("-(1 + 2)", -3),
        ("0.1 + 0.2", 0.3),
        ("1.10 * 3", Decimal("3.30")),
        ("123456789012345678901234567890 + 1", 123456789012345678901234567891),
    ],
)
def test_number_arithmetic_is_decimal(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


def test_arithmetic_on_variables(check: Check) -> None:
    check("price * quantity - discount", {"price": 9.99, "quantity": 3, "discount": 0.97}, 29)


def test_string_concatenation_with_plus(check: Check) -> None:
    check('"Hello, " + name + "!"', {"name": "Ann"}, "Hello, Ann!")


@pytest.mark.parametrize(
    "expression",
    [
        "1 / 0",
        "0 / 0",
        "1 + null",
        "null * 2",
        "-null",
        '"a" + 1',
        '1 + "a"',
        "true + 1",
        "[1] + [2]",
        '-"a"',
    ],
)
def test_division_by_zero_and_type_mismatch_are_null(check: Check, expression: str) -> None:
    check(expression, None, None)


def test_arithmetic_with_missing_variable_is_null(check: Check) -> None:
    check("missing + 1", None, None)


@pytest.mark.parametrize("expression", ["10 ** 100000", "(-8) ** 0.5", "0 ** -1"])
def test_overflow_and_invalid_powers_are_null(check: Check, expression: str) -> None:
    check(expression, None, None)
