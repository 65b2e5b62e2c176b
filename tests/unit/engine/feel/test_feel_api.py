"""The public API: compilation, caching, immutability, thread safety and JSON conversion."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from oms.engine.feel import (
    CompiledExpression,
    YearsMonthsDuration,
    compile_expression,
    from_json,
    to_json,
)
from oms.engine.feel.parser import parse


def test_compile_expression_is_cached_by_source_text() -> None:
    first = compile_expression("a + 1 > 2")
    assert compile_expression("a + 1 > 2") is first
    assert first.source == "a + 1 > 2"


def test_evaluation_does_not_parse_again() -> None:
    compiled = compile_expression("items[price > 1].price")
    before = parse.cache_info()
    for price in range(100):
        compiled.evaluate({"items": [{"price": price}]})
    assert parse.cache_info() == before


def test_compiled_expression_is_immutable_and_hashable() -> None:
    compiled = compile_expression("1 + 1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        compiled.source = "2"  # type: ignore[misc]
    assert hash(compiled) == hash(CompiledExpression("1 + 1", lambda env: None))
    assert {compiled: "x"}[compile_expression("1 + 1")] == "x"


def test_evaluate_accepts_any_mapping_and_does_not_modify_it() -> None:
    variables = {"order": {"lines": [{"qty": 1}, {"qty": 2}]}}
    snapshot = repr(variables)
    assert compile_expression("sum(order.lines.qty)").evaluate(MappingProxyType(variables)) == 3
    assert repr(variables) == snapshot


def test_results_are_feel_values() -> None:
    result = compile_expression('{n: 1, f: 0.5, l: [1], s: "x"}').evaluate({})
    assert result == {"n": Decimal(1), "f": Decimal("0.5"), "l": [Decimal(1)], "s": "x"}
    assert type(result["n"]) is Decimal


def test_concurrent_evaluation_is_thread_safe() -> None:
    compiled = compile_expression("for i in 1..n return i * factor")

    def run(factor: int) -> Any:
        return compiled.evaluate({"n": 50, "factor": factor})

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, range(200)))
    for factor, result in enumerate(results):
        assert result == [i * factor for i in range(1, 51)]


def test_concurrent_compilation_of_distinct_expressions() -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda n: compile_expression(f"{n} + x").evaluate({"x": 1}), range(300)))
    assert results == [n + 1 for n in range(300)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("2"), 2),
        (Decimal("2.50"), 2.5),
        (Decimal("1E+2"), 100),
        (Decimal("-0"), 0),
        ("x", "x"),
        (True, True),
        (None, None),
        ([Decimal(1), [Decimal("0.5")]], [1, [0.5]]),
        ({"a": {"b": Decimal(3)}}, {"a": {"b": 3}}),
        (date(2024, 1, 2), "2024-01-02"),
        (datetime(2024, 1, 2, 3, 4, 5), "2024-01-02T03:04:05"),
        (datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=UTC), "2024-01-02T03:04:05.12Z"),
        (
            datetime(2024, 1, 2, 3, 4, 5, tzinfo=ZoneInfo("Europe/Berlin")),
            "2024-01-02T03:04:05@Europe/Berlin",
        ),
        (time(10, 30), "10:30:00"),
        (timedelta(days=1, hours=2, minutes=3, seconds=4), "P1DT2H3M4S"),
        (timedelta(0), "PT0S"),
        (timedelta(minutes=-90), "-PT1H30M"),
        (YearsMonthsDuration(14), "P1Y2M"),
        (YearsMonthsDuration(0), "P0M"),
    ],
)
def test_to_json(value: Any, expected: Any) -> None:
    result = to_json(value)
    assert result == expected
    assert type(result) is type(expected)


def test_to_json_of_a_function_is_null() -> None:
    assert to_json(compile_expression("function(x) x").evaluate({})) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, Decimal(1)),
        (0.1, Decimal("0.1")),
        (float("nan"), None),
        (True, True),
        ("x", "x"),
        (None, None),
        ([1, [2.5]], [Decimal(1), [Decimal("2.5")]]),
        ((1, 2), [Decimal(1), Decimal(2)]),
        ({"a": {"b": 1}, 2: "k"}, {"a": {"b": Decimal(1)}, "2": "k"}),
        (date(2024, 1, 1), date(2024, 1, 1)),
    ],
)
def test_from_json(value: Any, expected: Any) -> None:
    result = from_json(value)
    assert result == expected
    assert type(result) is type(expected)


def test_from_json_keeps_booleans_apart_from_numbers() -> None:
    assert from_json([True, 1]) == [True, Decimal(1)]
    assert type(from_json(True)) is bool


def test_from_json_rejects_unknown_types() -> None:
    with pytest.raises(TypeError, match="object"):
        from_json(object())


def test_json_round_trip() -> None:
    data = {"id": "o-1", "total": 99.5, "lines": [{"qty": 2, "ok": True, "note": None}]}
    assert to_json(from_json(data)) == data
