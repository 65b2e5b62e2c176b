"""Temporal builtins: constructors (date, time, date and time, duration), the clock and calendar queries."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from oms.engine.feel import temporal as iso
from oms.engine.feel.builtins.common import integer
from oms.engine.feel.builtins.registry import builtin
from oms.engine.feel.values import YearsMonthsDuration

# Fixed English names: the calendar module's names follow the process locale.
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _parsed(parser: Any, text: str) -> Any:
    try:
        return parser(text)
    except ValueError:
        return None  # FEEL: a string that is no valid temporal converts to null


@builtin("date", "from")
@builtin("date", "year", "month", "day")
def date_(*args: Any) -> Any:
    if len(args) == 3:
        parts = [integer(a) for a in args]
        if any(p is None for p in parts):
            return None
        try:
            return date(*parts)  # type: ignore[arg-type]
        except ValueError:
            return None
    value = args[0]
    if isinstance(value, str):
        return _parsed(iso.parse_date, value)
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _offset_zone(offset: Any) -> timezone | None:
    if not isinstance(offset, timedelta) or abs(offset) > timedelta(hours=18):
        return None
    return timezone(offset)


@builtin("time", "from")
@builtin("time", "hour", "minute", "second", "offset?")
def time_(*args: Any) -> Any:
    if len(args) >= 3:
        hour, minute = integer(args[0]), integer(args[1])
        second = args[2]
        if hour is None or minute is None or type(second) is not Decimal:
            return None
        zone = None
        if len(args) == 4 and args[3] is not None:
            zone = _offset_zone(args[3])
            if zone is None:
                return None
        whole = int(second)
        micros = int((second - whole) * 1_000_000)
        try:
            return time(hour, minute, whole, micros, tzinfo=zone)
        except ValueError:
            return None
    value = args[0]
    if isinstance(value, str):
        return _parsed(iso.parse_time, value)
    if isinstance(value, datetime):
        return value.timetz()
    if isinstance(value, date):
        return time(0, 0)
    return value if isinstance(value, time) else None


def _with_zone(value: datetime, zone_id: str) -> datetime | None:
    try:
        zone = ZoneInfo(zone_id)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    # A local date-time is placed in the zone; a zoned one is converted to it (same instant).
    return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)


@builtin("date and time", "from")
@builtin("date and time", "date", "time")
def date_and_time(value: Any, second: Any = None) -> Any:
    if second is None:
        if isinstance(value, str):
            return _parsed(iso.parse_feel_date_time, value)
        if isinstance(value, datetime):
            return value
        return datetime.combine(value, time()) if isinstance(value, date) else None
    if not isinstance(value, date):
        return None
    if isinstance(second, str) and isinstance(value, datetime):
        return _with_zone(value, second)
    if isinstance(second, time):
        day = value.date() if isinstance(value, datetime) else value
        return datetime.combine(day, second)
    return None


@builtin("duration", "from")
def duration(value: Any) -> Any:
    if isinstance(value, timedelta | YearsMonthsDuration):
        return value
    return _parsed(iso.parse_duration, value) if isinstance(value, str) else None


@builtin("years and months duration", "from", "to")
def years_and_months_duration(start: Any, end: Any) -> Any:
    if not isinstance(start, date) or not isinstance(end, date):
        return None
    # Only the date parts count, as java.time.Period.between does.
    first = start.date() if isinstance(start, datetime) else start
    last = end.date() if isinstance(end, datetime) else end
    return YearsMonthsDuration(iso.months_between(first, last))


@builtin("now", needs_now=True)
def now(clock: datetime) -> Any:
    return clock


@builtin("today", needs_now=True)
def today(clock: datetime) -> Any:
    return clock.date()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


@builtin("day of week", "date")
def day_of_week(value: Any) -> Any:
    day = _date(value)
    return None if day is None else _DAYS[day.weekday()]


@builtin("day of year", "date")
def day_of_year(value: Any) -> Any:
    day = _date(value)
    return None if day is None else Decimal(day.timetuple().tm_yday)


@builtin("week of year", "date")
def week_of_year(value: Any) -> Any:
    day = _date(value)
    return None if day is None else Decimal(day.isocalendar().week)


@builtin("month of year", "date")
def month_of_year(value: Any) -> Any:
    day = _date(value)
    return None if day is None else _MONTHS[day.month - 1]


@builtin("last day of month", "date")
def last_day_of_month(value: Any) -> Any:
    day = _date(value)
    if day is None:
        return None
    return iso.add_months(day.replace(day=1), 1) - timedelta(days=1)
