"""Static timer values: deploy-time checks and the next due date of durations, dates and cycles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from oms.engine.bpmn.model import TimerKind
from oms.engine.bpmn.timers import TimerSchedule, next_due, parse_static_timer

NOW = datetime(2024, 1, 31, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (TimerKind.DURATION, "PT10S"),
        (TimerKind.DURATION, "P1DT2H"),
        (TimerKind.DURATION, "P1Y2M3DT4H5M6.5S"),
        (TimerKind.DURATION, "P2W"),
        (TimerKind.DATE, "2024-05-01T10:00:00Z"),
        (TimerKind.DATE, "2024-05-01T10:00:00.123+02:00"),
        (TimerKind.CYCLE, "R3/PT10S"),
        (TimerKind.CYCLE, "R/P1D"),
        (TimerKind.CYCLE, "R5/2024-05-01T10:00:00Z/PT1H"),
        (TimerKind.CYCLE, "0 0 9 * * MON-FRI"),
        (TimerKind.CYCLE, "0 */5 * ? * *"),
        (TimerKind.CYCLE, "@daily"),
    ],
)
def test_valid_static_timer_values_are_accepted(kind: TimerKind, text: str) -> None:
    parse_static_timer(kind, text)


@pytest.mark.parametrize(
    ("kind", "text", "reason"),
    [
        (TimerKind.DURATION, "10s", "not an ISO 8601 duration"),
        (TimerKind.DURATION, "PT", "not an ISO 8601 duration"),
        (TimerKind.DURATION, "P1.5M", "fractional"),
        (TimerKind.DURATION, "-PT1S", "not an ISO 8601 duration"),
        (TimerKind.DATE, "tomorrow", "not an ISO 8601 date-time"),
        (TimerKind.DATE, "2024-02-30T00:00:00Z", "not an ISO 8601 date-time"),
        (TimerKind.DATE, "2024-05-01T10:00:00", "has no offset"),
        (TimerKind.CYCLE, "R3/10S", "not an ISO 8601 duration"),
        (TimerKind.CYCLE, "Rx/PT1S", "not an ISO 8601 repeating interval"),
        (TimerKind.CYCLE, "R/PT0S", "longer than zero"),
        (TimerKind.CYCLE, "R3/2024-01-01T00:00:00Z/PT1S/x", "not a repeating interval"),
        (TimerKind.CYCLE, "*/5 * * * *", "six fields"),
        (TimerKind.CYCLE, "0 0 25 * * *", "not a valid cron expression"),
        (TimerKind.CYCLE, "PT10S", "six fields"),
    ],
)
def test_invalid_static_timer_values_are_rejected(kind: TimerKind, text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_static_timer(kind, text)


def test_duration_is_due_after_now() -> None:
    assert next_due(TimerKind.DURATION, "PT10S", NOW) == TimerSchedule(
        due=NOW + timedelta(seconds=10), repetitions=1, interval=None
    )


def test_duration_with_months_adds_calendar_months() -> None:
    # given: January 31st, 2024 (a leap year)
    schedule = next_due(TimerKind.DURATION, "P1M", NOW)

    # then: the last day of February
    assert schedule is not None
    assert schedule.due == datetime(2024, 2, 29, 12, 0, tzinfo=UTC)


def test_duration_with_years_months_and_time() -> None:
    schedule = next_due(TimerKind.DURATION, "P1Y1MT1H", NOW)

    assert schedule is not None
    assert schedule.due == datetime(2025, 2, 28, 13, 0, tzinfo=UTC)


def test_date_is_due_at_that_instant_in_utc() -> None:
    schedule = next_due(TimerKind.DATE, "2024-05-01T10:00:00+02:00", NOW)

    assert schedule == TimerSchedule(due=datetime(2024, 5, 1, 8, 0, tzinfo=UTC), repetitions=1, interval=None)
    assert schedule.due.tzinfo is UTC


def test_repeating_interval_without_start() -> None:
    assert next_due(TimerKind.CYCLE, "R3/PT10S", NOW) == TimerSchedule(
        due=NOW + timedelta(seconds=10), repetitions=3, interval=timedelta(seconds=10)
    )


def test_repeating_interval_counts_down_and_runs_out() -> None:
    second = next_due(TimerKind.CYCLE, "R3/PT10S", NOW, repetitions_done=2)

    assert second is not None
    assert second.repetitions == 1
    assert next_due(TimerKind.CYCLE, "R3/PT10S", NOW, repetitions_done=3) is None


def test_unbounded_repeating_interval_repeats_forever() -> None:
    schedule = next_due(TimerKind.CYCLE, "R/PT1H", NOW, repetitions_done=1000)

    assert schedule is not None
    assert schedule.repetitions is None


def test_repeating_interval_with_future_start_is_due_at_the_start() -> None:
    schedule = next_due(TimerKind.CYCLE, "R2/2024-02-01T00:00:00Z/PT1H", NOW)

    assert schedule is not None
    assert schedule.due == datetime(2024, 2, 1, tzinfo=UTC)


def test_repeating_interval_with_past_start_is_due_at_the_next_point_of_the_series() -> None:
    schedule = next_due(TimerKind.CYCLE, "R/2024-01-31T11:59:00Z/PT25S", NOW)

    assert schedule is not None
    assert schedule.due == datetime(2024, 1, 31, 12, 0, 15, tzinfo=UTC)


def test_repeating_interval_of_months_has_no_fixed_interval() -> None:
    schedule = next_due(TimerKind.CYCLE, "R/2023-11-30T00:00:00Z/P1M", NOW)

    assert schedule is not None
    assert schedule.due == datetime(2024, 2, 29, tzinfo=UTC)
    assert schedule.interval is None


def test_cron_cycle_fires_at_the_next_match() -> None:
    # given: Wednesday January 31st 2024, noon; weekdays at 09:00
    schedule = next_due(TimerKind.CYCLE, "0 0 9 * * MON-FRI", NOW)

    # then
    assert schedule == TimerSchedule(due=datetime(2024, 2, 1, 9, 0, tzinfo=UTC), repetitions=None, interval=None)


def test_cron_seconds_come_first_as_in_spring() -> None:
    schedule = next_due(TimerKind.CYCLE, "*/10 * * * * *", NOW + timedelta(seconds=3))

    assert schedule is not None
    assert schedule.due == NOW + timedelta(seconds=10)


def test_cron_day_of_month_and_weekday_must_both_match_as_in_spring() -> None:
    # Friday the 13th: September 2024 is the next one after January 31st
    schedule = next_due(TimerKind.CYCLE, "0 0 0 13 * FRI", NOW)

    assert schedule is not None
    assert schedule.due == datetime(2024, 9, 13, tzinfo=UTC)


def test_cron_macro() -> None:
    schedule = next_due(TimerKind.CYCLE, "@hourly", NOW)

    assert schedule is not None
    assert schedule.due == datetime(2024, 1, 31, 13, 0, tzinfo=UTC)


def test_now_in_another_zone_gives_a_utc_due_date() -> None:
    local_now = NOW.astimezone(timezone(timedelta(hours=5)))

    schedule = next_due(TimerKind.DURATION, "PT1M", local_now)

    assert schedule is not None
    assert schedule.due == NOW + timedelta(minutes=1)
    assert schedule.due.utcoffset() == timedelta(0)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_due(TimerKind.DURATION, "PT1M", datetime(2024, 1, 1))


def test_invalid_runtime_value_raises_value_error() -> None:
    with pytest.raises(ValueError, match="not an ISO 8601 duration"):
        next_due(TimerKind.DURATION, "soon", NOW)
