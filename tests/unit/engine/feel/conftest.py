"""Fixtures for the FEEL tests: evaluate with a pinned clock and compare results strictly by FEEL type."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from oms.engine.feel import compile_expression

NOW = datetime(2024, 3, 15, 12, 30, tzinfo=UTC)


def strictly_equal(actual: Any, expected: Any) -> bool:
    """Equal and of the FEEL type the expected Python value stands for.

    Plain ``==`` is too lenient here: ``Decimal(1) == True`` and ``1 == Decimal(1)`` hold in Python, so a
    builtin returning an ``int`` or a number where a boolean is due would go unnoticed.
    """
    if expected is None or isinstance(expected, bool):
        return actual is expected
    if isinstance(expected, int | Decimal):
        return type(actual) is Decimal and actual == expected
    if isinstance(expected, float):
        return type(actual) is Decimal and actual == Decimal(repr(expected))
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(strictly_equal(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and list(actual) == list(expected)
            and all(strictly_equal(actual[k], v) for k, v in expected.items())
        )
    return type(actual) is type(expected) and bool(actual == expected)


Evaluate = Callable[..., Any]
Check = Callable[[str, Mapping[str, Any] | None, Any], None]


@pytest.fixture
def feel() -> Evaluate:
    def evaluate(source: str, variables: Mapping[str, Any] | None = None) -> Any:
        return compile_expression(source).evaluate(variables or {}, now=NOW)

    return evaluate


@pytest.fixture
def check(feel: Evaluate) -> Check:
    def assert_result(source: str, variables: Mapping[str, Any] | None, expected: Any) -> None:
        actual = feel(source, variables)
        assert strictly_equal(actual, expected), f"{source!r} gave {actual!r}, expected {expected!r}"

    return assert_result
