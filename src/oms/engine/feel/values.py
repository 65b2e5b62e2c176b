"""FEEL value types, the decimal context and conversion from and to JSON-compatible Python values.

FEEL values are plain Python objects: ``None``, ``bool``, ``str``, ``Decimal``, ``list``, ``dict`` (a
context), ``date``, ``datetime``, ``time``, ``timedelta`` (days-time duration), plus the three small types
defined here: :class:`YearsMonthsDuration`, :class:`Range` and :class:`FeelFunction`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from typing import Any

# DECIMAL128 precision. Every operation passes this context explicitly, so the result never depends on
# the calling thread's decimal context.
DECIMAL_CONTEXT = Context(
    prec=34,
    rounding=ROUND_HALF_EVEN,
    Emax=6144,
    Emin=-6143,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

ZERO = Decimal(0)
ONE = Decimal(1)


@dataclass(frozen=True, slots=True, order=True)
class YearsMonthsDuration:
    """A FEEL years-and-months duration, e.g. ``P1Y2M`` is ``YearsMonthsDuration(14)``."""

    months: int

    def __str__(self) -> str:
        return format_years_months(self.months)


@dataclass(frozen=True, slots=True)
class Range:
    """A FEEL range (interval) like ``[1..10)``."""

    start: Any
    end: Any
    start_included: bool = True
    end_included: bool = True

    def __str__(self) -> str:
        left = "[" if self.start_included else "("
        right = "]" if self.end_included else ")"
        return f"{left}{format_value(self.start)}..{format_value(self.end)}{right}"


@dataclass(frozen=True, slots=True, eq=False)
class FeelFunction:
    """A function value: a user-defined ``function(a, b) ...`` bound to its scope, or a builtin."""

    name: str
    params: tuple[str, ...]
    invoke: Callable[..., Any]


def _from_float(value: float) -> Decimal | None:
    if math.isnan(value) or math.isinf(value):
        return None
    # repr() is the shortest text that round-trips, so 0.1 becomes Decimal("0.1"), not its binary value.
    return Decimal(repr(value))


def from_json(value: Any) -> Any:
    """Convert a JSON-compatible Python value (and FEEL temporal values) into a FEEL value.

    Numbers become ``Decimal``; lists and dicts are converted recursively; tuples become lists.
    Raises ``TypeError`` for anything that has no FEEL counterpart.
    """
    kind = type(value)
    if value is None or kind is str or kind is bool:
        return value
    if kind is int:
        return Decimal(value)
    if kind is Decimal:
        return value if value.is_finite() else None
    if kind is dict:
        return {str(k): from_json(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [from_json(v) for v in value]
    if kind is float:
        return _from_float(value)
    # Subclasses and the less common types are checked after the exact-type fast paths above.
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return Decimal(int(value))
    if isinstance(value, float):
        return _from_float(value)
    if isinstance(value, date | time | timedelta | YearsMonthsDuration | Range | FeelFunction):
        return value
    if isinstance(value, Mapping):
        return {str(k): from_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [from_json(v) for v in value]
    raise TypeError(f"cannot convert a value of type {type(value).__name__} to a FEEL value")


def to_json(value: Any) -> Any:
    """Convert a FEEL value into JSON-compatible Python.

    ``Decimal`` becomes ``int`` when integral, else ``float``; temporal values and ranges become ISO 8601
    text; contexts become dicts; functions become ``None`` (JSON cannot hold them).
    """
    kind = type(value)
    if value is None or kind is str or kind is bool:
        return value
    if kind is Decimal:
        if not value.is_finite():
            return None
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if kind is list or kind is tuple:
        return [to_json(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, FeelFunction):
        return None
    if isinstance(value, int | float):
        return value
    return format_value(value)


def format_number(value: Decimal) -> str:
    """Plain notation without exponent or trailing zeros: ``1.50`` -> ``"1.5"``, ``1E+2`` -> ``"100"``."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(DECIMAL_CONTEXT), "f")


def format_value(value: Any) -> str:
    """The text ``string(value)`` produces (``null`` for None inside lists and contexts)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return format_number(value)
    if isinstance(value, datetime):
        return format_date_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return format_time(value)
    if isinstance(value, timedelta):
        return format_days_time(value)
    if isinstance(value, YearsMonthsDuration | Range):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_format_nested(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}:{_format_nested(v)}" for k, v in value.items()) + "}"
    if isinstance(value, FeelFunction):
        return f"function({', '.join(value.params)})"
    return str(value)


def _format_nested(value: Any) -> str:
    # Strings inside a list or context are quoted so that ["a, b"] and ["a", "b"] stay distinguishable.
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return format_value(value)


def type_name(value: Any) -> str:
    """The FEEL type name of a value, as ``instance of`` and error messages spell it."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "date and time"
    if isinstance(value, date):
        return "date"
    if isinstance(value, time):
        return "time"
    if isinstance(value, timedelta):
        return "days and time duration"
    if isinstance(value, YearsMonthsDuration):
        return "years and months duration"
    if isinstance(value, list):
        return "list"
    if isinstance(value, Mapping):
        return "context"
    if isinstance(value, Range):
        return "range"
    if isinstance(value, FeelFunction):
        return "function"
    return type(value).__name__


# --- ISO 8601 text of temporal values -------------------------------------------------------------------


def _format_seconds(seconds: int, microseconds: int) -> str:
    if not microseconds:
        return f"{seconds:02d}"
    return f"{seconds:02d}.{microseconds:06d}".rstrip("0")


def _format_offset(value: datetime | time) -> str:
    zone = value.tzinfo
    if zone is None:
        return ""
    key = getattr(zone, "key", None)
    if isinstance(key, str):
        # A region id (ZoneInfo) is kept as FEEL writes it, e.g. 10:00:00@Europe/Berlin.
        return "@" + key
    offset = value.utcoffset()
    if offset is None:
        return ""
    if not offset:
        return "Z"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def format_time(value: time) -> str:
    """``10:30:00``, ``10:30:00.5Z``, ``10:30:00+02:00`` or ``10:30:00@Europe/Berlin``."""
    text = f"{value.hour:02d}:{value.minute:02d}:{_format_seconds(value.second, value.microsecond)}"
    return text + _format_offset(value)


def format_date_time(value: datetime) -> str:
    """``2024-01-01T10:00:00`` (local), ``...Z``, ``...+01:00`` or ``...@Europe/Berlin``."""
    clock = f"{value.hour:02d}:{value.minute:02d}:{_format_seconds(value.second, value.microsecond)}"
    return f"{value.date().isoformat()}T{clock}{_format_offset(value)}"


def format_days_time(value: timedelta) -> str:
    """ISO 8601 days-time duration: ``P1DT2H3M4.5S``, ``-PT5M``, ``PT0S``."""
    micros = (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    sign = "-" if micros < 0 else ""
    micros = abs(micros)
    seconds, fraction = divmod(micros, 1_000_000)
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3_600)
    minutes, seconds = divmod(seconds, 60)
    text = f"{sign}P"
    if days:
        text += f"{days}D"
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if seconds or fraction:
        clock += (f"{seconds}.{fraction:06d}".rstrip("0") if fraction else str(seconds)) + "S"
    if clock:
        text += "T" + clock
    return text if (days or clock) else "PT0S"


def format_years_months(months: int) -> str:
    """ISO 8601 years-months duration: ``P1Y2M``, ``-P3M``, ``P0M``."""
    sign = "-" if months < 0 else ""
    years, rest = divmod(abs(months), 12)
    text = f"{sign}P"
    if years:
        text += f"{years}Y"
    if rest or not years:
        text += f"{rest}M"
    return text
