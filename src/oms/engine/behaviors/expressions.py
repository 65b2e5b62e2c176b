"""Evaluating model expressions for a scope; every evaluation problem becomes a ``Failure``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from oms.engine.bpmn.model import Expression
from oms.engine.feel import FeelEvaluationError
from oms.engine.processing.context import ProcessingContext
from oms.engine.processing.failure import ErrorType, Failure


def evaluate(
    ctx: ProcessingContext,
    expression: Expression,
    scope_key: int,
    error_type: ErrorType,
    overrides: dict[str, Any] | None = None,
) -> Any | Failure:
    """Evaluate in the scope ``scope_key`` sees; ``overrides`` shadow variables (values about to be set)."""
    if expression.feel is None:
        return expression.source
    variables = ctx.visible_variables(scope_key)
    if overrides:
        variables = {**variables, **overrides}
    try:
        return expression.feel.evaluate(variables, now=ctx.now)
    except FeelEvaluationError as error:
        return Failure(error_type, f"Expected to evaluate expression '{expression.source}', but {error}")
    except Exception as error:  # an interpreter defect must stop this branch as an incident, not crash
        return Failure(
            error_type,
            f"Expected to evaluate expression '{expression.source}', but the evaluation failed unexpectedly:"
            f" {type(error).__name__}: {error}",
        )


def evaluate_string(
    ctx: ProcessingContext, expression: Expression, scope_key: int, what: str, error_type: ErrorType
) -> str | Failure:
    value = evaluate(ctx, expression, scope_key, error_type)
    if isinstance(value, Failure):
        return value
    if isinstance(value, str):
        return value
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return str(value)
    return Failure(
        error_type,
        f"Expected {what} expression '{expression.source}' to evaluate to a string or number,"
        f" but it was {_describe(value)}",
    )


def evaluate_int(
    ctx: ProcessingContext, expression: Expression, scope_key: int, what: str, error_type: ErrorType
) -> int | Failure:
    value = evaluate(ctx, expression, scope_key, error_type)
    if isinstance(value, Failure):
        return value
    try:
        number = Decimal(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else value
        if isinstance(number, Decimal) and number == number.to_integral_value():
            return int(number)
    except ArithmeticError:
        pass
    return Failure(
        error_type,
        f"Expected {what} expression '{expression.source}' to evaluate to an integer, but it was {_describe(value)}",
    )


def evaluate_bool(
    ctx: ProcessingContext, expression: Expression, scope_key: int, overrides: dict[str, Any] | None = None
) -> bool | Failure:
    value = evaluate(ctx, expression, scope_key, ErrorType.CONDITION_ERROR, overrides)
    if isinstance(value, (Failure, bool)):
        return value
    return Failure(
        ErrorType.CONDITION_ERROR,
        f"Expected condition '{expression.source}' to evaluate to a boolean, but it was {_describe(value)}",
    )


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    return f"{type(value).__name__} '{value}'"
