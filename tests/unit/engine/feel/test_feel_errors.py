"""Syntax errors name the position; unknown functions and wrong arity fail evaluation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from oms.engine.feel import FeelEvaluationError, FeelSyntaxError, compile_expression


@pytest.mark.parametrize(
    ("expression", "position"),
    [
        ("a >", "end of expression (offset 3)"),
        ("1 +* 2", "line 1, column 4 (offset 3)"),
        ("a ! b", "line 1, column 3 (offset 2)"),
        ("(1 + 2", "end of expression"),
        ("[1, 2", "end of expression"),
        ("{a 1}", "line 1, column 2"),
        ("if a then b", "end of expression"),
        ("a < b < c", "line 1, column 7"),
        ('"unterminated', "line 1, column 1"),
        ("x +\n  * 2", "line 2, column 3"),
        ("for x in xs x", "line 1, column 13"),
        ("f(a: 1, 2)", "line 1, column 9"),
        ("1 2", "line 1, column 3"),
    ],
)
def test_syntax_error_message_names_the_position(expression: str, position: str) -> None:
    with pytest.raises(FeelSyntaxError) as error:
        compile_expression(expression)
    message = str(error.value)
    assert position in message
    assert expression.splitlines()[0] in message  # the message quotes the expression


def test_syntax_error_message_says_what_was_expected() -> None:
    with pytest.raises(FeelSyntaxError, match="expected 'else'"):
        compile_expression("if a then b")
    with pytest.raises(FeelSyntaxError, match="unexpected '\\*'"):
        compile_expression("1 +* 2")


@pytest.mark.parametrize("expression", ["", "   ", "// only a comment"])
def test_empty_expression_is_a_syntax_error(expression: str) -> None:
    with pytest.raises(FeelSyntaxError):
        compile_expression(expression)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ('@"2024-02-30"', "invalid temporal literal"),
        ('@"P1X"', "invalid temporal literal"),
        ('@"tomorrow"', "line 1, column 1"),
    ],
)
def test_invalid_temporal_literal_is_a_syntax_error(expression: str, message: str) -> None:
    with pytest.raises(FeelSyntaxError, match=message):
        compile_expression(expression)


def test_syntax_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        compile_expression("1 +")


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("foo(1, 2)", "no function found with name 'foo' and 2 parameters"),
        ("foo()", "no function found with name 'foo' and 0 parameters"),
        ("count(1, 2)", "no function found with name 'count' and 2 parameters"),
        ("string length()", "no function found with name 'string length' and 0 parameters"),
        ("not(true, false)", "no function found with name 'not' and 2 parameters"),
        ("substring(foo: 1)", "no function found with name 'substring' and parameters: foo"),
        ('substring(string: "x")', "no function found with name 'substring' and parameters: string"),
        ("(function(x) x)(1, 2)", "no function found with name 'anonymous' and 2 parameters"),
        ("x.f(1)", "no function found with name 'anonymous' and 1 parameters"),
        ('matches("a", "[")', "invalid regular expression '\\['"),
        ('matches("a", "a", "z")', "invalid regular expression flag 'z'"),
    ],
)
def test_unknown_function_or_wrong_arguments_raise(expression: str, message: str) -> None:
    compiled = compile_expression(expression)  # compiling succeeds: a function may be bound at run time
    with pytest.raises(FeelEvaluationError, match=message):
        compiled.evaluate({"x": {"f": 1}})


def test_unknown_function_raises_even_when_its_arguments_are_null(feel: Callable[..., Any]) -> None:
    with pytest.raises(FeelEvaluationError, match="'nope'"):
        feel("nope(missing)")


def test_unknown_function_in_an_untaken_branch_does_not_raise(feel: Callable[..., Any]) -> None:
    assert feel("if true then 1 else nope()") == 1


def test_unconvertible_variable_raises_an_evaluation_error(feel: Callable[..., Any]) -> None:
    with pytest.raises(FeelEvaluationError, match="variable 'x'"):
        feel("x", {"x": object()})
