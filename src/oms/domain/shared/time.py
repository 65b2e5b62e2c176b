"""Times and periods. The domain never reads the clock: every command takes ``now`` as an
argument, so the same inputs always give the same result and tests need no clock tricks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from oms.domain.shared.errors import DomainError, InvalidTime


def require_utc(value: datetime, what: str) -> datetime:
    """Return ``value`` if it is timezone-aware with a zero UTC offset, else raise ``InvalidTime``."""
    if not isinstance(value, datetime):
        raise InvalidTime(what, value, "is not a datetime")
    offset = value.utcoffset()
    if offset is None:
        raise InvalidTime(what, value, "is naive; times must be timezone-aware UTC")
    if offset != timedelta(0):
        raise InvalidTime(what, value, "is not in UTC")
    return value


class InvalidPeriod(DomainError):
    code = "invalidPeriod"

    def __init__(self, what: str, start: datetime, end: datetime) -> None:
        super().__init__(
            f"{what}: end {end.isoformat()} is not after start {start.isoformat()}",
            what=what,
            start=start.isoformat(),
            end=end.isoformat(),
        )


@dataclass(frozen=True)
class TimePeriod:
    """TMF ``TimePeriod`` (``validFor``): either bound may be open.

    The start is inclusive and the end exclusive, so two periods that meet at one instant
    (old price ends at midnight, new price starts at midnight) never overlap."""

    start: datetime | None = None
    end: datetime | None = None

    def __post_init__(self) -> None:
        if self.start is not None:
            require_utc(self.start, "validFor.start")
        if self.end is not None:
            require_utc(self.end, "validFor.end")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise InvalidPeriod("validFor", self.start, self.end)

    def contains(self, at: datetime) -> bool:
        require_utc(at, "at")
        if self.start is not None and at < self.start:
            return False
        return self.end is None or at < self.end

    def has_ended(self, at: datetime) -> bool:
        require_utc(at, "at")
        return self.end is not None and at >= self.end

    def to_dict(self) -> dict[str, str | None]:
        return {
            "startDateTime": None if self.start is None else self.start.isoformat(),
            "endDateTime": None if self.end is None else self.end.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, str | None]) -> TimePeriod:
        start, end = data.get("startDateTime"), data.get("endDateTime")
        return cls(
            start=None if start is None else datetime.fromisoformat(start),
            end=None if end is None else datetime.fromisoformat(end),
        )


ALWAYS = TimePeriod()
