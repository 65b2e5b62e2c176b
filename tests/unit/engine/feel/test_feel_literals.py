"""Literals: numbers, strings, booleans, null, lists, contexts, ranges and temporal literals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from oms.engine.feel import YearsMonthsDuration
from oms.engine.feel.values import Range

Check = Callable[..., None]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1", 1),
        ("1.5", Decimal("1.5")),
        (".5", Decimal("0.5")),
        ("-3", -3),
        ("007", 7),
        ("123456789012345678901234567890", 123456789012345678901234567890),
    ],
)
def test_numbers_are_decimals(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"hello"', "hello"),
        ('""', ""),
        ('"say \\"hi\\""', 'say "hi"'),
        ('"a\\nb\\tc"', "a\nb\tc"),
        ('"back\\\\slash"', "back\\slash"),
        ('"\\u00e9t\\u00e9"', "été"),
        ('"\\d+"', "\\d+"),
        ('"multi\nline"', "multi\nline"),
    ],
)
def test_strings_support_escapes(check: Check, expression: str, expected: str) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(("expression", "expected"), [("true", True), ("false", False), ("null", None)])
def test_boolean_and_null_literals(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("[]", []),
        ("[1, 2, 3]", [1, 2, 3]),
        ('[1, "a", true, null]', [1, "a", True, None]),
        ("[[1], [2, [3]]]", [[1], [2, [3]]]),
        ("{}", {}),
        ('{a: 1, "b c": "x"}', {"a": 1, "b c": "x"}),
        ("{first name: 1}", {"first name": 1}),
        ("{a: {b: [1, 2]}}", {"a": {"b": [1, 2]}}),
        ("{if: 1, then: 2, item: 3}", {"if": 1, "then": 2, "item": 3}),
    ],
)
def test_lists_and_contexts(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


def test_context_entries_can_reference_earlier_entries(check: Check) -> None:
    check("{a: 1, b: a + 1, c: b * 10}", None, {"a": 1, "b": 2, "c": 20})


def test_context_entry_shadows_a_variable_for_later_entries(check: Check) -> None:
    check("{x: 5, y: x}", {"x": 1}, {"x": 5, "y": 5})


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("[1..10]", Range(Decimal(1), Decimal(10), True, True)),
        ("(1..10)", Range(Decimal(1), Decimal(10), False, False)),
        ("[1..10)", Range(Decimal(1), Decimal(10), True, False)),
        ("(1..10]", Range(Decimal(1), Decimal(10), False, True)),
    ],
)
def test_range_literals(check: Check, expression: str, expected: Range) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('@"2024-01-01"', date(2024, 1, 1)),
        ('@"10:30:00"', time(10, 30)),
        ('@"2024-01-01T10:30:00"', datetime(2024, 1, 1, 10, 30)),
        ('@"2024-01-01T10:30:00Z"', datetime(2024, 1, 1, 10, 30, tzinfo=UTC)),
        ('@"PT5M"', timedelta(minutes=5)),
        ('@"P1DT2H"', timedelta(days=1, hours=2)),
        ('@"P1Y2M"', YearsMonthsDuration(14)),
        ('@"-P3M"', YearsMonthsDuration(-3)),
    ],
)
def test_temporal_literals(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


def test_zoned_temporal_literal_keeps_its_region(feel: Callable[..., Any]) -> None:
    value = feel('@"2024-01-01T10:00:00@Europe/Berlin"')
    assert value.tzinfo.key == "Europe/Berlin"
    assert value.utcoffset() == timedelta(hours=1)


def test_comments_are_ignored(check: Check) -> None:
    check("1 + /* two */ 2 // and nothing else", None, 3)


def test_whitespace_and_newlines_are_insignificant(check: Check) -> None:
    check('if\n  a > 1\nthen\n  "big"\nelse\n  "small"', {"a": 2}, "big")
