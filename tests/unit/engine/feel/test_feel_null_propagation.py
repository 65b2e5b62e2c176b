"""Nothing that is merely missing or mistyped raises: it is null, and null flows through expressions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Check = Callable[..., None]


@pytest.mark.parametrize(
    "expression",
    [
        "missing",
        "missing.deeper.path",
        "missing + 1",
        "-missing",
        "missing * 2 > 10",
        "missing[1]",
        "missing[item > 1]",
        'missing + "x"',
        "upper case(missing)",
        "string length(missing)",
        "count(missing)",
        "sum(missing)",
        "date(missing)",
        "duration(missing)",
        "abs(missing)",
        "floor(missing)",
        "substring(missing, 1)",
        "not(missing)",
        "if missing then 1 else null",
        "for x in missing return x",
        "some x in missing satisfies x",
        "missing between 1 and 2",
        "1 between missing and 2",
        "missing.year",
        "{a: missing}.a",
        "[missing][1]",
        'get value(missing, "a")',
        "string(missing)",
    ],
)
def test_missing_variable_evaluates_to_null(check: Check, expression: str) -> None:
    check(expression, {}, None)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("missing = null", True),
        ("missing != null", False),
        ("missing = 1", False),
        ("is defined(missing)", False),
        ('get or else(missing, "fallback")', "fallback"),
        ("missing in [1, 2]", False),
        ("list contains([1, null], missing)", True),
        ("count([missing, missing])", 2),
        ("[missing, 1]", [None, 1]),
        ('if missing > 10 then "high" else "low"', "low"),
        ("missing > 10 or true", True),
        ("missing > 10 and false", False),
    ],
)
def test_null_is_still_a_value(check: Check, expression: str, expected: object) -> None:
    check(expression, {}, expected)


def test_null_variable_behaves_like_a_missing_one(check: Check) -> None:
    check("x + 1", {"x": None}, None)
    check("x = null", {"x": None}, True)
    check("x.y", {"x": None}, None)


def test_path_over_list_keeps_nulls_for_missing_entries(check: Check) -> None:
    check("items.a", {"items": [{"a": 1}, {"b": 2}]}, [1, None])
    check("items[a < 10]", {"items": [{"a": 1}, {"b": 2}]}, [{"a": 1}])
