"""Variables, paths, filters and indexes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

VARIABLES = {
    "order": {"id": "o-1", "customer": {"name": "Ann", "tier": "gold"}, "total": 99.5},
    "items": [
        {"sku": "a", "price": 5, "qty": 2},
        {"sku": "b", "price": 15, "qty": 1},
        {"sku": "c", "price": 25},
    ],
    "xs": [1, 2, 3],
    "i": 2,
    "flag": True,
}

Check = Callable[..., None]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("order.id", "o-1"),
        ("order.customer.name", "Ann"),
        ("order.total", 99.5),
        ("items.sku", ["a", "b", "c"]),
        ("items.qty", [2, 1, None]),
        ("{a: {b: {c: 1}}}.a.b.c", 1),
        ('{"b c": 2}.`b c`', 2),
    ],
)
def test_paths_read_context_entries_and_map_over_lists(check: Check, expression: str, expected: Any) -> None:
    check(expression, VARIABLES, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("xs[1]", 1),
        ("xs[3]", 3),
        ("xs[-1]", 3),
        ("xs[-3]", 1),
        ("xs[i]", 2),
        ("xs[-i]", 2),
        ("xs[i + 1]", 3),
        ("items[2].sku", "b"),
        ("items[-1].price", 25),
    ],
)
def test_indexes_are_one_based_and_negative_from_the_end(check: Check, expression: str, expected: Any) -> None:
    check(expression, VARIABLES, expected)


@pytest.mark.parametrize("expression", ["xs[0]", "xs[4]", "xs[-4]", "xs[1.5]", "missing[1]"])
def test_index_out_of_range_is_null(check: Check, expression: str) -> None:
    check(expression, VARIABLES, None)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("items[price > 10].sku", ["b", "c"]),
        ("items[price > 10 and qty = 1].sku", ["b"]),
        ("items[item.price < 10].sku", ["a"]),
        ("items[price > 100]", []),
        ("items[qty > 0].sku", ["a", "b"]),
        ("xs[item > 1]", [2, 3]),
        ("[1, 2, 3][item > 1]", [2, 3]),
        ("xs[item > 1][1]", 2),
        ("xs[even(item)]", [2]),
        ('["a", "bb"][string length(item) > 1]', ["bb"]),
        ("xs[item in [1, 3]]", [1, 3]),
        ("{a: 1}[a > 0]", [{"a": 1}]),
    ],
)
def test_filters_keep_the_elements_whose_condition_is_true(check: Check, expression: str, expected: Any) -> None:
    check(expression, VARIABLES, expected)


def test_filter_sees_outer_variables(check: Check) -> None:
    check("items[price > limit].sku", {**VARIABLES, "limit": 20}, ["c"])


def test_filter_variable_holding_a_boolean_is_evaluated_per_element(check: Check) -> None:
    check("xs[flag]", VARIABLES, [1, 2, 3])


@pytest.mark.parametrize("expression", ["missing", "missing.x", "order.missing", "order.missing.deeper", "order.id.x"])
def test_missing_variable_or_entry_evaluates_to_null(check: Check, expression: str) -> None:
    check(expression, VARIABLES, None)


def test_filter_on_null_is_null(check: Check) -> None:
    check("missing[item > 1]", VARIABLES, None)


def test_variables_holding_ints_floats_and_nested_data_are_converted(check: Check) -> None:
    variables = {"n": 3, "f": 0.1, "nested": {"list": [1, {"x": 2.5}]}, "t": (1, 2)}
    check("n + f", variables, 3.1)
    check("nested", variables, {"list": [1, {"x": 2.5}]})
    check("nested.list[2].x", variables, 2.5)
    check("t", variables, [1, 2])


def test_backtick_names_address_variables_with_spaces(check: Check) -> None:
    check("`order total` * 2", {"order total": 4}, 8)


def test_multi_word_builtin_names_are_function_names_only_before_a_parenthesis(check: Check) -> None:
    check("date and time", {"date": True, "time": False}, False)
    check('string length("abc") + string  length("de")', None, 5)
    check(
        'years and months duration(@"2024-01-01", @"2025-03-01") instance of years and months duration',
        None,
        True,
    )


def test_named_arguments_may_contain_spaces(check: Check) -> None:
    check('string join(list: ["a", "b"], delimiter: "+")', None, "a+b")
    check('substring(start position: 2, string: "abc")', None, "bc")


def test_keywords_are_valid_context_keys_and_path_names(check: Check) -> None:
    check("{then: 1, else: 2, for: 3}.else", None, 2)
