"""Boolean builtins and Camunda's null-handling extensions."""

from __future__ import annotations

from typing import Any

from oms.engine.feel.builtins.registry import builtin
from oms.engine.feel.errors import FeelEvaluationError


@builtin("not", "negand")
def negation(value: Any) -> Any:
    return not value if isinstance(value, bool) else None


@builtin("is defined", "value")
def is_defined(value: Any) -> Any:
    # Camunda 8.4+: a missing variable and a null value are both "not defined".
    return value is not None


@builtin("get or else", "value", "default")
def get_or_else(value: Any, default: Any) -> Any:
    return default if value is None else value


@builtin("assert", "value", "condition", "cause?")
def assert_(value: Any, condition: Any, cause: Any = None) -> Any:
    if condition is not True:
        message = cause if isinstance(cause, str) else "The condition is not fulfilled"
        raise FeelEvaluationError(f"Assertion failure on evaluate the expression: {message}")
    return value
