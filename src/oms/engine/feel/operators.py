"""FEEL operator semantics on values: equality, ordering and arithmetic.

Every operation returns None (FEEL null) when its operands do not fit together, instead of raising: a
type mismatch, a division by zero or an overflow is null, as in FEEL-scala.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal, DecimalException
from typing import Any

from oms.engine.feel import temporal
from oms.engine.feel.values import DECIMAL_CONTEXT as CTX
from oms.engine.feel.values import FeelFunction, Range, YearsMonthsDuration

_MICROSECOND = timedelta(microseconds=1)


def _kind(value: Any) -> Any:
    """The comparison class of a value; local and zoned date-times (and times) never compare."""
    kind = type(value)
    if kind is datetime or kind is time:
        return kind, value.tzinfo is None
    if isinstance(value, Mapping):
        return dict
    return kind


def equals(left: Any, right: Any) -> bool | None:
    """FEEL ``=``: null equals only null; values of different types are incomparable (null)."""
    if left is None or right is None:
        return left is None and right is None
    kind = _kind(left)
    if kind != _kind(right):
        return None
    if kind is list:
        if len(left) != len(right):
            return False
        result: bool | None = True
        for a, b in zip(left, right, strict=True):
            same = equals(a, b)
            if same is False:
                return False
            if same is None:
                result = None
        return result
    if kind is dict:
        if left.keys() != right.keys():
            return False
        return equals(list(left.values()), [right[k] for k in left])
    if kind is FeelFunction:
        return left is right
    return bool(left == right)


_ORDERED = frozenset({Decimal, str, date, datetime, time, timedelta, YearsMonthsDuration})


def compare(left: Any, right: Any) -> int | None:
    """-1, 0 or 1 for ordered values of one type (numbers, strings, temporals, durations); else None."""
    kind = type(left)
    if kind is not type(right) or kind not in _ORDERED:
        return None
    if (kind is datetime or kind is time) and (left.tzinfo is None) != (right.tzinfo is None):
        return None  # a local and a zoned value denote different things
    try:
        return -1 if left < right else (1 if left > right else 0)
    except TypeError:
        return None


def apply_comparison(op: str, left: Any, right: Any) -> bool | None:
    """Evaluate ``left op right`` for one of = != < <= > >=."""
    if op == "=":
        return equals(left, right)
    if op == "!=":
        same = equals(left, right)
        return None if same is None else not same
    order = compare(left, right)
    if order is None:
        return None
    if op == "<":
        return order < 0
    if op == "<=":
        return order <= 0
    if op == ">":
        return order > 0
    return order >= 0


# --- arithmetic -----------------------------------------------------------------------------------------


def _scale_duration(duration: timedelta, factor: Decimal) -> timedelta:
    micros = CTX.multiply(Decimal(duration // _MICROSECOND), factor)
    return timedelta(microseconds=int(micros.to_integral_value(context=CTX)))


def add(left: Any, right: Any) -> Any:
    kind = type(left)
    other = type(right)
    if kind is Decimal and other is Decimal:
        return CTX.add(left, right)
    if kind is str and other is str:
        return left + right
    if other is timedelta:
        if kind is timedelta:
            return left + right
        if kind is datetime:
            return temporal.shift_date_time(left, right)
        if kind is date:
            return (datetime.combine(left, time()) + right).date()
        if kind is time:
            return temporal.shift_time(left, right)
    if other is YearsMonthsDuration:
        if kind is YearsMonthsDuration:
            return YearsMonthsDuration(left.months + right.months)
        if kind is datetime or kind is date:
            return temporal.add_months(left, right.months)
    if kind in (timedelta, YearsMonthsDuration) and other in (date, datetime, time):
        return add(right, left)  # addition of a duration to a temporal commutes
    return None


def subtract(left: Any, right: Any) -> Any:
    kind = type(left)
    other = type(right)
    if kind is Decimal and other is Decimal:
        return CTX.subtract(left, right)
    if other is timedelta and kind in (timedelta, datetime, date, time):
        return add(left, -right)
    if other is YearsMonthsDuration and kind in (YearsMonthsDuration, datetime, date):
        return add(left, YearsMonthsDuration(-right.months))
    if kind is other and kind in (date, datetime):
        if kind is datetime and (left.tzinfo is None) != (right.tzinfo is None):
            return None
        return left - right
    if kind is time and other is time:
        return temporal.time_of_day(left) - temporal.time_of_day(right)
    return None


def multiply(left: Any, right: Any) -> Any:
    kind = type(left)
    other = type(right)
    if kind is Decimal and other is Decimal:
        return CTX.multiply(left, right)
    if kind is Decimal and other in (timedelta, YearsMonthsDuration):
        return multiply(right, left)
    if other is Decimal:
        if kind is timedelta:
            return _scale_duration(left, right)
        if kind is YearsMonthsDuration:
            return YearsMonthsDuration(int(CTX.multiply(Decimal(left.months), right)))
    return None


def divide(left: Any, right: Any) -> Any:
    kind = type(left)
    other = type(right)
    if other is Decimal and not right:
        return None  # division by zero is null in FEEL
    if kind is Decimal and other is Decimal:
        return CTX.divide(left, right)
    if other is Decimal:
        if kind is timedelta:
            return _scale_duration(left, CTX.divide(1, right))
        if kind is YearsMonthsDuration:
            return YearsMonthsDuration(int(CTX.divide(Decimal(left.months), right)))
    if kind is timedelta and other is timedelta and right:
        return CTX.divide(Decimal(left // _MICROSECOND), Decimal(right // _MICROSECOND))
    if kind is YearsMonthsDuration and other is YearsMonthsDuration and right.months:
        return CTX.divide(Decimal(left.months), Decimal(right.months))
    return None


def power(left: Any, right: Any) -> Any:
    if type(left) is Decimal and type(right) is Decimal:
        result = CTX.power(left, right)
        return result if result.is_finite() else None  # 0 ** -1 is Infinity in decimal, null in FEEL
    return None


def negate(value: Any) -> Any:
    kind = type(value)
    if kind is Decimal:
        return CTX.minus(value)
    if kind is timedelta:
        return -value
    if kind is YearsMonthsDuration:
        return YearsMonthsDuration(-value.months)
    return None


def _safe(operation: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def guarded(left: Any, right: Any) -> Any:
        try:
            return operation(left, right)
        except (DecimalException, OverflowError, ValueError):
            # Overflow of a decimal or a date out of the calendar's range: no value, hence null.
            return None

    return guarded


ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": _safe(add),
    "-": _safe(subtract),
    "*": _safe(multiply),
    "/": _safe(divide),
    "**": _safe(power),
}


def in_range(value: Any, candidate: Range) -> bool | None:
    """Whether ``value`` lies in the range; None when a bound is null or not comparable with it."""
    order = compare(candidate.start, value)
    if order is None:
        return None
    if order > 0 or (order == 0 and not candidate.start_included):
        return False
    order = compare(value, candidate.end)
    if order is None:
        return None
    return order < 0 or (order == 0 and candidate.end_included)
