"""ISO 8601 parsing and calendar arithmetic for FEEL temporal values; the engine's timers use it too.

Parsing is deliberately strict (one regular expression per form) so that a typo in a timer definition
is reported at deploy time instead of being read as something else.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from oms.engine.feel.values import YearsMonthsDuration

_D = TypeVar("_D", bound=date)

_DATE = r"(\d{4})-(\d{2})-(\d{2})"
_TIME = r"(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?"
# Either an offset, a region id after "@" (FEEL), or Java's "+01:00[Europe/Berlin]" form.
_ZONE = r"(Z|z|[+-]\d{2}(?::?\d{2})?)?(?:@([A-Za-z][\w/+\-]*)|\[([A-Za-z][\w/+\-]*)\])?"

_DATE_RE = re.compile(rf"{_DATE}")
_TIME_RE = re.compile(rf"T?{_TIME}{_ZONE}")
_DATE_TIME_RE = re.compile(rf"{_DATE}T{_TIME}{_ZONE}")
_DURATION_RE = re.compile(
    r"([+-])?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?"
)


def _zone(offset: str | None, region: str | None, text: str) -> tzinfo | None:
    if region:
        try:
            return ZoneInfo(region)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{region}' in '{text}'") from exc
    if not offset:
        return None
    if offset in ("Z", "z"):
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 18 or minutes > 59:
        raise ValueError(f"invalid zone offset '{offset}' in '{text}'")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _micros(fraction: str | None) -> int:
    # Nanosecond digits beyond the sixth are dropped: Python's datetime resolution is microseconds.
    return int((fraction or "0")[:6].ljust(6, "0"))


def parse_date(text: str) -> date:
    """``YYYY-MM-DD``; raises ValueError otherwise."""
    match = _DATE_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"invalid date '{text}', expected YYYY-MM-DD")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise ValueError(f"invalid date '{text}': {exc}") from exc


def parse_time(text: str) -> time:
    """``HH:MM[:SS[.fff]]`` with an optional offset (``Z``, ``+02:00``) or region (``@Europe/Berlin``)."""
    match = _TIME_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"invalid time '{text}', expected HH:MM:SS with an optional offset")
    hour, minute, second, fraction, offset, region, java_region = match.groups()
    try:
        zone = _zone(offset, region or java_region, text)
        return time(int(hour), int(minute), int(second or 0), _micros(fraction), tzinfo=zone)
    except ValueError as exc:
        raise ValueError(f"invalid time '{text}': {exc}") from exc


def parse_feel_date_time(text: str) -> datetime:
    """A FEEL date-time: naive (local) when the text has neither offset nor region."""
    match = _DATE_TIME_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"invalid date-time '{text}', expected YYYY-MM-DDTHH:MM:SS with an optional offset or @region")
    year, month, day, hour, minute, second, fraction, offset, region, java_region = match.groups()
    zone = _zone(offset, region or java_region, text)
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            _micros(fraction),
            tzinfo=zone,
        )
    except ValueError as exc:
        raise ValueError(f"invalid date-time '{text}': {exc}") from exc


def parse_date_time(text: str) -> datetime:
    """An ISO 8601 instant with offset, ``Z`` or ``@Region/Zone``; text without a zone is read as UTC."""
    value = parse_feel_date_time(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def parse_duration(text: str) -> timedelta | YearsMonthsDuration:
    """``P1DT2H30M``/``PT1.5S``/``P2W`` -> timedelta; ``P1Y2M`` -> YearsMonthsDuration.

    A duration mixing years or months with days or time (``P1Y2D``) is no FEEL type and is rejected.
    """
    match = _DURATION_RE.fullmatch(text.strip())
    if match is None or not any(match.groups()[1:]):
        raise ValueError(f"invalid duration '{text}', expected ISO 8601 like P1DT2H or P1Y2M")
    sign, years, months, weeks, days, hours, minutes, seconds = match.groups()
    negative = sign == "-"
    if years or months:
        if weeks or days or hours or minutes or seconds:
            raise ValueError(f"invalid duration '{text}': years/months cannot be combined with days or time")
        total = int(years or 0) * 12 + int(months or 0)
        return YearsMonthsDuration(-total if negative else total)
    try:
        micros = int(Decimal((seconds or "0").replace(",", ".")) * 1_000_000)
        value = timedelta(
            weeks=int(weeks or 0),
            days=int(days or 0),
            hours=int(hours or 0),
            minutes=int(minutes or 0),
            microseconds=micros,
        )
    except OverflowError as exc:
        raise ValueError(f"invalid duration '{text}': out of range") from exc
    return -value if negative else value


# --- calendar arithmetic --------------------------------------------------------------------------------


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - timedelta(days=1)).day


def add_months(value: _D, months: int) -> _D:
    """Move by whole months, clamping the day (Jan 31 + 1 month = Feb 28/29), as java.time does."""
    index = value.year * 12 + value.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    day = min(value.day, _days_in_month(year, month))
    return value.replace(year=year, month=month, day=day)


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (negative when end is earlier), like java.time.Period.between."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return months


def shift_date_time(value: datetime, delta: timedelta) -> datetime:
    """Add an exact duration; a zoned value moves on the time line (Java semantics), not the wall clock."""
    zone = value.tzinfo
    if zone is None:
        return value + delta
    return (value.astimezone(UTC) + delta).astimezone(zone)


def shift_time(value: time, delta: timedelta) -> time:
    """Add a duration to a time of day, wrapping around midnight."""
    micros = ((value.hour * 60 + value.minute) * 60 + value.second) * 1_000_000 + value.microsecond
    micros = (micros + delta // timedelta(microseconds=1)) % (86_400 * 1_000_000)
    seconds, micro = divmod(micros, 1_000_000)
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60, micro, tzinfo=value.tzinfo)


def time_of_day(value: time) -> timedelta:
    """The time since midnight (ignoring the zone), used to subtract two times."""
    return timedelta(hours=value.hour, minutes=value.minute, seconds=value.second, microseconds=value.microsecond)


# --- properties reachable with a path (date.year, duration.hours, ...) ----------------------------------


def _zone_properties(value: datetime | time) -> dict[str, Any]:
    zone = value.tzinfo
    key = getattr(zone, "key", None)
    offset = value.utcoffset() if zone is not None else None
    return {"time offset": offset, "timezone": key if isinstance(key, str) else None}


def temporal_property(value: Any, name: str) -> Any:
    """The named component of a temporal value, or None when it has no such property."""
    props: dict[str, Any]
    if isinstance(value, datetime):
        props = {
            "year": value.year,
            "month": value.month,
            "day": value.day,
            "weekday": value.isoweekday(),
            "hour": value.hour,
            "minute": value.minute,
            "second": value.second,
        }
        props.update(_zone_properties(value))
    elif isinstance(value, date):
        props = {"year": value.year, "month": value.month, "day": value.day, "weekday": value.isoweekday()}
    elif isinstance(value, time):
        props = {"hour": value.hour, "minute": value.minute, "second": value.second}
        props.update(_zone_properties(value))
    elif isinstance(value, timedelta):
        total = abs(value)
        sign = -1 if value < timedelta(0) else 1
        props = {
            "days": sign * total.days,
            "hours": sign * (total.seconds // 3600),
            "minutes": sign * (total.seconds // 60 % 60),
            "seconds": sign * (total.seconds % 60),
        }
    elif isinstance(value, YearsMonthsDuration):
        sign = -1 if value.months < 0 else 1
        props = {"years": sign * (abs(value.months) // 12), "months": sign * (abs(value.months) % 12)}
    else:
        return None
    result = props.get(name)
    return Decimal(result) if isinstance(result, int) else result
