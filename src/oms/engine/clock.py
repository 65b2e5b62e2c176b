"""The engine's notion of now. Tests move a controlled clock instead of sleeping."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ControlledClock:
    """Real time plus an offset that tests (or ``PUT /v2/clock``) move forward; or a pinned instant."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._pinned: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            if self._pinned is not None:
                return self._pinned
            return datetime.now(UTC) + self._offset

    def increase_time(self, delta: timedelta) -> None:
        with self._lock:
            if self._pinned is not None:
                self._pinned += delta
            else:
                self._offset += delta

    def pin(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware instant")
        with self._lock:
            self._pinned = instant.astimezone(UTC)

    def reset(self) -> None:
        with self._lock:
            self._pinned = None
            self._offset = timedelta(0)
