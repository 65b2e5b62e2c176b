"""String builtins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Check = Callable[..., None]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('substring("foobar", 3)', "obar"),
        ('substring("foobar", 3, 3)', "oba"),
        ('substring("foobar", -2, 1)', "a"),
        ('substring("foobar", -3)', "bar"),
        ('substring("foobar", 1, 100)', "foobar"),
        ('substring("héllo", 2, 1)', "é"),
        ('substring(string: "foobar", start position: 2, length: 3)', "oob"),
        ('substring("foobar", 1.5)', None),
        ('substring("foobar", 1, -1)', None),
    ],
)
def test_substring_counts_from_one_and_from_the_end(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('string length("abc")', 3),
        ('string length("")', 0),
        ('string length(string: "ab")', 2),
        ('upper case("aBc")', "ABC"),
        ('lower case("aBc")', "abc"),
        ('substring before("foobar", "bar")', "foo"),
        ('substring before("foobar", "xyz")', ""),
        ('substring after("foobar", "ob")', "ar"),
        ('substring after("foobar", "")', "foobar"),
        ('contains("foobar", "ob")', True),
        ('contains("foobar", "x")', False),
        ('starts with("foobar", "fo")', True),
        ('starts with("foobar", "bar")', False),
        ('ends with("foobar", "bar")', True),
        ('trim("  a b  ")', "a b"),
        ('is blank("  ")', True),
        ('is blank("a")', False),
    ],
)
def test_string_functions(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('matches("foobar", "^fo*b")', True),
        ('matches("foobar", "ob")', True),
        ('matches("foobar", "^bar")', False),
        ('matches("FOO", "foo", "i")', True),
        ('matches("a.b", "a.b", "q")', True),
        ('matches("axb", "a.b", "q")', False),
        ('replace("abcd", "(ab)|(a)", "[1=$1][2=$2]")', "[1=ab][2=]cd"),
        ('replace("a.b.c", "\\.", "-")', "a-b-c"),
        ('replace("abc", "B", "x", "i")', "axc"),
        ('replace("2024-01-31", "(\\d+)-(\\d+)-(\\d+)", "$3.$2.$1")', "31.01.2024"),
        ('replace("cost", "cost", "\\$5")', "$5"),
        ('split("a;b;;c", ";")', ["a", "b", "", "c"]),
        ('split("John  Doe", "\\s+")', ["John", "Doe"]),
        ('split("a1b2c", "(\\d)")', ["a", "b", "c"]),
        ('extract("a1b22c333", "\\d+")', ["1", "22", "333"]),
        ('extract("abc", "\\d+")', []),
    ],
)
def test_regular_expression_functions(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    "expression",
    [
        "string length(1)",
        "upper case(null)",
        "substring(1, 1)",
        'contains("a", 1)',
        'starts with(null, "a")',
        'matches(1, "a")',
        'replace("a", "a", 1)',
        'split(null, ",")',
    ],
)
def test_string_functions_on_wrong_types_are_null(check: Check, expression: str) -> None:
    check(expression, None, None)
