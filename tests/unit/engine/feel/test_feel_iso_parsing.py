"""The ISO 8601 helpers of ``oms.engine.feel.temporal`` that BPMN timers use too."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from oms.engine.feel import YearsMonthsDuration
from oms.engine.feel.temporal import (
    add_months,
    months_between,
    parse_date,
    parse_date_time,
    parse_duration,
    parse_time,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-01T10:00:00Z", datetime(2024, 1, 1, 10, tzinfo=UTC)),
        ("2024-01-01T10:00:00z", datetime(2024, 1, 1, 10, tzinfo=UTC)),
        ("2024-01-01T10:00:00+02:00", datetime(2024, 1, 1, 10, tzinfo=timezone(timedelta(hours=2)))),
        (
            "2024-01-01T10:00:00-0530",
            datetime(2024, 1, 1, 10, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
        ),
        ("2024-01-01T10:00:00.5Z", datetime(2024, 1, 1, 10, 0, 0, 500000, tzinfo=UTC)),
        ("2024-01-01T10:00:00.123456789Z", datetime(2024, 1, 1, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2024-01-01T10:00Z", datetime(2024, 1, 1, 10, tzinfo=UTC)),
        ("2024-01-01T10:00:00@Europe/Berlin", datetime(2024, 1, 1, 10, tzinfo=ZoneInfo("Europe/Berlin"))),
        (
            "2024-01-01T10:00:00+01:00[Europe/Berlin]",
            datetime(2024, 1, 1, 10, tzinfo=ZoneInfo("Europe/Berlin")),
        ),
        (" 2024-01-01T10:00:00 ", datetime(2024, 1, 1, 10, tzinfo=UTC)),
    ],
)
def test_parse_date_time_reads_offsets_zones_and_naive_as_utc(text: str, expected: datetime) -> None:
    value = parse_date_time(text)
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2024-01-01",
        "2024-01-01 10:00:00",
        "2024-13-01T10:00:00Z",
        "2024-01-01T25:00:00Z",
        "2024-01-01T10:00:00+19:00",
        "2024-01-01T10:00:00@Nowhere/City",
        "tomorrow",
    ],
)
def test_parse_date_time_rejects_bad_input_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValueError, match=r"invalid (date-time|zone offset)|unknown time zone"):
        parse_date_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT5M", timedelta(minutes=5)),
        ("P1DT2H", timedelta(days=1, hours=2)),
        ("PT1.5S", timedelta(seconds=1.5)),
        ("PT0,25S", timedelta(seconds=0.25)),
        ("P2W", timedelta(weeks=2)),
        ("-P1D", timedelta(days=-1)),
        ("+PT1H", timedelta(hours=1)),
        ("PT36H", timedelta(hours=36)),
        ("P1Y2M", YearsMonthsDuration(14)),
        ("P3M", YearsMonthsDuration(3)),
        ("-P1Y", YearsMonthsDuration(-12)),
    ],
)
def test_parse_duration(text: str, expected: timedelta | YearsMonthsDuration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "P", "PT", "P1H", "1D", "P1Y2D", "P1MT1H", "PT1.5M", "P-1D"])
def test_parse_duration_rejects_bad_input_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_parse_date_and_time() -> None:
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert parse_time("T10:15:30") == time(10, 15, 30)
    assert parse_time("10:15:30+01:00") == time(10, 15, 30, tzinfo=timezone(timedelta(hours=1)))
    with pytest.raises(ValueError, match="invalid date '2023-02-29'"):
        parse_date("2023-02-29")
    with pytest.raises(ValueError, match="invalid time"):
        parse_time("10h")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 15), 12, date(2025, 1, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 1, 15), -13, date(2022, 12, 15)),
    ],
)
def test_add_months_clamps_the_day(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2011, 12, 22), date(2013, 8, 24), 20),
        (date(2024, 1, 31), date(2024, 2, 29), 0),
        (date(2024, 1, 31), date(2024, 3, 1), 1),
        (date(2024, 3, 1), date(2024, 1, 31), -1),
        (date(2024, 1, 1), date(2024, 1, 1), 0),
    ],
)
def test_months_between_counts_whole_months(start: date, end: date, expected: int) -> None:
    assert months_between(start, end) == expected
