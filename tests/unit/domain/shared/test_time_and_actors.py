from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from oms.domain.shared import Actor, ActorId, ActorKind, InvalidTime, TimePeriod, require_utc
from oms.domain.shared.actors import InvalidActor
from oms.domain.shared.time import InvalidPeriod

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def test_naive_times_are_refused() -> None:
    # when / then
    with pytest.raises(InvalidTime, match="naive"):
        require_utc(datetime(2025, 1, 1), "now")


def test_times_outside_utc_are_refused() -> None:
    # when / then
    with pytest.raises(InvalidTime, match="not in UTC"):
        require_utc(datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=2))), "now")


@pytest.mark.parametrize(
    ("at", "inside"),
    [(T0 - timedelta(seconds=1), False), (T0, True), (T0 + timedelta(days=9), True), (T0 + timedelta(days=10), False)],
)
def test_a_period_includes_its_start_and_excludes_its_end(at: datetime, inside: bool) -> None:
    # given
    period = TimePeriod(T0, T0 + timedelta(days=10))
    # when / then
    assert period.contains(at) is inside


def test_a_period_must_end_after_it_starts() -> None:
    # when / then
    with pytest.raises(InvalidPeriod):
        TimePeriod(T0, T0)


def test_open_bounds_are_unbounded() -> None:
    # given
    period = TimePeriod()
    # when / then
    assert period.contains(T0) and not period.has_ended(T0 + timedelta(days=10_000))


def test_an_actor_needs_an_id() -> None:
    # when / then
    with pytest.raises(InvalidActor):
        Actor(ActorKind.SALES_AGENT, ActorId(""))
