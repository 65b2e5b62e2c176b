"""Numeric builtins, computed in the shared 34-digit decimal context."""

from __future__ import annotations

from datetime import timedelta
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from typing import Any

from oms.engine.feel.builtins.common import integer
from oms.engine.feel.builtins.registry import builtin
from oms.engine.feel.values import DECIMAL_CONTEXT as CTX
from oms.engine.feel.values import ONE, ZERO, YearsMonthsDuration

# Scales outside what a 34-digit decimal can express make no sense; they yield null.
_MIN_SCALE, _MAX_SCALE = -6111, 6176


def _round(value: Any, scale: Any, rounding: str) -> Any:
    digits = integer(scale)
    if type(value) is not Decimal or digits is None or not _MIN_SCALE <= digits <= _MAX_SCALE:
        return None
    return value.quantize(ONE.scaleb(-digits), rounding=rounding, context=CTX)


@builtin("decimal", "n", "scale")
def decimal(value: Any, scale: Any) -> Any:
    return _round(value, scale, ROUND_HALF_EVEN)


@builtin("floor", "n", "scale?")
def floor(value: Any, scale: Any = ZERO) -> Any:
    return _round(value, scale, ROUND_FLOOR)


@builtin("ceiling", "n", "scale?")
def ceiling(value: Any, scale: Any = ZERO) -> Any:
    return _round(value, scale, ROUND_CEILING)


@builtin("round up", "n", "scale?")
def round_up(value: Any, scale: Any = ZERO) -> Any:
    return _round(value, scale, ROUND_UP)


@builtin("round down", "n", "scale?")
def round_down(value: Any, scale: Any = ZERO) -> Any:
    return _round(value, scale, ROUND_DOWN)


@builtin("round half up", "n", "scale?")
def round_half_up(value: Any, scale: Any = ZERO) -> Any:
    return _round(value, scale, ROUND_HALF_UP)


@builtin("round half down", "n", "scale?")
def round_half_down(value: Any, scale: Any = ZERO) -> Any:
    return _round(value, scale, ROUND_HALF_DOWN)


@builtin("abs", "n")
def absolute(value: Any) -> Any:
    if type(value) is Decimal:
        return CTX.abs(value)
    if type(value) is timedelta:
        return abs(value)
    if type(value) is YearsMonthsDuration:
        return YearsMonthsDuration(abs(value.months))
    return None


@builtin("modulo", "dividend", "divisor")
def modulo(dividend: Any, divisor: Any) -> Any:
    if type(dividend) is not Decimal or type(divisor) is not Decimal or not divisor:
        return None
    # FEEL's modulo takes the sign of the divisor (floored division), unlike Python's Decimal %.
    quotient = CTX.divide(dividend, divisor).quantize(ONE, rounding=ROUND_FLOOR, context=CTX)
    return CTX.subtract(dividend, CTX.multiply(divisor, quotient))


@builtin("sqrt", "number")
def sqrt(value: Any) -> Any:
    if type(value) is not Decimal or value < 0:
        return None
    return CTX.sqrt(value)


@builtin("log", "number")
def log(value: Any) -> Any:
    if type(value) is not Decimal or value <= 0:
        return None
    return CTX.ln(value)


@builtin("exp", "number")
def exp(value: Any) -> Any:
    return CTX.exp(value) if type(value) is Decimal else None


@builtin("odd", "number")
def odd(value: Any) -> Any:
    number = integer(value)
    return None if number is None else number % 2 == 1


@builtin("even", "number")
def even(value: Any) -> Any:
    number = integer(value)
    return None if number is None else number % 2 == 0
