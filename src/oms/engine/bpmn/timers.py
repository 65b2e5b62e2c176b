"""Timer values: checking static ones at deploy time and computing when a timer is due.

Zeebe accepts three kinds of timer values:

* ``timeDuration``: an ISO 8601 duration (``PT10S``, ``P1M``); due ``now + duration``. Years and
  months are calendar units, so ``P1M`` from January 31st lands on the last day of February.
* ``timeDate``: an ISO 8601 date-time *with an offset* (``2024-05-01T10:00:00Z``). Zeebe refuses a
  date-time without an offset and so do we: a process must mean the same thing on a real cluster.
* ``timeCycle``: an ISO 8601 repeating interval ``R[n]/[start/]duration`` (no ``n`` = forever), or a
  Spring-style cron expression with six fields (``second minute hour day month weekday``) or one of
  its macros (``@daily``…). Cron cycles repeat forever and fire in UTC.

ISO values are parsed with ``isodate`` so that this module depends on nothing but the standard
library and its two small helpers (``isodate``, ``croniter``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import isodate  # type: ignore[import-untyped]  # ships neither stubs nor py.typed
from croniter import croniter

from oms.engine.bpmn.model import TimerKind

#: Spring's cron macros, as the six-field expressions Spring expands them to.
_CRON_MACROS: dict[str, str] = {
    "@yearly": "0 0 0 1 1 *",
    "@annually": "0 0 0 1 1 *",
    "@monthly": "0 0 0 1 * *",
    "@weekly": "0 0 0 * * 0",
    "@daily": "0 0 0 * * *",
    "@midnight": "0 0 0 * * *",
    "@hourly": "0 0 * * * *",
}

_REPEATING = re.compile(r"^R(?P<count>\d*)/(?P<rest>.+)$")


@dataclass(frozen=True)
class TimerSchedule:
    """When a timer fires next.

    ``repetitions`` is how many firings remain, this one included (``None`` = forever): 1 for a
    duration or a date, ``n - repetitions_done`` for ``Rn/…``. ``interval`` is the fixed period of an
    ISO cycle whose duration has no years or months; otherwise ``None``, and the next firing is
    found by calling :func:`next_due` again with ``now`` = this ``due``.
    """

    due: datetime
    repetitions: int | None
    interval: timedelta | None


@dataclass(frozen=True)
class _Period:
    """An ISO duration: calendar months (years are 12 of them) plus an exact time span."""

    months: int
    span: timedelta

    def after(self, moment: datetime) -> datetime:
        if self.months:
            index = moment.month - 1 + self.months
            year, month = moment.year + index // 12, index % 12 + 1
            # Jan 31 + P1M is the last day of February, as in java.time (and so in Zeebe).
            moment = moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))
        return moment + self.span


@dataclass(frozen=True)
class _IsoCycle:
    count: int | None
    start: datetime | None
    period: _Period


def parse_static_timer(kind: TimerKind, text: str) -> None:
    """Check a static (non-FEEL) timer value; raises ValueError saying what is wrong."""
    if kind is TimerKind.DURATION:
        _parse_duration(text)
    elif kind is TimerKind.DATE:
        _parse_date_time(text)
    elif _is_iso_cycle(text):
        _parse_iso_cycle(text)
    else:
        _cron_expression(text)


def next_due(kind: TimerKind, text_value: str, now: datetime, *, repetitions_done: int = 0) -> TimerSchedule | None:
    """The next firing of a timer after ``now``, or None when a finite cycle has run out.

    ``text_value`` is the static value or the result of its FEEL expression. ``now`` must be
    timezone-aware; every returned ``due`` is in UTC.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    if kind is TimerKind.DURATION:
        return TimerSchedule(due=_parse_duration(text_value).after(now), repetitions=1, interval=None)
    if kind is TimerKind.DATE:
        return TimerSchedule(due=_parse_date_time(text_value), repetitions=1, interval=None)
    if _is_iso_cycle(text_value):
        return _next_iso_cycle(_parse_iso_cycle(text_value), now, repetitions_done)
    expression = _cron_expression(text_value)
    # Spring matches day-of-month AND day-of-week (classic cron ORs them): hence day_or=False.
    due = croniter(expression, now, second_at_beginning=True, day_or=False).get_next(datetime)
    return TimerSchedule(due=due.astimezone(UTC), repetitions=None, interval=None)


