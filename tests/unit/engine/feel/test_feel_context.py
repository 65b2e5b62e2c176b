"""Context builtins and the Camunda null-handling extensions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from oms.engine.feel import FeelEvaluationError

Check = Callable[..., None]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('get value({a: 1}, "a")', 1),
        ('get value({a: 1}, "b")', None),
        ('get value({a: {b: 2}}, ["a", "b"])', 2),
        ('get value(m: {a: 1}, key: "a")', 1),
        ('get value(order, "id")', "o-1"),
        ('get value(1, "a")', None),
        ("get entries({a: 1, b: 2})", [{"key": "a", "value": 1}, {"key": "b", "value": 2}]),
        ("get entries({})", []),
        ('context put({a: 1}, "b", 2)', {"a": 1, "b": 2}),
        ('context put({a: 1}, "a", 2)', {"a": 2}),
        ('context put({a: {b: 1}}, ["a", "c"], 2)', {"a": {"b": 1, "c": 2}}),
        ('context put({}, ["x", "y"], 1)', {"x": {"y": 1}}),
        ('context put({a: 1}, ["a", "b"], 1)', None),
        ("context put({}, [], 1)", None),
        ("context merge([{a: 1}, {b: 2}])", {"a": 1, "b": 2}),
        ("context merge({a: 1}, {a: 3})", {"a": 3}),
        ("context merge([{a: 1}, 2])", None),
        ('context([{key: "a", value: 1}, {key: "b", value: null}])', {"a": 1, "b": None}),
        ("context([{key: 1, value: 1}])", None),
    ],
)
def test_context_functions(check: Check, expression: str, expected: Any) -> None:
    check(expression, {"order": {"id": "o-1"}}, expected)


def test_context_functions_do_not_modify_the_input(feel: Callable[..., Any]) -> None:
    order = {"id": "o-1"}
    feel('context put(order, "id", "changed")', {"order": order})
    assert order == {"id": "o-1"}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("is defined(a)", True),
        ("is defined(missing)", False),
        ("is defined(nothing)", False),
        ("is defined(order.id)", True),
        ("is defined(order.missing)", False),
        ('get or else(nothing, "default")', "default"),
        ('get or else(a, "default")', 1),
        ("get or else(null, null)", None),
        ("assert(a, a > 0)", 1),
    ],
)
def test_null_handling_functions(check: Check, expression: str, expected: Any) -> None:
    check(expression, {"a": 1, "nothing": None, "order": {"id": "o-1"}}, expected)


def test_failed_assert_raises_with_the_given_cause(feel: Callable[..., Any]) -> None:
    with pytest.raises(FeelEvaluationError, match="amount must be positive"):
        feel('assert(amount, amount > 0, "amount must be positive")', {"amount": -1})
