"""Numeric builtins and conversions between strings and numbers."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

Check = Callable[..., None]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("decimal(1/3, 2)", Decimal("0.33")),
        ("decimal(2.5, 0)", 2),
        ("decimal(3.5, 0)", 4),
        ("floor(1.5)", 1),
        ("floor(-1.5)", -2),
        ("floor(1.567, 2)", Decimal("1.56")),
        ("ceiling(1.2)", 2),
        ("ceiling(-1.2)", -1),
        ("ceiling(1.561, 2)", Decimal("1.57")),
        ("round up(5.5, 0)", 6),
        ("round up(-5.5, 0)", -6),
        ("round down(5.5, 0)", 5),
        ("round half up(2.5)", 3),
        ("round half up(-2.5, 0)", -3),
        ("round half up(1.255, 2)", Decimal("1.26")),
        ("round half down(2.5, 0)", 2),
        ("round half up(1234, -2)", 1200),
        ("round half up(1.5, 1.5)", None),
    ],
)
def test_rounding(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("abs(-5)", 5),
        ("abs(5)", 5),
        ("modulo(12, 5)", 2),
        ("modulo(-12, 5)", 3),
        ("modulo(12, -5)", -3),
        ("modulo(10.5, 3)", 1.5),
        ("modulo(12, 0)", None),
        ("sqrt(16)", 4),
        ("sqrt(2)", Decimal("1.414213562373095048801688724209698")),
        ("sqrt(-1)", None),
        ("log(1)", 0),
        ("log(0)", None),
        ("exp(0)", 1),
        ("odd(5)", True),
        ("odd(4)", False),
        ("even(4)", True),
        ("even(-3)", False),
        ("even(1.5)", None),
        ('abs("x")', None),
    ],
)
def test_numeric_functions(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('number("1500.5")', 1500.5),
        ('number("-3")', -3),
        ('number("1e3")', 1000),
        ('number("1,500", ",")', 1500),
        ('number("1 500,5", " ", ",")', 1500.5),
        ('number("1.500,5", ".", ",")', 1500.5),
        ('number("abc")', None),
        ('number("")', None),
        ('number("1,5", ",", ",")', None),
        ("number(5)", None),
    ],
)
def test_number_parses_strings(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("string(1.50)", "1.5"),
        ("string(100)", "100"),
        ("string(1/4)", "0.25"),
        ("string(-0.5)", "-0.5"),
        ('string("a")', "a"),
        ("string(true)", "true"),
        ("string(null)", None),
        ('string([1, "a", null])', '[1, "a", null]'),
        ('string({a: 1, b: "x"})', '{a:1, b:"x"}'),
        ('string(date("2024-01-01"))', "2024-01-01"),
        ('string(@"2024-01-01T10:00:00Z")', "2024-01-01T10:00:00Z"),
        ('string(@"2024-01-01T10:00:00+05:30")', "2024-01-01T10:00:00+05:30"),
        ('string(@"2024-01-01T10:00:00@Europe/Berlin")', "2024-01-01T10:00:00@Europe/Berlin"),
        ('string(@"10:00:00.250")', "10:00:00.25"),
        ('string(duration("P1DT2H30M"))', "P1DT2H30M"),
        ('string(duration("PT0S"))', "PT0S"),
        ('string(-duration("PT1.5S"))', "-PT1.5S"),
        ('string(duration("P14M"))', "P1Y2M"),
        ("string([1..3))", "[1..3)"),
    ],
)
def test_string_converts_any_value(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)
