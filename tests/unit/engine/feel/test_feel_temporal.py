"""Temporal builtins, arithmetic and properties; the clock comes from ``now``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from oms.engine.feel import YearsMonthsDuration, compile_expression

Check = Callable[..., None]
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('date("2024-01-31")', date(2024, 1, 31)),
        ("date(2024, 2, 29)", date(2024, 2, 29)),
        ('date(date and time("2024-01-31T23:00:00Z"))', date(2024, 1, 31)),
        ('date(from: "2024-05-01")', date(2024, 5, 1)),
        ("date(year: 2024, month: 1, day: 2)", date(2024, 1, 2)),
        ('time("10:30:00")', time(10, 30)),
        ('time("10:30")', time(10, 30)),
        ('time("10:30:00Z")', time(10, 30, tzinfo=UTC)),
        ("time(10, 30, 15.5)", time(10, 30, 15, 500000)),
        ('time(10, 30, 0, duration("PT2H"))', time(10, 30, tzinfo=timezone(timedelta(hours=2)))),
        ('time(date and time("2024-01-01T08:15:00"))', time(8, 15)),
        ('date and time("2024-01-01T10:00:00")', datetime(2024, 1, 1, 10)),
        ('date and time("2024-01-01T10:00:00Z")', datetime(2024, 1, 1, 10, tzinfo=UTC)),
        (
            'date and time("2024-01-01T10:00:00.123+02:00")',
            datetime(2024, 1, 1, 10, 0, 0, 123000, tzinfo=timezone(timedelta(hours=2))),
        ),
        ('date and time("2024-01-01T10:00:00@Europe/Berlin")', datetime(2024, 1, 1, 10, tzinfo=BERLIN)),
        ('date and time(date("2024-01-01"), time("10:00:00Z"))', datetime(2024, 1, 1, 10, tzinfo=UTC)),
        (
            'date and time(date and time("2024-01-01T10:00:00Z"), "Europe/Berlin")',
            datetime(2024, 1, 1, 11, tzinfo=BERLIN),
        ),
        ('duration("P1DT2H")', timedelta(days=1, hours=2)),
        ('duration("PT1.5S")', timedelta(seconds=1.5)),
        ('duration("P2W")', timedelta(days=14)),
        ('duration("-PT5M")', timedelta(minutes=-5)),
        ('duration("P1Y2M")', YearsMonthsDuration(14)),
        ('years and months duration(date("2011-12-22"), date("2013-08-24"))', YearsMonthsDuration(20)),
        ('years and months duration(date("2013-08-24"), date("2011-12-22"))', YearsMonthsDuration(-20)),
    ],
)
def test_temporal_constructors(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    "expression",
    [
        'date("2024-13-01")',
        'date("2024-02-30")',
        'date("yesterday")',
        "date(2024, 2, 30)",
        'time("25:00:00")',
        'date and time("2024-01-01")',
        'date and time("2024-01-01T10:00:00@Mars/Base")',
        'duration("P1Y2D")',
        'duration("xyz")',
        'duration("P")',
        "date(1)",
    ],
)
def test_invalid_temporal_text_converts_to_null(check: Check, expression: str) -> None:
    check(expression, None, None)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('date("2024-01-31") + duration("P1M")', date(2024, 2, 29)),
        ('date("2024-01-31") + duration("P1D")', date(2024, 2, 1)),
        ('duration("P1D") + date("2024-01-31")', date(2024, 2, 1)),
        ('date("2024-03-01") - duration("P1D")', date(2024, 2, 29)),
        ('date("2024-03-31") - duration("P1M")', date(2024, 2, 29)),
        ('date("2024-03-01") - date("2024-01-01")', timedelta(days=60)),
        ('@"2024-01-01T10:00:00Z" + duration("PT90M")', datetime(2024, 1, 1, 11, 30, tzinfo=UTC)),
        ('@"2024-01-31T10:00:00" + duration("P1M")', datetime(2024, 2, 29, 10)),
        ('@"2024-01-01T10:00:00Z" - @"2024-01-01T08:30:00Z"', timedelta(hours=1, minutes=30)),
        ('@"2024-03-30T12:00:00@Europe/Berlin" + duration("P1D")', datetime(2024, 3, 31, 13, tzinfo=BERLIN)),
        ('time("22:00:00") + duration("PT3H")', time(1, 0)),
        ('time("10:00:00") - time("08:30:00")', timedelta(hours=1, minutes=30)),
        ('duration("P1D") + duration("PT12H")', timedelta(days=1, hours=12)),
        ('duration("P1DT2H") * 2', timedelta(days=2, hours=4)),
        ('2 * duration("PT1H")', timedelta(hours=2)),
        ('duration("PT1H") / 2', timedelta(minutes=30)),
        ('duration("P2D") / duration("P1D")', 2),
        ('duration("P1Y") * 2', YearsMonthsDuration(24)),
        ('duration("P1Y") - duration("P2M")', YearsMonthsDuration(10)),
        ('-duration("PT1H")', timedelta(hours=-1)),
    ],
)
def test_temporal_arithmetic(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    "expression",
    [
        'date("2024-01-01") + 1',
        'duration("PT1H") + 1',
        'date("2024-01-01") - @"2024-01-01T00:00:00"',
        '@"2024-01-01T10:00:00" - @"2024-01-01T10:00:00Z"',
        'duration("PT1H") / 0',
        'date("9999-12-31") + duration("P1D")',
    ],
)
def test_temporal_arithmetic_on_mismatched_values_is_null(check: Check, expression: str) -> None:
    check(expression, None, None)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('date("2024-01-01") < date("2024-01-02")', True),
        ('date("2024-01-01") = date("2024-01-01")', True),
        ('@"2024-01-01T10:00:00@Europe/Berlin" = @"2024-01-01T09:00:00Z"', True),
        ('@"2024-01-01T10:00:00Z" < @"2024-01-01T10:00:01Z"', True),
        ('@"10:00:00" < @"11:00:00"', True),
        ('date("2024-01-01") < @"2024-01-01T00:00:00"', None),
        ('date("2024-01-05") between date("2024-01-01") and date("2024-01-31")', True),
    ],
)
def test_temporal_comparison(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('date("2024-03-15").year', 2024),
        ('date("2024-03-15").month', 3),
        ('date("2024-03-15").day', 15),
        ('date("2024-03-15").weekday', 5),
        ('@"2024-03-15T10:20:30Z".hour', 10),
        ('@"2024-03-15T10:20:30Z".minute', 20),
        ('@"2024-03-15T10:20:30Z".second', 30),
        ('@"2024-03-15T10:20:30@Europe/Berlin".timezone', "Europe/Berlin"),
        ('@"2024-03-15T10:20:30+02:00".`time offset`', timedelta(hours=2)),
        ('duration("P1DT2H3M4S").days', 1),
        ('duration("P1DT2H3M4S").hours', 2),
        ('duration("P1DT2H3M4S").minutes', 3),
        ('duration("P1DT2H3M4S").seconds', 4),
        ('duration("P1Y2M").years', 1),
        ('duration("P1Y2M").months', 2),
        ('date("2024-03-15").hour', None),
    ],
)
def test_temporal_properties(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('day of week(date("2024-03-15"))', "Friday"),
        ('day of year(date("2024-03-15"))', 75),
        ('week of year(date("2024-03-15"))', 11),
        ('month of year(date("2024-03-15"))', "March"),
        ('last day of month(date("2024-02-10"))', date(2024, 2, 29)),
        ('last day of month(date("2023-12-10"))', date(2023, 12, 31)),
        ('abs(duration("-PT1H"))', timedelta(hours=1)),
    ],
)
def test_calendar_functions(check: Check, expression: str, expected: Any) -> None:
    check(expression, None, expected)


def test_now_and_today_use_the_engine_clock(check: Check) -> None:
    check("now()", None, datetime(2024, 3, 15, 12, 30, tzinfo=UTC))
    check("today()", None, date(2024, 3, 15))
    check('now() > date and time("2024-03-15T12:00:00Z")', None, True)
    check('now() + duration("PT1H")', None, datetime(2024, 3, 15, 13, 30, tzinfo=UTC))


def test_now_defaults_to_the_real_utc_time() -> None:
    before = datetime.now(UTC)
    value = compile_expression("now()").evaluate({})
    assert before <= value <= datetime.now(UTC)
    assert value.utcoffset() == timedelta(0)


def test_temporal_variables_are_used_as_they_are(check: Check) -> None:
    due = datetime(2024, 3, 16, 9, tzinfo=UTC)
    check("due > now()", {"due": due}, True)
    check("due - now()", {"due": due}, timedelta(hours=20, minutes=30))
    check("date(due)", {"due": due}, date(2024, 3, 16))


def test_iso_strings_in_variables_need_an_explicit_conversion(check: Check) -> None:
    check("due > now()", {"due": "2024-03-16T09:00:00Z"}, None)
    check("date and time(due) > now()", {"due": "2024-03-16T09:00:00Z"}, True)
