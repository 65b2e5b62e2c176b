"""FEEL as processes use it: each expression runs in a script task of a real engine on PostgreSQL,
reading process variables stored as JSON and writing its result back as a variable. The interpreter's
own exhaustive tables are in ``tests/unit/engine/feel``; this checks the round trip through the engine."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from oms.engine.testing.builder import process
from oms.engine.testing.harness import ProcessTestHarness

VARIABLES: dict[str, Any] = {
    "order": {"id": "o-1", "items": [{"sku": "fiber", "price": 40.5}, {"sku": "router", "price": 5}]},
    "amount": 1200,
    "tier": "gold",
    "tags": ["a", "b", "a"],
    "missing": None,
}

CASES: list[tuple[str, str, Any]] = [
    (
        "literals and contexts",
        '{n: 1.5, s: "x", b: true, l: [1, 2], z: null}',
        {"n": 1.5, "s": "x", "b": True, "l": [1, 2], "z": None},
    ),
    ("paths over lists", "order.items.sku", ["fiber", "router"]),
    ("filters", "order.items[price > 10].sku", ["fiber"]),
    ("one-based and negative indexes", "[order.items[1].sku, order.items[-1].sku]", ["fiber", "router"]),
    ("decimal arithmetic", "order.items[1].price * 2 + 0.1", 81.1),
    ("comparison and boolean logic", 'amount > 1000 and tier = "gold" and not(false)', True),
    ("if then else", 'if amount > 5000 then "big" else "small"', "small"),
    ("between and in", '[amount between 1000 and 2000, tier in ("gold", "silver")]', [True, True]),
    (
        "some and every",
        "[some i in order.items satisfies i.price > 40, every i in order.items satisfies i.price > 40]",
        [True, False],
    ),
    ("for return", "for i in order.items return i.price", [40.5, 5]),
    ("string concatenation", '"order " + order.id', "order o-1"),
    ("null propagation", "missing + 1", None),
    ("missing variable is null", "nowhere = null", True),
    (
        "string built-ins",
        '[upper case(tier), substring("fulfillment", 1, 4), string length(tier), '
        'starts with(tier, "go"), ends with(tier, "ld"), contains(tier, "ol")]',
        ["GOLD", "fulf", 4, True, True, True],
    ),
    ("number and list built-ins", "[count(tags), sum(order.items.price), min([3, 1]), max([3, 1])]", [3, 45.5, 1, 3]),
    (
        "list built-ins",
        '[distinct values(tags), append(tags, "c"), concatenate([1], [2]), flatten([[1], [2, [3]]]), '
        'list contains(tags, "b")]',
        [["a", "b"], ["a", "b", "a", "c"], [1, 2], [1, 2, 3], True],
    ),
    ("conversions", '[string(12), number("1.25")]', ["12", 1.25]),
    (
        "context built-ins",
        '[get value(order, "id"), context put(order, "paid", true).paid, is defined(order)]',
        ["o-1", True, True],
    ),
    ("temporal built-ins", 'string(date("2026-11-24") + duration("P1D"))', "2026-11-25"),
    ("date and time", 'string(date and time("2026-11-24T10:00:00Z") + duration("PT90M"))', "2026-11-24T11:30:00Z"),
]


@pytest.mark.parametrize(("expression", "expected"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_script_task_evaluates_feel_against_process_variables(
    process_test: ProcessTestHarness, expression: str, expected: Any
) -> None:
    # given
    process_id = f"feel-{uuid4().hex[:8]}"
    process_test.deploy(
        process(process_id)
        .start_event()
        .script_task("eval", expression=f"={expression}", result_variable="result")
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id, VARIABLES)
    # then
    process_test.assert_that(instance).is_completed().has_variable("result", expected)


def test_now_and_today_read_the_engine_clock(process_test: ProcessTestHarness) -> None:
    # given: the virtual clock pinned to a known instant
    from datetime import UTC, datetime

    process_test.clock.pin(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    process_id = f"feel-now-{uuid4().hex[:8]}"
    process_test.deploy(
        process(process_id)
        .start_event()
        .script_task("eval", expression="=[string(today()), string(now())]", result_variable="result")
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    process_test.assert_that(instance).is_completed().has_variable("result", ["2030-01-02", "2030-01-02T03:04:05Z"])


def test_feel_evaluation_failure_in_a_process_becomes_an_incident(process_test: ProcessTestHarness) -> None:
    # given
    process_id = f"feel-fail-{uuid4().hex[:8]}"
    process_test.deploy(
        process(process_id)
        .start_event()
        .script_task("eval", expression="=noSuchFunction(1)", result_variable="result")
        .end_event()
        .done()
    )
    # when
    instance = process_test.create_instance(process_id)
    # then
    incident = process_test.assert_that(instance).is_active().has_incident("EXTRACT_VALUE_ERROR", "eval")
    assert "noSuchFunction" in incident.error_message