def _next_iso_cycle(cycle: _IsoCycle, now: datetime, repetitions_done: int) -> TimerSchedule | None:
    remaining = None if cycle.count is None else cycle.count - repetitions_done
    if remaining is not None and remaining <= 0:
        return None
    interval = None if cycle.period.months else cycle.period.span
    if cycle.start is None:
        return TimerSchedule(due=cycle.period.after(now), repetitions=remaining, interval=interval)
    if cycle.start > now:
        return TimerSchedule(due=cycle.start, repetitions=remaining, interval=interval)
    # A start in the past: the first point of the series start + k*period after now.
    due = cycle.start
    if interval is not None:
        due += interval * ((now - cycle.start) // interval + 1)
    else:
        while due <= now:  # calendar periods (P1M) have no fixed length to divide by
            due = cycle.period.after(due)
    return TimerSchedule(due=due, repetitions=remaining, interval=interval)


def _parse_duration(text: str) -> _Period:
    value = text.strip()
    invalid = f"'{text}' is not an ISO 8601 duration (e.g. PT10S, P1D)"
    # isodate reads a bare "PT" as zero; java.time (so Zeebe) refuses it, and so do we.
    if not value.startswith("P") or not any(char.isdigit() for char in value):
        raise ValueError(invalid)
    try:
        parsed: object = isodate.parse_duration(value)
    except (isodate.ISO8601Error, ValueError) as exc:
        raise ValueError(invalid) from exc
    if isinstance(parsed, timedelta):
        return _Period(months=0, span=parsed)
    # isodate returns its own Duration when there are years or months.
    months = 12 * getattr(parsed, "years", 0) + getattr(parsed, "months", 0)
    span = getattr(parsed, "tdelta", timedelta())
    if months != int(months) or not isinstance(span, timedelta):
        raise ValueError(f"duration '{text}' has a fractional number of years or months")
    return _Period(months=int(months), span=span)


def _parse_date_time(text: str) -> datetime:
    try:
        value: object = isodate.parse_datetime(text.strip())
    except (isodate.ISO8601Error, ValueError) as exc:
        raise ValueError(f"'{text}' is not an ISO 8601 date-time (e.g. 2024-05-01T10:00:00Z)") from exc
    if not isinstance(value, datetime):
        raise ValueError(f"'{text}' is not an ISO 8601 date-time (e.g. 2024-05-01T10:00:00Z)")
    if value.tzinfo is None:
        raise ValueError(f"date-time '{text}' has no offset (add Z or +hh:mm)")
    return value.astimezone(UTC)


def _is_iso_cycle(text: str) -> bool:
    return text.strip().startswith("R")


def _parse_iso_cycle(text: str) -> _IsoCycle:
    match = _REPEATING.match(text.strip())
    if match is None:
        raise ValueError(f"'{text}' is not an ISO 8601 repeating interval (e.g. R3/PT10S)")
    count = int(match["count"]) if match["count"] else None
    parts = match["rest"].split("/")
    if len(parts) > 2:
        raise ValueError(f"'{text}' is not a repeating interval R[n]/[start/]duration")
    start = _parse_date_time(parts[0]) if len(parts) == 2 else None
    period = _parse_duration(parts[-1])
    if period.months <= 0 and period.span <= timedelta(0):
        raise ValueError(f"the interval of cycle '{text}' must be longer than zero")
    return _IsoCycle(count=count, start=start, period=period)


def _cron_expression(text: str) -> str:
    """The six-field expression of a Spring cron value (macros expanded); ValueError if invalid."""
    value = text.strip()
    value = _CRON_MACROS.get(value.lower(), value)
    if len(value.split()) != 6:
        raise ValueError(
            f"'{text}' is neither a repeating interval (R3/PT10S) nor a cron expression with six "
            "fields (second minute hour day month weekday)"
        )
    if not croniter.is_valid(value, second_at_beginning=True):
        raise ValueError(f"'{text}' is not a valid cron expression")
    return value
